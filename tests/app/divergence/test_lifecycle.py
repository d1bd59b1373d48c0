"""Review dates (dashboard, public page) and withdrawing or archiving, which never deletes."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.alliance.settings import clock_of
from app.drafting.models import Position
from app.drafting.services import consensus, governance, lifecycle
from app.extensions import db
from positions.refusals import Conflict, Forbidden
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
    alliance.withdraw_all(published(alliance, "Gone by withdraw", review_in_days=-5))
    draft = make_position(alliance.drafter, title="Gone by archive")
    lifecycle.set_review_date(db.session, alliance.drafter, draft.id, today() - timedelta(5))
    governance.archive(db.session, alliance.drafter, draft.id, reason="Old.")
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
    assert "Overdue for review" in client.get(f"/positions/{position.id}").get_data(as_text=True)


@pytest.mark.parametrize(("days", "overdue"), [(-3, True), (-1, True), (0, False)])
def test_a_review_date_gone_by_is_marked_overdue(alliance, client, days, overdue):
    position = published(alliance, "Fair rents", review_in_days=days)
    login(client, alliance.drafter)
    assert ("Overdue" in due_section(client)) is overdue
    page = client.get(f"/positions/{position.id}").get_data(as_text=True)
    assert ("Overdue for review" in page) is overdue
    assert ("Due for review today" in page) is not overdue


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


# ---- withdraw and archive (tests/app/drafting/test_governance.py has the rules) ------------------


def test_the_positions_list_still_shows_withdrawn_and_archived(alliance, client):
    alliance.withdraw_all(published(alliance, "Withdrawn one"))
    draft = make_position(alliance.drafter, title="Archived one")
    governance.archive(db.session, alliance.drafter, draft.id, reason="Old.")
    db.session.commit()
    login(client, alliance.drafter)
    page = client.get("/positions/").get_data(as_text=True)
    assert "Withdrawn one" in page and "Archived one" in page
    assert "Archived one" in client.get("/positions/?status=archived").get_data(as_text=True)
    assert "Withdrawn one" in client.get("/positions/?status=withdrawn").get_data(as_text=True)


def test_a_withdrawn_position_takes_no_edits_or_signoffs(alliance, session):
    position = published(alliance)
    alliance.withdraw_all(position)
    with pytest.raises(Conflict) as refused:
        consensus.sign_off(
            session, alliance.chiefs["moorland"], position.id, revision_number=1, decision="approve"
        )
    assert refused.value.code == "closed"


def test_a_withdrawn_position_leaves_the_dashboards_recently_published(alliance, session):
    from app.dashboard import queries as overview

    position = published(alliance)
    assert [
        p.position_id for p in overview.dashboard(session, alliance.comms).recently_published
    ] == [position.id]
    alliance.withdraw_all(position)
    assert overview.dashboard(session, alliance.comms).recently_published == []
