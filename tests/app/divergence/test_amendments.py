"""Amendments: proposed wording against a revision; still applies or not; accept or decline."""

import json

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.divergence.models import Amendment
from app.divergence.services import amendments
from app.drafting.models import Revision
from app.drafting.services import consensus
from app.extensions import db
from positions.refusals import Conflict, Forbidden
from tests.support.client import api_headers, api_post, error_of, login
from tests.support.factories import committed_count, make_position, revise

API = "/api/v1"
BASE = "We ask the council for fair rents in every district.\n\nRents rise each year."
LOW = BASE.replace("fair rents", "low rents")


# ---- builders -----------------------------------------------------------------------------------


def states(position) -> dict[str, str]:
    db.session.refresh(position)
    return {
        s.partner.slug: s.state.value
        for s in consensus.consensus_for(db.session, position).standings
    }


@pytest.fixture
def position(alliance):
    position = make_position(alliance.drafter, body=BASE)
    db.session.commit()
    return position


@pytest.fixture
def proposed(alliance, position):
    """Moorland's amendment 1 against revision 1: 'fair rents' becomes 'low rents'."""
    amendment = amendments.propose(
        db.session,
        alliance.officers["moorland"],
        position.id,
        base_number=1,
        body=LOW,
        reason="Fair is vague.",
    )
    db.session.commit()
    return amendment


def amendment_list(client, user, position) -> list[dict]:
    response = client.get(f"{API}/positions/{position.id}/amendments", headers=api_headers(user))
    assert response.status_code == 200
    return response.get_json()


# ---- proposing ----------------------------------------------------------------------------------


def test_propose_records_base_revision_reason_and_partner(alliance, client, position):
    response = api_post(
        client,
        alliance.officers["riverbank"],
        f"/positions/{position.id}/amendments",
        {"base_revision": 1, "body": LOW, "reason": "Fair is vague."},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    data = response.get_json()
    assert (data["number"], data["base_revision"], data["partner"]) == (1, 1, "riverbank")
    assert (data["status"], data["reason"], data["body"]) == ("open", "Fair is vague.", LOW)


def test_propose_on_a_missing_revision_is_404_and_nothing_is_written(alliance, client, position):
    response = api_post(
        client,
        alliance.drafter,
        f"/positions/{position.id}/amendments",
        {"base_revision": 7, "body": LOW, "reason": "Why not."},
    )
    error_of(response, 404, "unknown_revision")
    assert committed_count(Amendment) == 0


def test_propose_needs_a_reason(alliance, client, position):
    response = api_post(
        client,
        alliance.drafter,
        f"/positions/{position.id}/amendments",
        {"base_revision": 1, "body": LOW, "reason": "  "},
    )
    error_of(response, 400, "reason_required")
    assert committed_count(Amendment) == 0


def test_propose_oversized_text_is_413(app, alliance, client, position):
    response = api_post(
        client,
        alliance.drafter,
        f"/positions/{position.id}/amendments",
        {"base_revision": 1, "body": "x" * (app.config["MAX_BODY_BYTES"] + 1), "reason": "r"},
    )
    error_of(response, 413)
    assert committed_count(Amendment) == 0


def test_comms_cannot_propose_wording(alliance, client, position):
    response = api_post(
        client,
        alliance.comms,
        f"/positions/{position.id}/amendments",
        {"base_revision": 1, "body": LOW, "reason": "r"},
    )
    error_of(response, 403)


# ---- listing: the diff against its base, and whether it still applies ---------------------------


def test_the_list_says_an_amendment_applies_to_unchanged_text(alliance, client, position, proposed):
    [item] = amendment_list(client, alliance.comms, position)
    assert (item["number"], item["status"], item["applies"]) == (1, "open", "applies")


def test_the_list_follows_the_current_text(alliance, client, position, proposed):
    revise(alliance.drafter, position, BASE.replace("each year", "every spring"))
    db.session.commit()
    assert amendment_list(client, alliance.comms, position)[0]["applies"] == "applies"
    revise(alliance.drafter, position, BASE.replace("fair rents", "decent rents"))
    db.session.commit()
    assert amendment_list(client, alliance.comms, position)[0]["applies"] == "conflicts"
    revise(alliance.drafter, position, LOW)
    db.session.commit()
    assert amendment_list(client, alliance.comms, position)[0]["applies"] == "incorporated"


def test_the_service_list_diffs_against_the_base_revision(alliance, position, proposed):
    revise(alliance.drafter, position, BASE.replace("each year", "every spring"))
    db.session.commit()
    [view] = amendments.list_amendments(db.session, position.id, position.current_revision.body)
    changed = {(c.op.value, c.text.strip()) for c in view.changes if c.op.value != "equal"}
    assert changed == {("delete", "fair"), ("insert", "low")}  # not the later edit
    assert view.check.fit.value == "applies"
    assert "every spring" in view.check.merged_text and "low rents" in view.check.merged_text


def test_the_amendment_page_shows_the_diff_and_that_it_applies(alliance, client, proposed):
    login(client, alliance.drafter)
    response = client.get(f"/positions/{proposed.position_id}/amendments/1")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Amendment 1 from Moorland" in page
    assert "Fair is vague." in page
    assert "[deleted: </span>fair" in page and "[inserted: </span>low" in page
    assert "Still applies" in page


def test_the_amendment_page_warns_of_a_conflict(alliance, client, position, proposed):
    revise(alliance.drafter, position, BASE.replace("fair rents", "decent rents"))
    db.session.commit()
    login(client, alliance.drafter)
    page = client.get(f"/positions/{position.id}/amendments/1").get_data(as_text=True)
    assert "has changed where this amendment changes it" in page
    assert "Still applies" not in page


def test_open_amendments_are_listed_on_the_position_page(alliance, client, position, proposed):
    login(client, alliance.drafter)
    page = client.get(f"/positions/{position.id}").get_data(as_text=True)
    assert "Amendment 1 from Moorland" in page


# ---- accepting ----------------------------------------------------------------------------------


def test_accepting_makes_a_new_revision_crediting_the_proposing_partner(
    alliance, client, position, proposed
):
    response = api_post(client, alliance.drafter, f"/positions/{position.id}/amendments/1/accept")
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_json()
    assert (data["status"], data["result_revision"]) == ("accepted", 2)
    db.session.refresh(position)
    revision = position.current_revision
    assert revision.number == 2
    assert revision.body == LOW
    assert revision.amendment_id == proposed.id
    assert "Moorland" in revision.note and "Amendment 1" in revision.note
    assert revision.author_id == alliance.drafter.id  # the editor saved it, Moorland is credited


def test_accepting_merges_onto_later_edits(alliance, client, position, proposed):
    revise(alliance.drafter, position, BASE.replace("each year", "every spring"))
    db.session.commit()
    response = api_post(client, alliance.drafter, f"/positions/{position.id}/amendments/1/accept")
    assert response.status_code == 200
    db.session.refresh(position)
    assert position.current_revision.number == 3
    assert "low rents" in position.current_revision.body
    assert "every spring" in position.current_revision.body


def test_accepting_makes_earlier_approvals_stale(alliance, client, position, proposed):
    alliance.approve_all(position)
    db.session.commit()
    assert set(states(position).values()) == {"approved"}
    api_post(client, alliance.drafter, f"/positions/{position.id}/amendments/1/accept")
    assert set(states(position).values()) == {"stale"}
    assert position.status == "draft"


def test_accepting_twice_is_409(alliance, client, position, proposed):
    path = f"/positions/{position.id}/amendments/1/accept"
    assert api_post(client, alliance.drafter, path).status_code == 200
    error_of(api_post(client, alliance.drafter, path), 409, "already_decided")
    assert committed_count(Revision) == 2


def test_accepting_a_declined_amendment_is_409(alliance, client, position, proposed):
    api_post(
        client, alliance.drafter, f"/positions/{position.id}/amendments/1/decline", {"reason": "No"}
    )
    response = api_post(client, alliance.drafter, f"/positions/{position.id}/amendments/1/accept")
    error_of(response, 409, "already_decided")


def test_accepting_a_conflicting_amendment_is_409_and_it_stays_open(
    alliance, client, position, proposed
):
    revise(alliance.drafter, position, BASE.replace("fair rents", "decent rents"))
    db.session.commit()
    response = api_post(client, alliance.drafter, f"/positions/{position.id}/amendments/1/accept")
    error_of(response, 409, "amendment_conflict")
    assert committed_count(Revision) == 2
    db.session.refresh(proposed)
    assert proposed.status == "open"
    assert proposed.body == LOW  # nothing lost
    assert amendment_list(client, alliance.comms, position)[0]["applies"] == "conflicts"


def test_accepting_an_unknown_amendment_is_404(alliance, client, position):
    error_of(
        api_post(client, alliance.drafter, f"/positions/{position.id}/amendments/4/accept"), 404
    )


def test_only_editors_accept(alliance, session, position, proposed):
    with pytest.raises(Forbidden):
        amendments.accept(session, alliance.comms, position.id, 1)


def test_the_web_accept_button_credits_the_partner(alliance, client, position, proposed):
    login(client, alliance.drafter)
    response = client.post(f"/positions/{position.id}/amendments/1/accept", follow_redirects=True)
    assert response.status_code == 200
    assert "Accepted amendment 1 from Moorland" in response.get_data(as_text=True)
    db.session.refresh(position)
    assert position.current_revision.amendment_id == proposed.id


# ---- declining ----------------------------------------------------------------------------------


def test_declining_needs_a_reason(alliance, client, position, proposed):
    path = f"/positions/{position.id}/amendments/1/decline"
    error_of(api_post(client, alliance.drafter, path, {"reason": " "}), 400, "reason_required")
    error_of(api_post(client, alliance.drafter, path, {}), 400)
    db.session.rollback()
    db.session.refresh(proposed)
    assert proposed.status == "open"


def test_declining_records_the_reason_and_who(alliance, client, position, proposed):
    chief = alliance.chiefs["riverbank"]
    response = api_post(
        client, chief, f"/positions/{position.id}/amendments/1/decline", {"reason": "Too costly."}
    )
    assert response.status_code == 200
    data = response.get_json()
    assert (data["status"], data["decision_reason"]) == ("declined", "Too costly.")
    db.session.refresh(proposed)
    assert proposed.decided_by_id == chief.id and proposed.decided_at is not None
    audit = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "amendment.decline")
    ).scalar_one()
    assert json.loads(audit.details)["reason"] == "Too costly."
    assert committed_count(Revision) == 1  # declining changes no text


def test_declining_twice_is_409(alliance, session, position, proposed):
    amendments.decline(session, alliance.drafter, position.id, 1, reason="No.")
    with pytest.raises(Conflict) as refused:
        amendments.decline(session, alliance.drafter, position.id, 1, reason="Still no.")
    assert refused.value.code == "already_decided"


# ---- issue 12: checks once per amendment and current text, merged before the lock -------------


def test_an_open_amendment_is_merged_once_per_current_text_not_on_every_view(
    alliance, position, proposed, monkeypatch
):
    merges = []
    real = amendments.check_amendment
    monkeypatch.setattr(
        amendments, "check_amendment", lambda *texts: merges.append(1) or real(*texts)
    )
    unique = BASE + "\n\nA line no other test uses."
    for _ in range(3):
        views = amendments.list_amendments(db.session, position.id, unique)
    assert len(merges) == 1 and views[0].check is not None
    amendments.list_amendments(db.session, position.id, unique + " Changed.")
    assert len(merges) == 2  # a new current text is checked afresh


def test_accepting_merges_and_renders_before_the_position_is_locked(
    alliance, position, proposed, monkeypatch
):
    from app.drafting.services import editing

    amendments._checks.clear()  # other tests may have checked these very texts already
    order = []
    real_check, real_lock = amendments.check_amendment, editing.lock_position
    monkeypatch.setattr(
        amendments, "check_amendment", lambda *t: order.append("merge") or real_check(*t)
    )
    monkeypatch.setattr(
        amendments, "lock_position", lambda *a: order.append("lock") or real_lock(*a)
    )
    monkeypatch.setattr(editing, "lock_position", lambda *a: order.append("lock") or real_lock(*a))
    amendments.accept(db.session, alliance.drafter, position.id, proposed.number)
    assert order[0] == "merge" and "lock" in order
