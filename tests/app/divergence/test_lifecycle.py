"""Review dates (dashboard, public page) and withdrawing or archiving, which never deletes."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.alliance.settings import clock_of
from app.drafting.models import Position, Publication, Revision, SignOff
from app.drafting.services import consensus, lifecycle
from app.extensions import db
from app.web.errors import status_of as http_status
from positions.refusals import Conflict, Forbidden, Invalid
from tests.support.client import login
from tests.support.factories import make_position


def today():
    return clock_of(db.session).today()  # the alliance's date, as the rules read it


# ---- builders -----------------------------------------------------------------------------------


def published(alliance, title="Fair rents", review_in_days=None):
    position = make_position(alliance.drafter, title=title)
    alliance.approve_all(position)
    consensus.publish(db.session, alliance.comms, position.id, revision_number=1)
    if review_in_days is not None:
        lifecycle.set_review_date(
            db.session, alliance.drafter, position.id, today() + timedelta(days=review_in_days)
        )
    db.session.commit()
    return position


def due_section(client) -> str:
    page = client.get("/").get_data(as_text=True)
    section = page[page.index("<h2>Due for review</h2>") :]
    return section[: section.index("</section>")]


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def status_of(position) -> str:
    db.session.rollback()
    return db.session.get(Position, position.id).status


# ---- review dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "listed"), [(-30, True), (-1, True), (0, True), (1, False)])
def test_positions_on_or_past_their_review_date_are_on_the_dashboard(
    alliance, client, days, listed
):
    published(alliance, "Fair rents", review_in_days=days)
    make_position(alliance.drafter, title="No date")
    db.session.commit()
    login(client, alliance.drafter)
    section = due_section(client)
    assert ("Fair rents" in section) is listed
    assert "No date" not in section


def test_draft_positions_past_review_are_on_the_dashboard_too(alliance, client):
    position = make_position(alliance.drafter, title="Old draft")
    lifecycle.set_review_date(db.session, alliance.drafter, position.id, today() - timedelta(1))
    db.session.commit()
    login(client, alliance.drafter)
    assert "Old draft" in due_section(client)


def test_withdrawn_and_archived_positions_are_not_due_for_review(alliance, client):
    for action in ("withdraw", "archive"):
        position = published(alliance, f"Gone by {action}", review_in_days=-5)
        lifecycle.close(db.session, alliance.admin, position.id, action=action, reason="Old.")
    db.session.commit()
    login(client, alliance.drafter)
    assert "Gone by" not in due_section(client)


def test_the_review_date_is_set_on_the_position_page(alliance, client):
    position = make_position(alliance.drafter, title="Fair rents")
    db.session.commit()
    login(client, alliance.drafter)
    when = today() - timedelta(days=2)
    response = client.post(
        f"/positions/{position.id}/review-date", data={"review_by": when.isoformat()}
    )
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Position, position.id).review_by == when
    assert "Fair rents" in due_section(client)
    assert "Due for review" in client.get(f"/positions/{position.id}").get_data(as_text=True)


def test_a_published_position_past_review_is_marked_on_its_public_page(alliance, client):
    position = published(alliance, review_in_days=-1)
    page = client.get(f"/public/{position.slug}").get_data(as_text=True)
    assert "Due for review" in page


@pytest.mark.parametrize("days", [1, None])
def test_a_published_position_not_yet_due_is_not_marked(alliance, client, days):
    position = published(alliance, review_in_days=days)
    page = client.get(f"/public/{position.slug}").get_data(as_text=True)
    assert "Due for review" not in page


def test_comms_cannot_set_a_review_date(alliance, session):
    position = make_position(alliance.drafter)
    with pytest.raises(Forbidden):
        lifecycle.set_review_date(session, alliance.comms, position.id, today())


# ---- withdraw and archive -----------------------------------------------------------------------


def test_withdrawing_a_published_position_keeps_everything(alliance, client):
    position = published(alliance)
    before = (count(Revision), count(SignOff), count(Publication))
    login(client, alliance.chiefs["moorland"])
    response = client.post(
        f"/positions/{position.id}/close", data={"action": "withdraw", "reason": "Superseded."}
    )
    assert response.status_code == 302
    assert status_of(position) == "withdrawn"
    assert (count(Revision), count(SignOff), count(Publication)) == before
    assert count(Position) == 1


def test_the_public_page_of_a_withdrawn_position_says_withdrawn(alliance, client):
    position = published(alliance)
    lifecycle.close(db.session, alliance.admin, position.id, action="withdraw", reason="Old.")
    db.session.commit()
    response = client.get(f"/public/{position.slug}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Withdrawn" in page and "no longer the alliance" in page
    assert position.current_revision.body_html in page  # the text is kept for the record


def test_the_positions_list_still_shows_withdrawn_and_archived(alliance, client):
    for title, action in [("Withdrawn one", "withdraw"), ("Archived one", "archive")]:
        position = make_position(alliance.drafter, title=title)
        lifecycle.close(db.session, alliance.admin, position.id, action=action, reason="Old.")
    db.session.commit()
    login(client, alliance.drafter)
    page = client.get("/positions/").get_data(as_text=True)
    assert "Withdrawn one" in page and "Archived one" in page
    assert "Archived one" in client.get("/positions/?status=archived").get_data(as_text=True)
    assert "Withdrawn one" in client.get("/positions/?status=withdrawn").get_data(as_text=True)


@pytest.mark.parametrize("who", ["chief", "admin"])
@pytest.mark.parametrize("action", ["withdraw", "archive"])
def test_chief_officers_and_admins_withdraw_or_archive(alliance, session, who, action):
    user = alliance.chiefs["riverbank"] if who == "chief" else alliance.admin
    position = make_position(alliance.drafter)
    lifecycle.close(session, user, position.id, action=action, reason="Done.")
    assert position.status == {"withdraw": "withdrawn", "archive": "archived"}[action]


@pytest.mark.parametrize("who", ["policy_officer", "comms"])
def test_nobody_else_withdraws_or_archives(alliance, client, who):
    user = alliance.drafter if who == "policy_officer" else alliance.comms
    position = published(alliance)
    for action in ("withdraw", "archive"):
        with pytest.raises(Forbidden) as refused:
            lifecycle.close(db.session, user, position.id, action=action, reason="Mine.")
        assert http_status(refused.value) == 403
    login(client, user)
    client.post(f"/positions/{position.id}/close", data={"action": "withdraw", "reason": "Mine."})
    assert status_of(position) == "published"


def test_withdrawing_needs_a_reason(alliance, session):
    position = make_position(alliance.drafter)
    with pytest.raises(Invalid):
        lifecycle.close(session, alliance.admin, position.id, action="withdraw", reason=" ")
    assert position.status == "draft"


def test_a_withdrawn_position_takes_no_edits_or_signoffs(alliance, session):
    position = make_position(alliance.drafter)
    lifecycle.close(session, alliance.admin, position.id, action="withdraw", reason="Old.")
    with pytest.raises(Conflict) as refused:
        consensus.sign_off(
            session, alliance.chiefs["moorland"], position.id, revision_number=1, decision="approve"
        )
    assert refused.value.code == "closed"


def test_a_withdrawn_position_leaves_the_dashboards_recently_published(alliance, session):
    from app.dashboard import queries as overview
    from app.drafting.services import consensus, lifecycle

    position = make_position(alliance.drafter)
    alliance.approve_all(position)
    consensus.publish(session, alliance.comms, position.id, revision_number=1)
    assert [
        p.position_id for p in overview.dashboard(session, alliance.comms).recently_published
    ] == [position.id]
    lifecycle.close(session, alliance.admin, position.id, action="withdraw", reason="Superseded")
    assert overview.dashboard(session, alliance.comms).recently_published == []
