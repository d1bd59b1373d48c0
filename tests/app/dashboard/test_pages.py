"""The dashboard: what needs the signed-in person now, and what was published lately."""

from datetime import UTC, date, datetime, timedelta

from app.accounts.models import User
from app.alliance import settings as alliance_settings
from app.drafting.services import cycle
from app.extensions import db
from tests.support.client import body_of, login
from tests.support.factories import approve, make_position, published_position, revise

MONDAY = datetime(2026, 6, 1, 9, tzinfo=UTC)


def ready(position):
    cycle.mark_ready(db.session, position_author(position), position.id)
    return position


def position_author(position):
    return db.session.get(User, position.created_by_id)


def todo_of(page: str) -> str:
    return page.split('id="todo-heading"')[1].split("</section>")[0]


def test_a_chief_officers_dashboard_lists_only_ready_positions(alliance, client, session):
    waiting = ready(make_position(alliance.drafter, title="Ready for us"))
    make_position(alliance.drafter, title="Still being typed")
    published_position(alliance, title="Already out")
    session.commit()
    login(client, alliance.chiefs["harbourside"])
    page = body_of(client.get("/"))
    todo = todo_of(page)
    assert "To decide for Harbourside (1)" in todo
    assert f'href="/positions/{waiting.id}">Ready for us' in todo
    assert f'href="/positions/{waiting.id}#sign-off"' in todo  # straight to the decision panel
    assert "New request" in todo
    assert "Still being typed" not in page
    assert "Recently published" in page and "Already out" in page


def test_a_policy_officer_sees_what_awaits_their_partner_not_a_to_do_list(
    alliance, client, session
):
    make_position(alliance.drafter, title="Awaiting us")
    session.commit()
    login(client, alliance.officers["moorland"])
    page = body_of(client.get("/"))
    assert 'id="todo-heading"' not in page
    assert "Awaiting Moorland" in page and "Awaiting us" in page
    assert "Agreed, ready to publish" not in page  # policy officers do not publish


def test_stale_approvals_and_answered_objections_are_in_the_list_once(alliance, client, session):
    stale = ready(make_position(alliance.drafter, title="Gone stale", body="One two three."))
    alliance.approve_all(stale)
    revise(alliance.drafter, stale, "One two three four five.")
    answered = ready(make_position(alliance.drafter, title="Answered"))
    approve(alliance.chiefs["harbourside"], answered, "object", "No.")
    revise(alliance.drafter, answered, "A better text.")
    vetoed = ready(make_position(alliance.drafter, title="Vetoed"))
    approve(alliance.chiefs["harbourside"], vetoed, "object", "No.")
    session.commit()
    login(client, alliance.chiefs["harbourside"])
    page = body_of(client.get("/"))
    todo = todo_of(page)
    assert todo.count(">Gone stale<") == 1 and todo.count(">Answered<") == 1
    assert "Your approval went stale" in todo
    assert "+2 −0 words" in todo  # what changed since my partner approved revision 1
    assert "Your objection was answered by a new revision" in todo
    assert "Vetoed" not in todo  # my objection to this very text is a decision made
    objections = page.split("<h2>Objections</h2>")[1].split("</section>")[0]
    assert "Vetoed" in objections


def test_a_position_on_the_to_do_list_is_not_listed_again_among_the_objections(
    alliance, client, session
):
    objected = ready(make_position(alliance.drafter, title="Moorland objects"))
    approve(alliance.chiefs["moorland"], objected, "object", "Not like this.")
    session.commit()
    login(client, alliance.chiefs["harbourside"])
    page = body_of(client.get("/"))
    assert todo_of(page).count(">Moorland objects<") == 1  # Harbourside is still to decide
    assert page.count(">Moorland objects<") == 1  # and it is nowhere else on the page
    client.post("/logout")
    login(client, alliance.officers["harbourside"])  # no to-do list: the objection is listed
    objections = body_of(client.get("/")).split("<h2>Objections</h2>")[1].split("</section>")[0]
    assert "Moorland objects" in objections


def test_partner_markers_have_visible_labels(alliance, client, session):
    position = ready(make_position(alliance.drafter, title="Marked"))
    approve(alliance.chiefs["moorland"], position)
    session.commit()
    login(client, alliance.chiefs["harbourside"])
    todo = todo_of(body_of(client.get("/")))
    assert "Moorland: approved" in todo and "Harbourside: awaiting" in todo


def test_soonest_deadline_first_and_an_overdue_item_on_top(alliance, client, session, monkeypatch):
    monkeypatch.setattr(alliance_settings, "utcnow", lambda: MONDAY)
    later = make_position(alliance.drafter, title="Later")
    cycle.mark_ready(db.session, alliance.drafter, later.id, decision_due=date(2026, 6, 26))
    sooner = make_position(alliance.drafter, title="Sooner")
    cycle.mark_ready(db.session, alliance.drafter, sooner.id, decision_due=date(2026, 6, 12))
    session.commit()
    login(client, alliance.chiefs["harbourside"])
    todo = todo_of(body_of(client.get("/")))
    assert todo.index(">Sooner<") < todo.index(">Later<")
    assert "Overdue" not in todo
    # Two weeks on, "Sooner" is past its day.
    monkeypatch.setattr(alliance_settings, "utcnow", lambda: MONDAY + timedelta(days=14))
    todo = todo_of(body_of(client.get("/")))
    assert todo.index(">Sooner<") < todo.index(">Later<")
    overdue = todo.split("todo-overdue")[1].split("</li>")[0]
    assert ">Sooner<" in overdue and "Overdue" in overdue
    assert "ready 14 days ago" in overdue


def test_dashboard_renders_for_alliance_staff(alliance, client):
    login(client, alliance.comms)
    page = client.get("/")
    assert page.status_code == 200 and "Alliance team" in body_of(page)
