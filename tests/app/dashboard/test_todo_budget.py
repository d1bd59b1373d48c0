"""The to-do list costs the same number of SQL statements with 100 or 10,000 ready positions.

Positions are written in bulk (no services: 10,000 through them would take minutes), each with
two revisions; a third of them carry Harbourside's approval of the first (so stale, and shown
with what changed), a third Moorland's objection to the first. Deadlines spread over the
calendar, some past. The chief officer's dashboard and a deputy's are counted at both sizes.
"""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, insert, select, update

from app.alliance import settings as alliance_settings
from app.deputies import services as deputations
from app.drafting.models import Position, Revision, SignOff
from app.extensions import db
from positions.hashing import content_hash
from tests.support.client import body_of, login
from tests.support.factories import make_user
from tests.support.queries import counting_queries

NOW = datetime(2026, 6, 10, 9, tzinfo=UTC)
SMALL, LARGE = 100, 10_000


def add_ready_positions(alliance, count: int) -> None:
    s = db.session
    first = (s.execute(select(func.max(Position.id))).scalar() or 0) + 1
    last_revision = s.execute(select(func.max(Revision.id))).scalar() or 0
    area, author = alliance.area.id, alliance.drafter.id
    harbourside, moorland = alliance.partners[0].id, alliance.partners[1].id
    positions, revisions, signoffs = [], [], []
    for i in range(count):
        pid = first + i
        positions.append(
            {
                "id": pid,
                "title": f"Ready {pid}",
                "slug": f"ready-{pid}",
                "area_id": area,
                "status": "draft",
                "created_by_id": author,
                "ready_at": NOW - timedelta(days=i % 20),
                "decision_due": date(2026, 6, 1) + timedelta(days=i % 59),
            }
        )
        for number in (1, 2):
            body = f"Text {pid} " + "more words " * number
            revisions.append(
                {
                    "id": last_revision + 2 * i + number,
                    "position_id": pid,
                    "number": number,
                    "title": f"Ready {pid}",
                    "body": body,
                    "body_html": f"<p>{body}</p>",
                    "content_hash": content_hash(f"Ready {pid}", body),
                    "author_id": author,
                }
            )
        first_revision = revisions[-2]
        if i % 3:
            signoffs.append(
                {
                    "position_id": pid,
                    "revision_id": first_revision["id"],
                    "partner_id": harbourside if i % 3 == 1 else moorland,
                    "user_id": author,  # who does not matter to the count
                    "decision": "approve" if i % 3 == 1 else "object",
                    "comment": "",
                    "content_hash": first_revision["content_hash"],
                }
            )
    s.execute(insert(Position), positions)
    s.execute(insert(Revision), revisions)
    s.execute(insert(SignOff), signoffs)
    current = (
        select(Revision.id)
        .where(Revision.position_id == Position.id, Revision.number == 2)
        .scalar_subquery()
    )
    s.execute(
        update(Position)
        .where(Position.id >= first)
        .values(current_revision_id=current)
        .execution_options(synchronize_session=False)
    )
    s.commit()


def statements(client) -> int:
    client.get("/")  # templates compiled, the session settled
    with client.application.app_context(), counting_queries() as executed:
        response = client.get("/")
    assert response.status_code == 200
    assert "To decide for Harbourside" in body_of(response)
    return len(executed)


def test_the_to_do_list_costs_the_same_at_100_and_10000_positions(
    alliance, client, session, monkeypatch
):
    monkeypatch.setattr(alliance_settings, "utcnow", lambda: NOW)
    deputy = make_user("deputy@example.org", partner=alliance.partners[0], name="Deputy")
    deputations.name_deputy(
        session,
        alliance.chiefs["harbourside"],
        partner_id=alliance.partners[0].id,
        deputy_id=deputy.id,
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 6, 30),
    )
    add_ready_positions(alliance, SMALL)
    chief, acting = client.application.test_client(), client.application.test_client()
    login(chief, alliance.chiefs["harbourside"])
    login(acting, deputy)
    small = (statements(chief), statements(acting))
    add_ready_positions(alliance, LARGE - SMALL)
    large = (statements(chief), statements(acting))
    assert small == large, f"chief, deputy: {small} with {SMALL}, {large} with {LARGE}"
    page = body_of(chief.get("/"))
    assert "Overdue" in page and "+2 −0 words" in page  # stale items say what changed
