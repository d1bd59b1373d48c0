"""Signatory power comes from the partner (issue 12, item 5): an admin who makes someone a chief
officer, or resets one's password, gains no partner's voice until that partner confirms."""

import re

import pytest
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import User
from app.audit.models import AuditEvent
from app.signatories.models import SignatoryRequest
from positions.refusals import Forbidden
from tests.support.client import api_headers, api_post, error_of, login
from tests.support.factories import PASSWORD, approve, make_partner, make_position, make_user

NEW_EMAIL = "second@harbourside.test"
STRONG = "a long unusual passphrase"


def _link(page: str) -> str | None:
    match = re.search(r"https?://[^/]+(/welcome/[^<\s\"]+)", page)
    return match.group(1) if match else None


def _invite_second_chief(client, alliance) -> str:
    login(client, alliance.admin)
    page = client.post(
        "/admin/people",
        data={
            "email": NEW_EMAIL,
            "name": "Second Chief",
            "partner": "harbourside",
            "roles": ["chief_officer"],
        },
    )
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "only when another of its chief officers confirms" in text
    client.post("/logout")
    return _link(text)


def _actions(session, user) -> list[str]:
    return list(
        session.execute(
            select(AuditEvent.action).where(
                AuditEvent.object_type == "user", AuditEvent.object_id == str(user.id)
            )
        ).scalars()
    )


def _request_of(session, user) -> SignatoryRequest:
    return session.execute(
        select(SignatoryRequest).where(SignatoryRequest.user_id == user.id)
    ).scalar_one()


def test_an_admin_invited_second_chief_cannot_approve_until_the_partner_confirms(
    app, alliance, client, session
):
    link = _invite_second_chief(client, alliance)
    # The admin holds the invitation link and could become this person: still no signature.
    client.post(link, data={"new": STRONG, "confirm": STRONG})
    second = accounts.find_by_email(session, NEW_EMAIL)
    assert "chief_officer" not in second.roles
    position = make_position(alliance.drafter)
    with pytest.raises(Forbidden):
        approve(second, position)

    chief = alliance.chiefs["harbourside"]
    login(client, chief)
    waiting = client.get("/signatories").get_data(as_text=True)
    assert "Make Second Chief a chief officer of Harbourside?" in waiting
    request = _request_of(session, second)
    handed = client.post(f"/signatories/{request.id}/confirm")
    assert handed.status_code == 200
    page = handed.get_data(as_text=True)
    assert "Second Chief is now a chief officer of Harbourside" in page
    fresh = _link(page)
    assert fresh and fresh != link
    session.refresh(second)
    assert "chief_officer" in second.roles
    approve(second, position)  # now it signs for Harbourside
    assert "signatory.appoint.confirm" not in _actions(session, second)  # named by outcome
    assert {"signatory.appoint.request", "signatory.appoint.confirmed"} <= set(
        _actions(session, second)
    )


def test_whoever_held_the_account_before_the_appointment_loses_it(app, alliance, client, session):
    """The admin saw the invitation link, set the password and enrolled a second factor:
    the partner's confirmation hands the person new credentials that the admin never sees."""
    from app.accounts import second_factor

    link = _invite_second_chief(client, alliance)
    client.post(link, data={"new": STRONG, "confirm": STRONG})
    second = accounts.find_by_email(session, NEW_EMAIL)
    second_factor.enrol_directly(session, second, second_factor.new_secret())
    token = accounts.issue_token(session, second, "the admin's copy")
    session.commit()
    held = client.application.test_client()
    login(held, second, password=STRONG)
    assert held.get("/").status_code == 200

    request = _request_of(session, second)
    login(client, alliance.chiefs["harbourside"])
    fresh = _link(client.post(f"/signatories/{request.id}/confirm").get_data(as_text=True))
    session.expire_all()
    assert accounts.authenticate(session, NEW_EMAIL, STRONG) is None  # the old password is gone
    assert second_factor.factor_of(session, second) is None  # enrols afresh
    assert accounts.user_for_token(session, token) is None
    assert held.get("/").status_code == 302  # the old sign-in has ended
    client.post("/logout")
    assert (
        client.post(
            fresh, data={"new": "another long passphrase", "confirm": "another long passphrase"}
        ).status_code
        == 302
    )
    assert accounts.authenticate(session, NEW_EMAIL, "another long passphrase") is not None


def test_the_dashboard_leads_the_chief_officer_to_what_waits(alliance, client):
    _invite_second_chief(client, alliance)
    login(client, alliance.chiefs["harbourside"])
    page = client.get("/").get_data(as_text=True)
    assert "wait" in page and "/signatories" in page
    client.post("/logout")
    login(client, alliance.chiefs["moorland"])
    assert '/signatories"' not in client.get("/").get_data(as_text=True)


def test_another_partners_chief_the_admin_and_the_person_cannot_confirm(
    app, alliance, client, session
):
    _invite_second_chief(client, alliance)
    second = accounts.find_by_email(session, NEW_EMAIL)
    request = _request_of(session, second)
    for outsider in (alliance.chiefs["moorland"], alliance.admin):
        answer = api_post(client, outsider, f"/signatory-requests/{request.id}/confirm")
        error_of(answer, 403)
    second.roles = "policy_officer"  # even with a role, nobody confirms their own appointment
    session.commit()
    error_of(api_post(client, second, f"/signatory-requests/{request.id}/confirm"), 403)
    session.refresh(second)
    assert "chief_officer" not in second.roles and request.outcome is None


def test_an_appointment_confirmed_through_the_api_answers_with_the_link_to_hand_over(
    alliance, client, session
):
    _invite_second_chief(client, alliance)
    second = accounts.find_by_email(session, NEW_EMAIL)
    request = _request_of(session, second)
    answer = api_post(
        client, alliance.chiefs["harbourside"], f"/signatory-requests/{request.id}/confirm"
    )
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["outcome"] == "confirmed" and "/welcome/" in body["set_password_link"]
    link = body["set_password_link"].split("://", 1)[1].split("/", 1)[1]
    assert client.post(f"/{link}", data={"new": STRONG, "confirm": STRONG}).status_code == 302
    assert accounts.authenticate(session, NEW_EMAIL, STRONG).id == second.id


def test_a_declined_appointment_gives_nothing_and_is_on_the_record(alliance, client, session):
    _invite_second_chief(client, alliance)
    second = accounts.find_by_email(session, NEW_EMAIL)
    request = _request_of(session, second)
    chief = alliance.chiefs["harbourside"]
    listed = client.get("/api/v1/signatory-requests", headers=api_headers(chief)).get_json()
    assert [r["id"] for r in listed] == [request.id]
    answer = api_post(client, chief, f"/signatory-requests/{request.id}/decline")
    assert answer.status_code == 200 and answer.get_json()["outcome"] == "declined"
    session.refresh(second)
    assert "chief_officer" not in second.roles
    assert "signatory.appoint.declined" in _actions(session, second)
    error_of(api_post(client, chief, f"/signatory-requests/{request.id}/confirm"), 409)


def test_a_role_change_by_api_or_command_line_waits_too(alliance, client, session, flask_cli):
    officer = alliance.officers["moorland"]
    answer = client.patch(
        f"/api/v1/people/{officer.id}",
        json={"roles": ["chief_officer", "policy_officer"]},
        headers=api_headers(alliance.admin),
    )
    assert answer.status_code == 200 and answer.get_json()["roles"] == ["policy_officer"]
    assert _request_of(session, officer).kind == "appoint"

    other = alliance.officers["riverbank"]
    result = flask_cli("users", "update", other.email, "--role", "chief_officer")
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert "chief_officer" not in session.get(User, other.id).roles
    assert _request_of(session, other).partner.slug == "riverbank"


def test_the_first_chief_officer_of_a_partner_takes_office_at_once(app, alliance, session):
    newcomer = make_partner("Fenland")
    chief = make_user("chief@fenland.test", "chief_officer", partner=newcomer)
    assert "chief_officer" in chief.roles
    assert "signatory.appoint.direct" in _actions(session, chief)
    # A second one for Fenland now waits for the first.
    second = make_user("deputy@fenland.test", "chief_officer", partner=newcomer)
    assert second.roles == ""
    assert _request_of(session, second).kind == "appoint"


def test_an_admin_reset_of_a_chief_gives_the_admin_no_link(alliance, client, session):
    partner = alliance.partners[0]
    second = make_user("second@harbourside.test", "policy_officer", partner=partner)
    second.roles = "chief_officer"  # a second chief officer already in office
    session.commit()
    login(client, alliance.admin)
    page = client.post(f"/admin/people/{second.id}/reset").get_data(as_text=True)
    assert _link(page) is None
    assert "You get no link" in page and "must confirm" in page
    client.post("/logout")

    # The partner's other chief officer confirms and is the one shown the link.
    login(client, alliance.chiefs["harbourside"])
    request = _request_of(session, second)
    shown = client.post(f"/signatories/{request.id}/confirm")
    assert shown.headers["Cache-Control"].startswith("no-store")
    link = _link(shown.get_data(as_text=True))
    client.post("/logout")
    assert client.post(link, data={"new": STRONG, "confirm": STRONG}).status_code == 302
    login(client, second, STRONG)


def test_resetting_a_partners_only_chief_leaves_the_link_to_the_operator(
    alliance, client, session, flask_cli
):
    chief = alliance.chiefs["riverbank"]
    login(client, alliance.admin)
    page = client.post(f"/admin/people/{chief.id}/reset").get_data(as_text=True)
    assert _link(page) is None and "flask users reset-link" in page
    assert client.post("/login", data={"email": chief.email, "password": PASSWORD}).status_code
    client.post("/logout")

    result = flask_cli("users", "reset-link", chief.email)
    assert result.exit_code == 0, result.output
    link = _link(result.output)
    assert client.post(link, data={"new": STRONG, "confirm": STRONG}).status_code == 302
    login(client, chief, STRONG)


def test_an_admin_still_gets_the_link_for_someone_who_does_not_sign(alliance, client):
    login(client, alliance.admin)
    page = client.post(f"/admin/people/{alliance.drafter.id}/reset").get_data(as_text=True)
    assert _link(page) is not None
