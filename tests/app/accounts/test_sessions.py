"""Sessions and API tokens end when they should: sign-out, a password change or reset,
deactivation, "sign out everywhere"; and people administration around them."""

from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import User
from app.audit.models import AuditEvent
from tests.support.client import api_headers, error_of, login
from tests.support.factories import PASSWORD, make_user

NEW_PASSWORD = "a brand new long passphrase 9"


def copy_of(client, app):
    """A second browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_a_copied_cookie_stops_working_when_its_owner_signs_out(app, alliance, client):
    login(client, alliance.drafter)
    thief = copy_of(client, app)
    assert signed_in(thief)
    client.post("/logout")
    assert not signed_in(thief)


def test_a_password_change_ends_other_sessions_and_keeps_this_one(app, alliance, client):
    other = app.test_client()
    login(client, alliance.drafter)
    login(other, alliance.drafter)
    headers = api_headers(alliance.drafter)
    changed = client.post(
        "/account", data={"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert changed.status_code == 302
    assert signed_in(client) and not signed_in(other)
    assert client.get("/api/v1/partners", headers=headers).status_code == 200  # not asked


def test_a_password_change_can_revoke_the_tokens_too(alliance, client):
    login(client, alliance.drafter)
    headers = api_headers(alliance.drafter)
    client.post(
        "/account",
        data={
            "current": PASSWORD,
            "new": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "revoke_tokens": "y",
        },
    )
    error_of(client.get("/api/v1/partners", headers=headers), 401)


def test_an_admin_reset_ends_sessions_and_tokens(app, alliance, client, session):
    chief = alliance.chiefs["moorland"]
    login(client, chief)
    headers = api_headers(chief)
    accounts.reset_user(session, alliance.admin, chief.id)
    session.commit()
    assert not signed_in(client)
    # The old token can no longer object to anything.
    error_of(client.post("/api/v1/positions/1/signoffs", json={}, headers=headers), 401)


def test_sign_out_everywhere_ends_the_others_only(app, alliance, client):
    other = app.test_client()
    login(client, alliance.drafter)
    login(other, alliance.drafter)
    assert client.post("/account/sign-out-everywhere").status_code == 302
    assert signed_in(client) and not signed_in(other)


def test_deactivation_stops_sessions_and_tokens_at_once_and_reactivation_lets_in_again(
    app, alliance, client, session
):
    person = alliance.officers["riverbank"]
    browser = app.test_client()
    login(browser, person)
    headers = api_headers(person)
    login(client, alliance.admin)
    done = client.post(f"/admin/people/{person.id}/deactivate")
    assert done.status_code == 302
    assert not signed_in(browser)
    error_of(browser.get("/api/v1/partners", headers=headers), 401)
    refused = browser.post("/login", data={"email": person.email, "password": PASSWORD})
    assert refused.status_code == 400
    client.post(f"/admin/people/{person.id}/reactivate")
    login(browser, person)
    error_of(browser.get("/api/v1/partners", headers=headers), 401)  # old tokens stay revoked
    assert [
        a
        for a in session.execute(select(AuditEvent.action)).scalars()
        if a in ("user.deactivate", "user.reactivate")
    ] == ["user.deactivate", "user.reactivate"]


def test_an_admin_signs_someone_out_everywhere(app, alliance, client):
    person = alliance.comms
    browser = app.test_client()
    login(browser, person)
    headers = api_headers(person)
    login(client, alliance.admin)
    client.post(f"/admin/people/{person.id}/sign-out")
    assert not signed_in(browser)
    error_of(browser.get("/api/v1/partners", headers=headers), 401)


def test_the_last_active_admin_cannot_be_removed(alliance, client, session):
    admin = alliance.admin
    login(client, admin)
    client.post(f"/admin/people/{admin.id}/deactivate", follow_redirects=False)
    with client.session_transaction() as flashes:
        messages = [m for category, m in flashes["_flashes"] if category == "error"]
    assert any("last active admin" in m for m in messages)
    demoted = client.post(f"/admin/people/{admin.id}", data={"roles": ["comms"], "partner": ""})
    assert demoted.status_code == 409
    assert "last active admin" in demoted.get_data(as_text=True)
    session.refresh(admin)
    assert admin.active and admin.roles == "admin"
    # With a second admin, the first may go.
    make_user("second@alliance.test", "admin")
    session.commit()
    client.post(f"/admin/people/{admin.id}/deactivate")
    session.refresh(admin)
    assert not admin.active


def test_moving_someone_to_another_partner_keeps_the_history(alliance, client, session):
    person = alliance.officers["moorland"]
    login(client, alliance.admin)
    moved = client.post(
        f"/admin/people/{person.id}",
        data={"partner": "riverbank", "roles": ["policy_officer", "comms"]},
    )
    assert moved.status_code == 302
    session.refresh(person)
    assert person.partner.slug == "riverbank" and person.roles == "comms,policy_officer"
    event = session.execute(
        select(AuditEvent).where(AuditEvent.action == "user.update")
    ).scalar_one()
    assert '"partner":"moorland"' in event.details.replace(" ", "")


def test_a_chief_officer_must_belong_to_a_partner(alliance, client, flask_cli, session):
    login(client, alliance.admin)
    page = client.post(
        f"/admin/people/{alliance.comms.id}", data={"roles": ["chief_officer"], "partner": ""}
    )
    assert page.status_code == 400 and "must belong to a partner" in page.get_data(as_text=True)
    created = flask_cli(
        "users", "create", "--email", "c@alliance.test", "--name", "C",
        "--role", "chief_officer", "--password", PASSWORD,
    )  # fmt: skip
    assert created.exit_code == 1 and "must belong to a partner" in created.output
    updated = flask_cli("users", "update", alliance.chiefs["moorland"].email, "--no-partner")
    assert updated.exit_code == 1 and "must belong to a partner" in updated.output
    assert session.execute(select(User).filter_by(email="c@alliance.test")).first() is None


def test_people_on_the_command_line(alliance, flask_cli, session):
    email = alliance.officers["harbourside"].email
    moved = flask_cli("users", "update", email, "--partner", "moorland")
    assert moved.exit_code == 0 and "Moorland" in moved.output
    assert flask_cli("users", "deactivate", email).exit_code == 0
    assert not accounts.find_by_email(session, email).active
    assert flask_cli("users", "reactivate", email).exit_code == 0
    assert flask_cli("users", "sign-out", email).exit_code == 0
    last = flask_cli("users", "deactivate", alliance.admin.email)
    assert last.exit_code == 1 and "last active admin" in last.output


def test_people_through_the_api(app, alliance, client, session):
    headers = api_headers(alliance.admin)
    invited = client.post(
        "/api/v1/people",
        json={"email": "new@moorland.test", "name": "New Person", "roles": ["policy_officer"],
              "partner": "moorland"},
        headers=headers,
    )  # fmt: skip
    assert invited.status_code == 201, invited.get_json()
    body = invited.get_json()
    assert body["partner"] == "moorland" and "/welcome/" in body["set_password_link"]
    person = body["id"]
    moved = client.patch(
        f"/api/v1/people/{person}", json={"partner": "riverbank"}, headers=headers
    ).get_json()
    assert moved["partner"] == "riverbank" and moved["roles"] == ["policy_officer"]
    chief = client.patch(
        f"/api/v1/people/{person}", json={"roles": ["chief_officer"], "partner": None},
        headers=headers,
    )  # fmt: skip
    assert error_of(chief, 400, "chief_needs_partner")["field"] == "partner"
    target = alliance.officers["harbourside"]
    their_token = api_headers(target)
    off = client.patch(f"/api/v1/people/{target.id}", json={"active": False}, headers=headers)
    assert off.get_json()["active"] is False
    error_of(client.get("/api/v1/partners", headers=their_token), 401)
    last = client.patch(
        f"/api/v1/people/{alliance.admin.id}", json={"active": False}, headers=headers
    )
    error_of(last, 409, "last_admin")
    error_of(client.get("/api/v1/people", headers=api_headers(alliance.comms)), 403)
