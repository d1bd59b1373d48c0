"""Each role is offered only the actions it may take (the predicates of positions/roles.py), and
a refusal of the person still keeps what they typed."""

import pytest

from tests.support.client import body_of, login
from tests.support.factories import approve, make_position, revise

DRAFT_BUTTON = "Draft a new position"


def person(alliance, who: str):
    return {
        "admin": alliance.admin,
        "comms": alliance.comms,
        "chief": alliance.chiefs["harbourside"],
        "officer": alliance.officers["harbourside"],
    }[who]


@pytest.mark.parametrize(
    ("who", "offered"), [("admin", False), ("comms", False), ("chief", True), ("officer", True)]
)
def test_draft_button_is_offered_only_to_those_who_may_draft(alliance, client, who, offered):
    login(client, person(alliance, who))
    assert (DRAFT_BUTTON in body_of(client.get("/"))) is offered
    assert (DRAFT_BUTTON in body_of(client.get("/positions/"))) is offered


@pytest.mark.parametrize(
    ("who", "offered"), [("admin", True), ("comms", True), ("chief", False), ("officer", False)]
)
def test_flags_button_is_offered_only_to_those_who_review_flags(alliance, client, who, offered):
    login(client, person(alliance, who))
    assert ('href="/meetings/flags"' in body_of(client.get("/meetings/"))) is offered


@pytest.mark.parametrize(("who", "offered"), [("chief", True), ("officer", False)])
def test_stale_approvals_are_shown_only_to_those_who_approve(
    alliance, client, session, who, offered
):
    from app.drafting.services import cycle

    position = make_position(alliance.drafter, title="Gone stale")
    alliance.approve_all(position)
    cycle.mark_ready(session, alliance.drafter, position.id)
    revise(alliance.drafter, position, "Changed after approval.")
    session.commit()
    login(client, person(alliance, who))
    page = body_of(client.get("/"))
    assert ("Your approval went stale" in page) is offered
    assert "Your approvals gone stale" not in page  # the old card: the to-do list says it now


@pytest.mark.parametrize("who", ["admin", "comms"])
def test_a_refused_draft_keeps_the_typed_text(alliance, client, who):
    login(client, person(alliance, who))
    form = body_of(client.get("/positions/new"))
    assert 'name="title"' in form
    area = form.split('name="area"', 1)[1].split('value="', 2)[1].split('"', 1)[0]
    typed = {"title": "My careful title", "body": "Three paragraphs I wrote.", "area": area}
    response = client.post("/positions/new", data=typed)
    assert response.status_code == 403
    page = body_of(response)
    assert "My careful title" in page and "Three paragraphs I wrote." in page
    assert "<form" in page  # the form itself, not the bare error page


def test_objecting_partner_sees_changes_since_its_objection(alliance, client, session):
    position = make_position(alliance.drafter, title="Vetoed", body="The first wording.")
    approve(alliance.chiefs["harbourside"], position, "object", "Not this wording.")
    session.commit()
    login(client, alliance.chiefs["harbourside"])
    url = f"/positions/{position.id}"
    assert "changes-since-objection" not in body_of(client.get(url))  # nothing changed yet
    revise(alliance.drafter, position, "The second wording.")
    session.commit()
    page = body_of(client.get(url))
    assert "objected to revision 1" in page
    assert f'href="/positions/{position.id}/compare?from=1&amp;to=2"' in page
    assert "Review the changes since you objected" in page


def test_other_partners_see_no_objection_banner(alliance, client, session):
    position = make_position(alliance.drafter, title="Vetoed", body="The first wording.")
    approve(alliance.chiefs["harbourside"], position, "object", "Not this wording.")
    revise(alliance.drafter, position, "The second wording.")
    session.commit()
    login(client, alliance.chiefs["moorland"])
    assert "changes-since-objection" not in body_of(client.get(f"/positions/{position.id}"))


def test_a_refused_edit_keeps_the_typed_text(alliance, client, session):
    position = make_position(alliance.drafter, title="Fair rents", body="First words.")
    session.commit()
    login(client, alliance.comms)
    response = client.post(
        f"/positions/{position.id}/edit",
        data={"title": "Fair rents", "body": "Words I typed.", "base_revision": 1},
    )
    assert response.status_code == 403
    assert "Words I typed." in body_of(response)
