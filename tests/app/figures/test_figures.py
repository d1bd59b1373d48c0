"""Cycle figures on stored data: the cycles the services write, the page, its SVG images and the
JSON API, who may see them, and the number of SQL statements at any size."""

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, insert, select, update

from app.alliance import settings as alliance_settings
from app.drafting.models import Position, Revision, SignOff
from app.drafting.services import cycle, governance
from app.extensions import db
from app.figures.models import SignoffCycle
from positions.hashing import content_hash
from tests.support.client import api_headers, body_of, error_of, login
from tests.support.factories import approve, make_position, publish, revise
from tests.support.queries import counting_queries

NOW = datetime(2026, 6, 10, 11, tzinfo=UTC)  # Wednesday 10 June 2026, noon in London
MONDAY = datetime(2026, 6, 1, 8, tzinfo=UTC)  # 09:00 in London
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def june(monkeypatch):
    monkeypatch.setattr(alliance_settings, "utcnow", lambda: NOW)


def cycles_of(position) -> list[SignoffCycle]:
    return list(
        db.session.execute(
            select(SignoffCycle)
            .where(SignoffCycle.position_id == position.id)
            .order_by(SignoffCycle.id)
        ).scalars()
    )


def ready(alliance, title="Clean rivers", **readiness):
    position = make_position(alliance.drafter, title=title)
    cycle.mark_ready(db.session, alliance.drafter, position.id, **readiness)
    return position


def test_a_cycle_runs_from_ready_through_unanimity_to_publication(alliance, session):
    position = ready(alliance)
    [row] = cycles_of(position)
    assert (row.started_at, row.revision, row.unanimous_at, row.ended_at) == (NOW, 1, None, None)
    alliance.approve_all(position)
    last = session.execute(select(func.max(SignOff.created_at))).scalar_one()
    assert row.unanimous_at == last
    publish(alliance.comms, position)
    assert (row.ended_at, row.outcome) == (NOW, "published")


def test_an_edit_or_an_objection_undoes_unanimity_and_taking_back_ends_the_cycle(alliance, session):
    position = ready(alliance)
    alliance.approve_all(position)
    [row] = cycles_of(position)
    assert row.unanimous_at is not None
    revise(alliance.drafter, position, "A better text.")
    assert row.unanimous_at is None  # the approvals went stale
    alliance.approve_all(position)
    assert row.unanimous_at is not None
    approve(alliance.chiefs["moorland"], position, "object", "On reflection, no.")
    assert row.unanimous_at is None
    cycle.take_back(db.session, alliance.drafter, position.id)
    assert (row.ended_at, row.outcome) == (NOW, "taken_back")
    cycle.mark_ready(db.session, alliance.drafter, position.id)
    assert [r.outcome for r in cycles_of(position)] == ["taken_back", None]


# ---- a history to count ---------------------------------------------------------------------


def decided_in_the_past(alliance, title, working_days_to_each: dict[str, int]) -> Position:
    """Ready on Monday 1 June at 09:00; each partner approved whole days later (all unanimous
    when every partner is given), the records moved back to those moments."""
    position = ready(alliance, title=title)
    for slug in working_days_to_each:
        approve(alliance.chiefs[slug], position)
    db.session.flush()
    [row] = cycles_of(position)
    row.started_at = MONDAY
    moments = []
    for slug, days in working_days_to_each.items():
        partner_id = alliance.chiefs[slug].partner_id
        at = MONDAY + timedelta(days=days)
        moments.append(at)
        db.session.execute(
            update(SignOff)
            .where(SignOff.position_id == position.id, SignOff.partner_id == partner_id)
            .values(created_at=at)
        )
    if row.unanimous_at is not None:
        row.unanimous_at = max(moments)
    db.session.commit()
    return position


@pytest.fixture
def history(alliance):
    # Unanimous after 1, 2 and 4 working days (Tuesday, Wednesday, Friday).
    decided_in_the_past(alliance, "One day", {"harbourside": 1, "moorland": 1, "riverbank": 1})
    decided_in_the_past(alliance, "Two days", {"moorland": 1, "harbourside": 2, "riverbank": 2})
    decided_in_the_past(alliance, "Four days", {"riverbank": 2, "harbourside": 3, "moorland": 4})
    # Overdue: due last Friday; Harbourside approved, Moorland and Riverbank still to decide.
    late = decided_in_the_past(alliance, "Late <b>one</b>", {"harbourside": 0})
    late.decision_due = date(2026, 6, 5)
    db.session.commit()
    return late


def test_the_api_gives_medians_percentiles_months_and_overdue_shares(alliance, client, history):
    response = client.get("/api/v1/figures/cycle", headers=api_headers(alliance.comms))
    assert response.status_code == 200, body_of(response)
    got = response.get_json()
    quarter, year = got["periods"]
    assert quarter["name"] == "quarter" and year["name"] == "year"
    assert quarter["ready_to_unanimous"] == {"count": 3, "median": 2.0, "p90": 4.0}
    firsts = {p["partner"]: p["spread"] for p in quarter["ready_to_first_decision"]}
    assert [p["partner"] for p in quarter["ready_to_first_decision"]] == [
        "harbourside",
        "moorland",
        "riverbank",
    ]
    # Harbourside decided after 1, 2, 3 and 0 working days: nearest rank of 4 values.
    assert firsts["harbourside"] == {"count": 4, "median": 1.0, "p90": 3.0}
    assert got["months"][-1] == {
        "month": "2026-06",
        "ready_to_unanimous": {"count": 3, "median": 2.0, "p90": 4.0},
    }
    assert len(got["months"]) == 12
    assert [(o["title"], o["waiting_for"]) for o in got["overdue"]] == [
        ("Late <b>one</b>", ["moorland", "riverbank"])
    ]
    shares = [(s["partner"], s["overdue_decisions"], s["share"]) for s in got["overdue_shares"]]
    assert shares == [("harbourside", 0, 0.0), ("moorland", 1, 0.5), ("riverbank", 1, 0.5)]
    assert got["open_cycles"] == 4  # the agreed three stay up until published


def test_the_page_draws_with_images_and_tables_and_escapes_titles(alliance, client, history):
    login(client, alliance.chiefs["moorland"])
    response = client.get("/figures/")
    assert response.status_code == 200
    page = body_of(response)
    assert "<svg" not in page  # charts are images of their own
    assert 'src="/figures/cycle-times.svg"' in page
    assert f'src="/figures/positions/{history.id}/timeline.svg"' in page
    assert "Late &lt;b&gt;one&lt;/b&gt;" in page and "<b>one</b>" not in page
    assert "2 working days" in page and "4 working days" in page
    firsts = page[page.index("first-heading") :]
    assert firsts.index("Harbourside") < firsts.index("Moorland") < firsts.index("Riverbank")
    assert 'href="/figures/"' in page  # the nav link


def parse(response) -> ET.Element:
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.get_data())
    assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text
    return root


def test_the_charts_are_svg_images(alliance, client, history):
    login(client, alliance.admin)
    months = parse(client.get("/figures/cycle-times.svg"))
    bars = months.findall(f".//{SVG}rect[@class='median']")
    assert [(b.get("data-month"), b.get("data-value")) for b in bars] == [("2026-06", "2.00")]
    timeline = parse(client.get(f"/figures/positions/{history.id}/timeline.svg"))
    assert "Late <b>one</b>" in timeline.find(f"{SVG}title").text  # escaped, read back
    marks = timeline.findall(f".//{SVG}g[@data-partner]")
    assert [m.get("data-partner") for m in marks] == ["harbourside"]


def test_a_position_never_up_for_sign_off_has_no_timeline(alliance, client):
    position = make_position(alliance.drafter, title="Never ready")
    db.session.commit()
    login(client, alliance.admin)
    assert client.get(f"/figures/positions/{position.id}/timeline.svg").status_code == 404
    response = client.get(
        f"/api/v1/figures/positions/{position.id}/timeline", headers=api_headers(alliance.admin)
    )
    error_of(response, 404)


def test_policy_officers_are_not_shown_the_figures(alliance, client):
    login(client, alliance.drafter)
    assert client.get("/figures/").status_code == 403
    assert 'href="/figures/"' not in body_of(client.get("/"))
    response = client.get("/api/v1/figures/cycle", headers=api_headers(alliance.drafter))
    error_of(response, 403)


def test_the_timeline_api_lists_each_partner_alphabetically(alliance, client, history):
    response = client.get(
        f"/api/v1/figures/positions/{history.id}/timeline", headers=api_headers(alliance.admin)
    )
    got = response.get_json()
    assert [lane["partner"] for lane in got["partners"]] == ["harbourside", "moorland", "riverbank"]
    assert got["partners"][0]["decisions"][0]["working_days"] == 0.0
    assert got["decision_due"] == "2026-06-05" and got["outcome"] is None


# ---- the cost ---------------------------------------------------------------------------------


def add_cycles(alliance, count: int) -> None:
    """`count` positions, each with a cycle and a decision by every partner, written in bulk;
    a third still open and overdue."""
    s = db.session
    first = (s.execute(select(func.max(Position.id))).scalar() or 0) + 1
    last_revision = s.execute(select(func.max(Revision.id))).scalar() or 0
    positions, revisions, cycles, signoffs = [], [], [], []
    for i in range(count):
        pid, rid = first + i, last_revision + 1 + i
        started = MONDAY - timedelta(days=i % 200)
        still_open = i % 3 == 0
        positions.append(
            {
                "id": pid,
                "title": f"Bulk {pid}",
                "slug": f"bulk-{pid}",
                "area_id": alliance.area.id,
                "status": "draft",
                "created_by_id": alliance.drafter.id,
                "ready_at": started if still_open else None,
                "decision_due": date(2026, 6, 1) if still_open else None,
            }
        )
        body = f"Text {pid}"
        revisions.append(
            {
                "id": rid,
                "position_id": pid,
                "number": 1,
                "title": f"Bulk {pid}",
                "body": body,
                "body_html": f"<p>{body}</p>",
                "content_hash": content_hash(f"Bulk {pid}", body),
                "author_id": alliance.drafter.id,
            }
        )
        cycles.append(
            {
                "position_id": pid,
                "revision": 1,
                "started_at": started,
                "unanimous_at": None if still_open else started + timedelta(days=2),
                "ended_at": None if still_open else started + timedelta(days=3),
                "outcome": None if still_open else "published",
            }
        )
        for n, partner in enumerate(alliance.partners[: 1 if still_open else 3]):
            signoffs.append(
                {
                    "position_id": pid,
                    "revision_id": rid,
                    "partner_id": partner.id,
                    "user_id": alliance.chiefs[partner.slug].id,
                    "decision": "approve",
                    "comment": "",
                    "content_hash": revisions[-1]["content_hash"],
                    "created_at": started + timedelta(hours=10 + n * 12),
                }
            )
    s.execute(insert(Position), positions)
    s.execute(insert(Revision), revisions)
    s.execute(insert(SignoffCycle), cycles)
    s.execute(insert(SignOff), signoffs)
    s.execute(
        update(Position)
        .where(Position.id >= first)
        .values(
            current_revision_id=select(Revision.id)
            .where(Revision.position_id == Position.id)
            .scalar_subquery()
        )
        .execution_options(synchronize_session=False)
    )
    s.commit()


def statements(client, path, **kw) -> int:
    client.get(path, **kw)  # templates compiled, the session settled
    with client.application.app_context(), counting_queries() as executed:
        response = client.get(path, **kw)
    assert response.status_code == 200, body_of(response)[:300]
    return len(executed)


def test_the_figures_cost_the_same_statements_at_30_and_600_positions(alliance, client):
    headers = api_headers(alliance.comms)
    login(client, alliance.comms)
    add_cycles(alliance, 30)
    paths = ["/figures/", "/figures/cycle-times.svg", "/api/v1/figures/cycle"]
    small = [statements(client, p, headers=headers if "api" in p else {}) for p in paths]
    add_cycles(alliance, 570)
    large = [statements(client, p, headers=headers if "api" in p else {}) for p in paths]
    assert small == large, f"{small} with 30 positions, {large} with 600"
    assert "Bulk" in body_of(client.get("/figures/"))


def test_an_archived_position_is_no_longer_up_for_sign_off(alliance, client, history):
    governance.archive(db.session, alliance.drafter, history.id, reason="Overtaken by events.")
    db.session.commit()
    got = client.get("/api/v1/figures/cycle", headers=api_headers(alliance.admin)).get_json()
    assert got["open_cycles"] == 3 and got["overdue"] == []
