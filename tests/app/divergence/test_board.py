"""The divergence board: positions by partners (alphabetical), stance and sign-off in each cell,
filters, furthest apart first, a per-area summary, and a fixed number of SQL queries."""

import time
from contextlib import contextmanager

import pytest
from sqlalchemy import insert, update

from app.divergence.models import Stance
from app.divergence.services import differ, stances
from app.drafting.models import Position, Revision, SignOff
from app.drafting.services import consensus
from app.extensions import db
from positions.hashing import content_hash
from tests.support.client import api_headers, login
from tests.support.factories import approve, make_area, make_position, revise
from tests.support.queries import counting_queries
from tests.support.world import Alliance

API = "/api/v1"
FIVE = ["Riverbank", "Harbourside", "Westfield", "Moorland", "Eastgate"]  # not alphabetical
ALPHABETICAL = ["eastgate", "harbourside", "moorland", "riverbank", "westfield"]


# ---- builders -----------------------------------------------------------------------------------


@pytest.fixture
def five(app) -> Alliance:
    return Alliance(FIVE)


def build(alliance, title, views=None, *, signoffs=None, area=None):
    """A position with the given stances ({slug: view}) and sign-offs ({slug: decision})."""
    position = make_position(alliance.drafter, title=title, area=area)
    for slug, view in (views or {}).items():
        stances.set_stance(
            db.session, alliance.officers[slug], position.id, slug, view=view, rationale=""
        )
    for slug, decision in (signoffs or {}).items():
        approve(
            alliance.chiefs[slug], position, decision, "Not yet." if decision == "object" else ""
        )
    db.session.commit()
    return position


def everyone(alliance, value) -> dict:
    return {p.slug: value for p in alliance.partners}


def publish(alliance, position):
    alliance.approve_all(position)
    consensus.publish(
        db.session, alliance.comms, position.id, revision_number=position.current_revision.number
    )
    db.session.commit()


def agree_to_differ(alliance, position):
    for slug, officer in alliance.officers.items():
        differ.write_statement(db.session, officer, position.id, text=f"{slug} says so.")
    for chief in alliance.chiefs.values():
        differ.confirm(db.session, chief, position.id)
    db.session.commit()


def board_json(client, user, query="") -> dict:
    response = client.get(f"{API}/divergence{query}", headers=api_headers(user))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def titles(data) -> list[str]:
    return [row["title"] for row in data["positions"]]


# ---- columns and cells --------------------------------------------------------------------------


def test_partners_are_columns_in_alphabetical_order(five, client):
    build(five, "Fair rents")
    data = board_json(client, five.comms)
    assert [p["slug"] for p in data["partners"]] == ALPHABETICAL
    assert [c["partner"] for c in data["positions"][0]["partners"]] == ALPHABETICAL


def test_each_cell_has_the_stance_and_the_signoff_state(five, client):
    build(
        five,
        "Fair rents",
        {"riverbank": "oppose", "moorland": "reservations", "eastgate": "support"},
        signoffs={"eastgate": "approve", "riverbank": "object"},
    )
    [row] = board_json(client, five.comms)["positions"]
    cells = {c["partner"]: (c["stance"], c["signoff"]) for c in row["partners"]}
    assert cells == {
        "eastgate": ("support", "approved"),
        "harbourside": ("undecided", "awaiting"),
        "moorland": ("reservations", "awaiting"),
        "riverbank": ("oppose", "objected"),
        "westfield": ("undecided", "awaiting"),
    }
    assert (row["trend"], row["spread"]) == ("diverging", 3)


def test_a_stale_approval_shows_as_stale(five, client):
    position = build(five, "Fair rents", signoffs={"harbourside": "approve"})
    db.session.refresh(position)
    revise(five.drafter, position, "New words.")
    db.session.commit()
    [row] = board_json(client, five.comms)["positions"]
    assert row["partners"][1] == {
        "partner": "harbourside",
        "stance": "undecided",
        "signoff": "stale",
        "no_longer_supports": False,
    }


def test_the_board_page_shows_partners_alphabetically_with_text_not_just_colour(five, client):
    build(
        five,
        "Fair rents",
        {"westfield": "oppose", "harbourside": "reservations"},
        signoffs={"harbourside": "approve"},
    )
    login(client, five.drafter)
    response = client.get("/divergence/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    head = page[page.index('<thead><tr><th scope="col">Position') :]
    head = head[: head.index("</thead>")]
    positions = [head.index(f">{name}<") for name in sorted(FIVE)]
    assert positions == sorted(positions)
    row = page[page.index("Fair rents</a>") :]
    row = row[: row.index("</tr>")]
    cells = row.split('<td data-label="')[1:6]
    assert [c.split('"')[0] for c in cells] == sorted(FIVE)
    assert "Support with reservations" in cells[1] and "Approved" in cells[1]
    assert "Oppose" in cells[4] and "Awaiting" in cells[4]
    assert "Undecided" in cells[0]


def test_the_board_is_for_members_only(five, client):
    assert client.get("/divergence/").status_code == 302
    assert client.get(f"{API}/divergence").status_code == 401


# ---- filters ------------------------------------------------------------------------------------


def test_filter_by_area(five, client):
    transport = make_area("Transport")
    build(five, "Fair rents")
    build(five, "Bus lanes", area=transport)
    data = board_json(client, five.comms, f"?area={transport.id}")
    assert titles(data) == ["Bus lanes"]
    assert list(data["summary"]) == ["Transport"]
    login(client, five.drafter)
    page = client.get(f"/divergence/?area={transport.id}").get_data(as_text=True)
    assert "Bus lanes" in page and "Fair rents" not in page


def test_filter_by_status(five, client):
    publish(five, build(five, "Fair rents"))
    build(five, "Bus lanes")
    assert titles(board_json(client, five.comms, "?status=published")) == ["Fair rents"]
    assert titles(board_json(client, five.comms, "?status=draft")) == ["Bus lanes"]
    login(client, five.drafter)
    page = client.get("/divergence/?status=draft").get_data(as_text=True)
    assert "Bus lanes" in page and "Fair rents</a>" not in page


def test_withdrawn_positions_are_not_on_the_board(five, client):
    position = build(five, "Fair rents")
    publish(five, position)
    five.withdraw_all(position, reason="Dropped.")
    db.session.commit()
    assert titles(board_json(client, five.comms)) == []


# ---- order --------------------------------------------------------------------------------------


def test_furthest_apart_first_ties_alphabetical(five, client):
    build(five, "Agreed", everyone(five, "support"))
    build(five, "b doubts", {"moorland": "reservations"})
    build(five, "A doubts", {"eastgate": "reservations"})
    build(five, "Split", everyone(five, "support") | {"riverbank": "oppose"})
    build(five, "Deep split", {"riverbank": "oppose", "westfield": "oppose", "moorland": "support"})
    expected = ["Deep split", "Split", "A doubts", "b doubts", "Agreed"]
    assert titles(board_json(client, five.comms)) == expected
    login(client, five.drafter)
    page = client.get("/divergence/").get_data(as_text=True)
    assert [page.index(f">{t}</a>") for t in expected] == sorted(
        page.index(f">{t}</a>") for t in expected
    )


def test_the_page_can_sort_by_title(five, client):
    build(five, "Zebra crossings", {"riverbank": "oppose", "moorland": "support"})
    build(five, "Allotments")
    login(client, five.drafter)
    page = client.get("/divergence/?sort=title").get_data(as_text=True)
    assert page.index(">Allotments</a>") < page.index(">Zebra crossings</a>")
    page = client.get("/divergence/").get_data(as_text=True)
    assert page.index(">Zebra crossings</a>") < page.index(">Allotments</a>")


# ---- summary ------------------------------------------------------------------------------------


def test_summary_counts_each_area_by_trend(alliance, client):
    transport = make_area("Transport")
    publish(alliance, build(alliance, "Published"))
    build(alliance, "Converging", everyone(alliance, "support"))
    build(alliance, "Diverging", {"moorland": "oppose"})
    build(alliance, "Doubtful", everyone(alliance, "support") | {"riverbank": "reservations"})
    agree_to_differ(alliance, build(alliance, "Differ"))
    build(alliance, "Forming", {"moorland": "support"})
    build(alliance, "Bus lanes", {"harbourside": "reservations"}, area=transport)
    summary = board_json(client, alliance.comms)["summary"]
    assert summary == {
        "Housing": {"unified": 1, "converging": 1, "diverging": 2, "differ": 1, "open": 1},
        "Transport": {"unified": 0, "converging": 0, "diverging": 1, "differ": 0, "open": 0},
    }
    login(client, alliance.drafter)
    page = client.get("/divergence/").get_data(as_text=True)
    housing = page[page.index('<th scope="row">Housing</th>') :]
    housing = housing[: housing.index("</tr>")]
    assert [c.split(">")[1].split("<")[0] for c in housing.split("<td")[1:]] == [
        "1",
        "1",
        "2",
        "1",
        "1",
    ]


# ---- a fixed number of queries ------------------------------------------------------------------


VIEWS = ["support", "reservations", "oppose", "undecided"]


def add_positions_through_services(alliance, n: int) -> None:
    """n positions, each with a stance and a sign-off from every partner, as users make them."""
    for i in range(n):
        position = make_position(alliance.drafter, title=f"Position {i:04d}", body=f"Text {i}.")
        for j, partner in enumerate(alliance.partners):
            view = VIEWS[(i + j) % 3]
            stances.set_stance(
                db.session,
                alliance.officers[partner.slug],
                position.id,
                partner.slug,
                view=view,
                rationale="",
            )
            decision = "object" if view == "oppose" else "approve"
            approve(alliance.chiefs[partner.slug], position, decision, "No.")
    db.session.commit()


def add_positions_in_bulk(alliance, numbers: range) -> None:
    """The same rows written directly (fast): positions, revisions, stances and sign-offs."""
    author = alliance.drafter
    statuses = ["draft", "agreed", "published", "differ", "archived"]
    position_ids = db.session.scalars(
        insert(Position).returning(Position.id, sort_by_parameter_order=True),
        [
            {
                "title": f"Position {i:04d}",
                "slug": f"position-{i}",
                "area_id": alliance.area.id,
                "status": statuses[i % len(statuses)],
                "created_by_id": author.id,
            }
            for i in numbers
        ],
    ).all()
    texts = [(f"Position {i:04d}", f"Text {i}.") for i in numbers]
    hashes = [content_hash(title, body) for title, body in texts]
    revision_ids = db.session.scalars(
        insert(Revision).returning(Revision.id, sort_by_parameter_order=True),
        [
            {
                "position_id": pid,
                "number": 1,
                "title": title,
                "body": body,
                "body_html": f"<p>{body}</p>",
                "content_hash": digest,
                "author_id": author.id,
            }
            for pid, (title, body), digest in zip(position_ids, texts, hashes, strict=True)
        ],
    ).all()
    db.session.execute(
        update(Position),
        [
            {"id": pid, "current_revision_id": rid}
            for pid, rid in zip(position_ids, revision_ids, strict=True)
        ],
    )
    stance_rows, signoff_rows = [], []
    for i, pid, rid, digest in zip(numbers, position_ids, revision_ids, hashes, strict=True):
        for j, partner in enumerate(alliance.partners):
            view = VIEWS[(i + j) % len(VIEWS)]
            stance_rows.append(
                {
                    "position_id": pid,
                    "partner_id": partner.id,
                    "view": view,
                    "user_id": alliance.officers[partner.slug].id,
                }
            )
            signoff_rows.append(
                {
                    "position_id": pid,
                    "revision_id": rid,
                    "partner_id": partner.id,
                    "user_id": alliance.chiefs[partner.slug].id,
                    "decision": "object" if view == "oppose" else "approve",
                    "comment": "No." if view == "oppose" else "",
                    # every third approval is on other text: shown as stale
                    "content_hash": "0" * 64 if (i + j) % 3 == 0 else digest,
                }
            )
    db.session.execute(insert(Stance), stance_rows)
    db.session.execute(insert(SignOff), signoff_rows)
    db.session.commit()


@contextmanager
def empty_session(alliance):
    """As in a real request nothing is cached in the session; the alliance comes back after."""
    kept = [alliance.area, *alliance.partners, alliance.comms, alliance.admin]
    kept += [*alliance.chiefs.values(), *alliance.officers.values()]
    db.session.expunge_all()
    yield
    db.session.rollback()
    db.session.expunge_all()
    db.session.add_all(kept)


def queries_for_board(client, alliance, headers) -> tuple[int, int, int]:
    """(rows, queries for GET /divergence/, queries for GET /api/v1/divergence?area=...)."""
    area_id = alliance.area.id
    with empty_session(alliance), counting_queries() as web:
        response = client.get("/divergence/")
    assert response.status_code == 200
    with empty_session(alliance), counting_queries() as api:
        response = client.get(f"{API}/divergence?area={area_id}", headers=headers)
    assert response.status_code == 200
    rows = response.get_json()["positions"]
    assert all(len(row["partners"]) == len(alliance.partners) for row in rows)
    return len(rows), len(web), len(api)


def test_the_board_takes_the_same_number_of_queries_for_10_and_60_positions(five, client):
    login(client, five.drafter)
    headers = api_headers(five.comms)
    add_positions_through_services(five, 10)
    rows, web_10, api_10 = queries_for_board(client, five, headers)
    assert rows == 10
    add_positions_through_services(five, 50)
    rows, web_60, api_60 = queries_for_board(client, five, headers)
    assert rows == 60
    assert (web_60, api_60) == (web_10, api_10)
    print(f"\nboard queries: web {web_10}, api {api_10} (10 and 60 positions)")


@pytest.mark.slow
def test_the_board_for_1000_positions_and_5_partners_takes_the_queries_of_10(five, client):
    login(client, five.drafter)
    headers = api_headers(five.comms)
    add_positions_in_bulk(five, range(10))
    rows, web_10, api_10 = queries_for_board(client, five, headers)
    assert rows == 10
    add_positions_in_bulk(five, range(10, 1000))
    started = time.perf_counter()
    rows, web_1000, api_1000 = queries_for_board(client, five, headers)
    elapsed = time.perf_counter() - started
    assert rows == 1000
    assert (web_1000, api_1000) == (web_10, api_10)
    print(f"\nboard queries: web {web_10}, api {api_10}; 1,000 positions served in {elapsed:.1f}s")
