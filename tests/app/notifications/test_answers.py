"""A new revision answers an objection; a sign-off request shows what changed, as a word diff."""

from sqlalchemy import select

from app.drafting.services import cycle
from app.notifications.models import Notification
from tests.support.factories import approve, make_position, revise


def messages(session, kind: str) -> list[Notification]:
    query = select(Notification).where(Notification.kind == kind).order_by(Notification.id)
    return list(session.execute(query).scalars())


def test_a_new_revision_tells_the_partner_that_objected_what_changed(session, alliance):
    position = make_position(alliance.drafter, title="Clean rivers")
    old_body = position.current_revision.body
    approve(alliance.chiefs["riverbank"], position, "object", "Too vague.")
    revise(alliance.drafter, position, old_body + " We name the rivers.")
    told = messages(session, "objection_answered")
    assert [m.recipient_id for m in told] == [alliance.chiefs["riverbank"].id]
    answer = told[0]
    assert answer.subject == "A new revision of “Clean rivers” answers Riverbank's objection"
    assert "{+We name the rivers.+}" in answer.body
    assert (
        answer.reason
        == "you sign for Riverbank, which objected to an earlier text of “Clean rivers”"
    )
    assert answer.link == f"/positions/{position.id}#sign-off"


def test_an_approval_is_not_an_objection_to_answer(session, alliance):
    position = make_position(alliance.drafter, title="Clean rivers")
    approve(alliance.chiefs["riverbank"], position)
    revise(alliance.drafter, position, "Another text.")
    assert messages(session, "objection_answered") == []


def test_the_sign_off_request_shows_the_changes_since_the_partner_decided(session, alliance):
    position = make_position(alliance.drafter, title="Clean rivers")
    approve(alliance.chiefs["moorland"], position)
    revise(alliance.drafter, position, "We ask for clean rivers by 2030.")
    cycle.mark_ready(session, alliance.drafter, position.id)
    told = {m.recipient_id: m for m in messages(session, "signoff_request")}
    to_moorland = told[alliance.chiefs["moorland"].id]
    assert "What changed since Moorland last decided (revision 1):" in to_moorland.body
    assert "{+" in to_moorland.body and "+}" in to_moorland.body
    to_riverbank = told[alliance.chiefs["riverbank"].id]
    assert "What changed" not in to_riverbank.body  # it never decided: all of it is new
