"""Agree to differ: every partner's statement, every chief officer's confirmation, then publish."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.alliance.settings import clock_of
from app.divergence.models import DifferConfirmation, DifferOutcome
from app.divergence.services import differ
from app.drafting.models import Position
from app.extensions import db
from positions.refusals import Conflict
from tests.support.client import api_post, error_of, login
from tests.support.factories import make_partner, make_position, make_user


def today():
    return clock_of(db.session).today()  # the alliance's date, as the rules read it


API = "/api/v1"
STATEMENTS = {
    "harbourside": "Harbourside backs **rent caps**.",
    "moorland": "Moorland prefers tax relief.",
    "riverbank": "Riverbank wants more building.",
}


# ---- builders -----------------------------------------------------------------------------------


def write(client, user, position, text):
    response = api_post(client, user, f"/positions/{position.id}/differ", {"statement": text})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


def confirm(client, chief, position):
    return api_post(client, chief, f"/positions/{position.id}/differ/confirm")


def write_all(client, alliance, position, statements=STATEMENTS):
    for slug, text in statements.items():
        write(client, alliance.officers[slug], position, text)


def confirm_all(client, alliance, position):
    for chief in alliance.chiefs.values():
        response = confirm(client, chief, position)
        assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def status_of(position) -> str:
    db.session.rollback()
    return db.session.get(Position, position.id).status


def confirmations() -> int:
    db.session.rollback()
    return db.session.execute(select(func.count()).select_from(DifferConfirmation)).scalar_one()


@pytest.fixture
def position(alliance):
    position = make_position(alliance.drafter, title="Rent control")
    db.session.commit()
    return position


@pytest.fixture
def differing(alliance, client, position):
    """Published as agreed to differ: every statement written, every chief confirmed."""
    write_all(client, alliance, position)
    confirm_all(client, alliance, position)
    assert status_of(position) == "differ"
    return position


# ---- statements must all be in ------------------------------------------------------------------


def test_confirming_while_a_statement_is_missing_is_409_naming_the_partner(
    alliance, client, position
):
    write(client, alliance.officers["harbourside"], position, STATEMENTS["harbourside"])
    write(client, alliance.officers["riverbank"], position, STATEMENTS["riverbank"])
    response = confirm(client, alliance.chiefs["harbourside"], position)
    error = error_of(response, 409, "statement_missing")
    assert error["partners"] == ["moorland"]
    assert "Moorland" in error["message"]
    assert confirmations() == 0


def test_every_missing_partner_is_named_in_neutral_order(alliance, client, position):
    write(client, alliance.officers["moorland"], position, STATEMENTS["moorland"])
    error = error_of(confirm(client, alliance.chiefs["moorland"], position), 409)
    assert error["partners"] == ["harbourside", "riverbank"]


def test_a_statement_is_written_for_the_writers_own_partner(alliance, client, position):
    data = write(client, alliance.officers["moorland"], position, "Ours.")
    by_partner = {p["partner"]: p["statement"] for p in data["partners"]}
    assert by_partner == {"harbourside": None, "moorland": "Ours.", "riverbank": None}


@pytest.mark.parametrize("who", ["comms", "admin"])
def test_alliance_staff_write_no_statement(alliance, client, position, who):
    user = getattr(alliance, who)
    response = api_post(client, user, f"/positions/{position.id}/differ", {"statement": "Ours."})
    error_of(response, 403)


def test_an_oversized_statement_is_413(app, alliance, client, position):
    huge = "x" * (app.config["MAX_BODY_BYTES"] + 1)
    response = api_post(
        client, alliance.drafter, f"/positions/{position.id}/differ", {"statement": huge}
    )
    error_of(response, 413)


# ---- who confirms -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["policy_officer", "comms", "admin"])
def test_only_a_chief_officer_confirms(alliance, client, position, who):
    write_all(client, alliance, position)
    user = {
        "policy_officer": alliance.officers["moorland"],
        "comms": alliance.comms,
        "admin": alliance.admin,
    }[who]
    error_of(confirm(client, user, position), 403)
    assert confirmations() == 0


def test_a_chief_confirms_for_their_own_partner_only(alliance, client, position):
    write_all(client, alliance, position)
    data = confirm(client, alliance.chiefs["riverbank"], position).get_json()
    confirmed = {p["partner"]: p["confirmed"] for p in data["partners"]}
    assert confirmed == {"harbourside": False, "moorland": False, "riverbank": True}
    assert data["published"] is False


def test_publishes_only_when_every_active_partners_chief_has_confirmed(alliance, client, position):
    write_all(client, alliance, position)
    chiefs = list(alliance.chiefs.values())
    for chief in chiefs[:-1]:
        assert confirm(client, chief, position).get_json()["published"] is False
        assert status_of(position) == "draft"
    data = confirm(client, chiefs[-1], position).get_json()
    assert data["published"] is True
    assert status_of(position) == "differ"


def test_an_inactive_partner_is_not_waited_for(alliance, client, position):
    make_partner("Dormant", active=False)
    db.session.commit()
    write_all(client, alliance, position)
    assert confirm_all(client, alliance, position)["published"] is True
    assert status_of(position) == "differ"


def test_a_partner_that_has_joined_is_waited_for(alliance, client, position):
    newcomer = make_partner("Newtown", joined_on=today() - timedelta(days=1))
    make_user("chief@newtown.test", "chief_officer", partner=newcomer)
    db.session.commit()
    write_all(client, alliance, position)
    error = error_of(confirm(client, alliance.chiefs["moorland"], position), 409)
    assert error["partners"] == ["newtown"]


# ---- a changed statement makes confirmations stale ----------------------------------------------


def test_changing_a_statement_after_confirmations_makes_them_stale(alliance, client, position):
    write_all(client, alliance, position)
    confirm(client, alliance.chiefs["harbourside"], position)
    confirm(client, alliance.chiefs["moorland"], position)
    data = write(client, alliance.officers["riverbank"], position, "Riverbank changed its mind.")
    assert not any(p["confirmed"] for p in data["partners"])
    # The last confirmation is not enough: the others confirmed earlier statements.
    data = confirm(client, alliance.chiefs["riverbank"], position).get_json()
    assert data["published"] is False
    assert status_of(position) == "draft"
    state = differ.differ_state(db.session, position.id)
    assert {s.partner.slug: s.state.value for s in state.outcome.standings} == {
        "harbourside": "stale",
        "moorland": "stale",
        "riverbank": "approved",
    }


def test_reconfirming_the_final_statements_publishes(alliance, client, position):
    write_all(client, alliance, position)
    confirm(client, alliance.chiefs["harbourside"], position)
    write(client, alliance.officers["harbourside"], position, "Harbourside, revised.")
    assert confirm_all(client, alliance, position)["published"] is True
    outcome = db.session.execute(select(DifferOutcome)).scalar_one()
    assert {s.text for s in outcome.statements} >= {"Harbourside, revised."}
    assert "Harbourside backs **rent caps**." not in {s.text for s in outcome.statements}


# ---- published: the public page -----------------------------------------------------------------


def test_the_public_page_shows_each_statement_under_its_partner(client, differing):
    response = client.get(f"/public/{differing.slug}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is no alliance position" in page
    assert "agree to differ" in page
    names = [
        page.index(f'<h2 class="partner-name">{n}</h2>')
        for n in ("Harbourside", "Moorland", "Riverbank")
    ]
    assert names == sorted(names)  # neutral order
    for name, text in [
        ("Harbourside", "<strong>rent caps</strong>"),
        ("Moorland", "Moorland prefers tax relief."),
        ("Riverbank", "Riverbank wants more building."),
    ]:
        card = page[page.index(f'<h2 class="partner-name">{name}</h2>') :]
        card = card[: card.index("</li>")]
        assert text in card


def test_the_public_index_lists_the_differ_position(client, differing):
    page = client.get("/public/").get_data(as_text=True)
    assert differing.title in page


# ---- closed while differ ------------------------------------------------------------------------


def test_while_differ_edits_and_signoffs_are_refused_as_closed(alliance, client, differing):
    pid = differing.id
    response = api_post(
        client,
        alliance.drafter,
        f"/positions/{pid}/revisions",
        {"body": "New.", "base_revision": 1},
    )
    error_of(response, 409, "closed")
    response = api_post(
        client,
        alliance.chiefs["moorland"],
        f"/positions/{pid}/signoffs",
        {"revision": 1, "decision": "approve"},
    )
    error_of(response, 409, "closed")
    response = api_post(client, alliance.comms, f"/positions/{pid}/publish", {"revision": 1})
    error_of(response, 409, "closed")
    assert status_of(differing) == "differ"


def test_while_differ_statements_and_confirmations_are_refused(alliance, client, differing):
    pid = differing.id
    response = api_post(
        client, alliance.drafter, f"/positions/{pid}/differ", {"statement": "More."}
    )
    error_of(response, 409)
    error_of(confirm(client, alliance.chiefs["moorland"], differing), 409)


def test_while_differ_an_amendment_cannot_be_accepted(alliance, client, position):
    api_post(
        client,
        alliance.drafter,
        f"/positions/{position.id}/amendments",
        {"base_revision": 1, "body": "Other words.", "reason": "Try."},
    )
    write_all(client, alliance, position)
    confirm_all(client, alliance, position)
    response = api_post(client, alliance.drafter, f"/positions/{position.id}/amendments/1/accept")
    error_of(response, 409, "closed")


# ---- reopening ----------------------------------------------------------------------------------


def reopen(client, chief, position, reason="Views have moved."):
    return api_post(client, chief, f"/positions/{position.id}/differ/reopen", {"reason": reason})


def reopen_all(client, alliance, position):
    for chief in alliance.chiefs.values():
        response = reopen(client, chief, position)
        assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_reopening_needs_every_partners_chief_officer(alliance, client, differing):
    """Issue 12 item 9: one policy officer could reopen, taking the public page down."""
    last = alliance.chiefs["riverbank"]
    for chief in alliance.chiefs.values():
        if chief is last:
            break
        answer = reopen(client, chief, differing).get_json()
        assert answer["carried"] is False
        assert status_of(differing) == "differ"
        assert client.get(f"/public/{differing.slug}").status_code == 200
    answer = reopen(client, last, differing).get_json()
    assert answer["carried"] is True and answer["motion"] == "reopen"
    assert {p["state"] for p in answer["partners"]} == {"confirmed"}
    assert status_of(differing) == "draft"
    outcome = db.session.execute(select(DifferOutcome)).scalar_one()
    assert outcome.reopened_at is not None and outcome.reopened_by_id == last.id
    assert len(outcome.statements) == 3  # the record of the outcome stays
    # Back to work: an edit is accepted again.
    response = api_post(
        client,
        alliance.drafter,
        f"/positions/{differing.id}/revisions",
        {"body": "One text at last.", "base_revision": 1},
    )
    assert response.status_code == 201
    assert client.get(f"/public/{differing.slug}").status_code == 404


@pytest.mark.parametrize("who", ["drafter", "comms", "admin"])
def test_nobody_but_chief_officers_confirms_reopening(alliance, client, differing, who):
    user = getattr(alliance, who)
    error_of(reopen(client, user, differing), 403)
    login(client, user)
    response = client.post(f"/positions/{differing.id}/reopen", data={"reopen-reason": "Mine."})
    assert response.status_code == 403
    assert status_of(differing) == "differ"


def test_reopening_says_why_and_keeps_what_was_typed(alliance, client, differing):
    error_of(reopen(client, alliance.chiefs["moorland"], differing, " "), 400, "reason_required")
    login(client, alliance.chiefs["moorland"])
    response = client.post(f"/positions/{differing.id}/reopen", data={"reopen-reason": ""})
    assert response.status_code == 400
    assert "Give a reason" in response.get_data(as_text=True)


def test_a_partner_confirms_reopening_once(alliance, client, differing):
    assert reopen(client, alliance.chiefs["moorland"], differing).status_code == 200
    error_of(reopen(client, alliance.chiefs["moorland"], differing), 409, "already_confirmed")


def test_reopen_of_a_position_that_is_not_differ_is_refused(alliance, session, position):
    with pytest.raises(Conflict) as refused:
        differ.confirm_reopening(session, alliance.chiefs["moorland"], position.id, reason="x")
    assert refused.value.code == "not_differ"


def test_the_reopen_form_is_on_the_page_of_an_agreed_to_differ_position(
    alliance, client, differing
):
    """The page never showed the reopen form for this status; each chief now sees it."""
    login(client, alliance.chiefs["moorland"])
    page = client.get(f"/positions/{differing.id}").get_data(as_text=True)
    assert f'action="/positions/{differing.id}/reopen"' in page
    client.post(f"/positions/{differing.id}/reopen", data={"reopen-reason": "Moved on."})
    page = client.get(f"/positions/{differing.id}").get_data(as_text=True)
    assert "Moved on." in page  # Moorland's confirmation, shown to all
    assert f'action="/positions/{differing.id}/reopen"' not in page  # confirmed already
    login(client, alliance.drafter)
    page = client.get(f"/positions/{differing.id}").get_data(as_text=True)
    assert f'action="/positions/{differing.id}/reopen"' not in page


def test_confirmations_of_an_earlier_outcome_do_not_reopen_a_later_one(alliance, client, differing):
    reopen_all(client, alliance, differing)
    write(client, alliance.officers["moorland"], differing, "Moorland has moved.")
    assert confirm_all(client, alliance, differing)["published"] is True
    # Every chief confirmed reopening the first outcome; the second needs its own.
    answer = reopen(client, alliance.chiefs["moorland"], differing).get_json()
    assert answer["carried"] is False
    assert status_of(differing) == "differ"


def test_confirmations_from_before_reopening_no_longer_count(alliance, client, differing):
    reopen_all(client, alliance, differing)
    state = differ.differ_state(db.session, differing.id)
    assert {s.state.value for s in state.outcome.standings} == {"awaiting"}
    # One chief alone cannot put it back to agreed-to-differ on the old confirmations.
    data = confirm(client, alliance.chiefs["moorland"], differing).get_json()
    assert data["published"] is False
    assert status_of(differing) == "draft"
    assert confirm_all(client, alliance, differing)["published"] is True


def test_after_reopening_a_new_outcome_needs_fresh_confirmations(alliance, client, differing):
    reopen_all(client, alliance, differing)
    state = differ.differ_state(db.session, differing.id)
    assert state.published is None
    write(client, alliance.officers["moorland"], differing, "Moorland has moved.")
    assert confirm_all(client, alliance, differing)["published"] is True
    assert db.session.execute(select(func.count()).select_from(DifferOutcome)).scalar_one() == 2


# ---- the web pages ------------------------------------------------------------------------------


def test_the_differ_page_names_missing_statements(alliance, client, position):
    write(client, alliance.officers["harbourside"], position, STATEMENTS["harbourside"])
    login(client, alliance.chiefs["moorland"])
    page = client.get(f"/positions/{position.id}/differ").get_data(as_text=True)
    assert "Waiting for statements from: Moorland, Riverbank" in page


def test_the_web_confirm_while_a_statement_is_missing_names_the_partner(alliance, client, position):
    write(client, alliance.officers["harbourside"], position, STATEMENTS["harbourside"])
    login(client, alliance.chiefs["harbourside"])
    response = client.post(f"/positions/{position.id}/differ/confirm", follow_redirects=True)
    assert "missing: Moorland, Riverbank" in response.get_data(as_text=True)
    assert confirmations() == 0


def test_a_statement_refused_on_the_web_keeps_what_was_typed(app, alliance, client, position):
    typed = "Typed with care. " + "x" * app.config["MAX_BODY_BYTES"]
    login(client, alliance.officers["moorland"])
    response = client.post(f"/positions/{position.id}/differ", data={"statement": typed})
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert typed in page
    assert "The statement is too long." in page
