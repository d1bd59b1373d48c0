"""The log is served with a fixed number of SQL statements, however long it grows."""

from sqlalchemy import select

from app.drafting.models import Position
from app.extensions import db
from tests.support.client import api_headers, login
from tests.support.factories import (
    grant,
    make_meeting,
    make_position,
    minutes_from_now,
    published_position,
    speak,
)
from tests.support.queries import counting_queries


def build_log(alliance, n: int) -> None:
    """n appearances in every shape: both capacities, cited positions, flags, audiences."""
    grant(alliance.admin, alliance.chiefs["harbourside"], [alliance.area])
    published = published_position(alliance, title="Published line")
    draft = make_position(alliance.drafter, title="Draft line")
    db.session.commit()
    speakers = [
        (alliance.chiefs["harbourside"], "alliance"),
        (alliance.chiefs["moorland"], "alliance"),
        (alliance.chiefs["riverbank"], "riverbank"),
        (alliance.officers["moorland"], "moorland"),
    ]
    meetings = []
    for i in range(n):
        if i % 2 == 0:
            meetings.append(
                make_meeting(
                    alliance.comms,
                    title=f"Meeting {i}",
                    starts_at=minutes_from_now(60 * (i - n // 2)),
                    areas=[alliance.area],
                    public=i % 4 == 0,
                    audience=[(f"Organisation {i % 3}", "Someone", "Role", ""), "Council"],
                )
            )
        person, capacity = speakers[i % len(speakers)]  # two different speakers a meeting
        speak(
            alliance.comms,
            meetings[-1],
            person,
            capacity=capacity,
            positions=[published, draft][: 1 + i % 2],
        )


def count_requests(client, alliance) -> tuple[int, int, int]:
    login(client, alliance.comms)
    headers = api_headers(alliance.comms)
    client.get("/meetings/log")  # warm up: anything first-time happens here
    with counting_queries() as page:
        response = client.get("/meetings/log")
        assert response.status_code == 200
    with counting_queries() as api:
        response = client.get("/api/v1/appearances", headers=headers)
        assert response.status_code == 200
    client.post("/logout")
    with counting_queries() as public:
        assert client.get("/meetings/log").status_code == 200
    return len(page), len(api), len(public)


def test_query_counts_do_not_grow_with_the_log(app, alliance, client):
    build_log(alliance, 5)
    few = count_requests(client, alliance)
    build_log_more(alliance, 35)
    many = count_requests(client, alliance)
    assert few == many, f"5 appearances: {few}; 40 appearances: {many}"
    print(f"statements (log page, API, public log): {many}")
    page, api, public = many
    assert page <= 20 and api <= 15 and public <= 15, many


def build_log_more(alliance, n: int) -> None:
    published, draft = db.session.execute(select(Position).order_by(Position.id)).scalars()
    for i in range(n):
        meeting = make_meeting(
            alliance.comms,
            title=f"More {i}",
            starts_at=minutes_from_now(60 * (i - n // 2) + 7),
            areas=[alliance.area],
            public=i % 3 == 0,
            audience=[(f"Organisation {i % 5}", "", "", "")],
        )
        person = [alliance.chiefs["harbourside"], alliance.chiefs["moorland"]][i % 2]
        speak(alliance.comms, meeting, person, positions=[published, draft][: 1 + i % 2])
