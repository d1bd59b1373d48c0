"""Stances: each partner's working view, set only by its own officers, kept as history, audited."""

import json

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.divergence.models import Stance
from app.divergence.services import stances
from app.extensions import db
from positions.refusals import Forbidden
from tests.support.client import api_headers, error_of, login
from tests.support.factories import make_position, make_user

API = "/api/v1"


# ---- builders -----------------------------------------------------------------------------------


def put_stance(client, user, position, partner_slug, **body):
    return client.put(
        f"{API}/positions/{position.id}/stances/{partner_slug}",
        json=body,
        headers=api_headers(user),
    )


def stance_rows() -> int:
    db.session.rollback()  # see only what was committed
    return db.session.execute(select(func.count()).select_from(Stance)).scalar_one()


def stance_audits() -> list[dict]:
    db.session.rollback()
    rows = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "stance.set").order_by(AuditEvent.seq)
    ).scalars()
    return [json.loads(e.details) for e in rows]


@pytest.fixture
def position(alliance):
    position = make_position(alliance.drafter)
    db.session.commit()
    return position


# ---- who may set which stance -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["policy_officer", "chief_officer"])
def test_a_partners_own_officer_sets_its_stance(alliance, client, position, role):
    user = (alliance.officers if role == "policy_officer" else alliance.chiefs)["moorland"]
    response = put_stance(
        client, user, position, "moorland", stance="reservations", rationale="Too *vague*."
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_json()
    assert data["partner"] == "moorland"
    assert data["stance"] == "reservations"
    assert data["rationale"] == "Too *vague*."
    assert data["by"] == user.name
    assert stance_rows() == 1


@pytest.mark.parametrize("who", ["other_officer", "other_chief", "comms", "admin"])
def test_a_stance_for_another_partner_is_403_and_nothing_is_written(
    alliance, client, position, who
):
    user = {
        "other_officer": alliance.officers["harbourside"],
        "other_chief": alliance.chiefs["riverbank"],
        "comms": alliance.comms,
        "admin": alliance.admin,
    }[who]
    response = put_stance(client, user, position, "moorland", stance="oppose")
    error_of(response, 403, "forbidden")
    assert stance_rows() == 0
    assert stance_audits() == []


def test_comms_and_admin_of_a_partner_still_cannot_set_its_stance(alliance, client, position):
    moorland = alliance.partners[1]
    comms = make_user("press@moorland.test", "comms", "admin", partner=moorland)
    db.session.commit()
    error_of(put_stance(client, comms, position, "moorland", stance="support"), 403)
    assert stance_rows() == 0


def test_the_service_refuses_another_partners_stance(alliance, session, position):
    with pytest.raises(Forbidden):
        stances.set_stance(
            session,
            alliance.officers["harbourside"],
            position.id,
            "riverbank",
            view="support",
            rationale="",
        )


# ---- history and audit --------------------------------------------------------------------------


def test_every_stance_change_is_kept_and_audited_from_and_to(alliance, client, position):
    officer = alliance.officers["riverbank"]
    assert put_stance(client, officer, position, "riverbank", stance="support").status_code == 200
    assert put_stance(client, officer, position, "riverbank", stance="oppose").status_code == 200
    chief = alliance.chiefs["riverbank"]
    assert put_stance(client, chief, position, "riverbank", stance="undecided").status_code == 200

    history = stances.stance_history(db.session, position.id)
    assert [s.view for s in history] == ["undecided", "oppose", "support"]  # newest first
    assert [s.user_id for s in history] == [chief.id, officer.id, officer.id]
    assert all(s.created_at is not None for s in history)
    assert [(a["partner"], a["from"], a["to"]) for a in stance_audits()] == [
        ("riverbank", None, "support"),
        ("riverbank", "support", "oppose"),
        ("riverbank", "oppose", "undecided"),
    ]


def test_the_latest_stance_is_the_one_shown(alliance, client, position):
    officer = alliance.officers["harbourside"]
    put_stance(client, officer, position, "harbourside", stance="support", rationale="Yes.")
    put_stance(client, officer, position, "harbourside", stance="oppose", rationale="No.")
    response = client.get(
        f"{API}/positions/{position.id}/stances/harbourside", headers=api_headers(officer)
    )
    assert response.status_code == 200
    assert response.get_json()["stance"] == "oppose"
    assert response.get_json()["rationale"] == "No."


def test_a_partner_with_no_stance_reads_as_undecided(alliance, client, position):
    response = client.get(
        f"{API}/positions/{position.id}/stances/moorland", headers=api_headers(alliance.comms)
    )
    assert response.status_code == 200
    assert response.get_json()["stance"] == "undecided"
    assert response.get_json()["by"] is None


def test_stances_of_partners_are_kept_apart(alliance, client, position):
    put_stance(client, alliance.officers["harbourside"], position, "harbourside", stance="oppose")
    put_stance(client, alliance.officers["moorland"], position, "moorland", stance="support")
    held = stances.latest_stances(db.session, [position.id])[position.id]
    by_slug = {s.partner.slug: s.view for s in held.values()}
    assert by_slug == {"harbourside": "oppose", "moorland": "support"}


# ---- bad input ----------------------------------------------------------------------------------


def test_an_invalid_stance_is_400(alliance, client, position):
    response = put_stance(client, alliance.drafter, position, "harbourside", stance="maybe")
    error = error_of(response, 400, "invalid_stance")
    assert "support" in error["message"]
    assert stance_rows() == 0


def test_a_missing_stance_is_400(alliance, client, position):
    error_of(put_stance(client, alliance.drafter, position, "harbourside"), 400, "missing_field")


def test_an_unknown_partner_is_404(alliance, client, position):
    response = put_stance(client, alliance.drafter, position, "nowhere", stance="support")
    error_of(response, 404, "unknown_partner")
    response = client.get(
        f"{API}/positions/{position.id}/stances/nowhere", headers=api_headers(alliance.drafter)
    )
    error_of(response, 404)


def test_an_unknown_position_is_404(alliance, client):
    response = client.put(
        f"{API}/positions/999/stances/harbourside",
        json={"stance": "support"},
        headers=api_headers(alliance.drafter),
    )
    error_of(response, 404)
    assert stance_rows() == 0


def test_an_oversized_rationale_is_413(app, alliance, client, position):
    huge = "x" * (app.config["MAX_BODY_BYTES"] + 1)
    response = put_stance(
        client, alliance.drafter, position, "harbourside", stance="support", rationale=huge
    )
    error_of(response, 413)
    assert stance_rows() == 0


# ---- the web form -------------------------------------------------------------------------------


def test_the_position_page_form_sets_the_users_own_partners_stance(alliance, client, position):
    login(client, alliance.officers["moorland"])
    response = client.post(
        f"/positions/{position.id}/stance",
        data={"stance": "reservations", "rationale": "Needs **costing**."},
        follow_redirects=True,
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Moorland" in page and "Support with reservations" in page
    assert "<strong>costing</strong>" in page
    held = stances.latest_stances(db.session, [position.id])[position.id]
    assert [(s.partner.slug, s.view) for s in held.values()] == [("moorland", "reservations")]


def test_the_web_form_refuses_comms_and_writes_nothing(alliance, client, position):
    login(client, alliance.comms)
    response = client.post(
        f"/positions/{position.id}/stance", data={"stance": "support"}, follow_redirects=True
    )
    assert response.status_code == 200
    assert stance_rows() == 0


def test_stances_are_closed_on_withdrawn_positions(alliance, session):
    from positions.refusals import Conflict
    from tests.support.factories import publish

    position = make_position(alliance.drafter)
    alliance.approve_all(position)
    publish(alliance.comms, position)
    alliance.withdraw_all(position)
    with pytest.raises(Conflict):
        stances.set_stance(
            session,
            alliance.drafter,
            position.id,
            alliance.partners[0].slug,
            view="support",
            rationale="",
        )
