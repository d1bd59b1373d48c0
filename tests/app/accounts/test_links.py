"""Invitations, password resets, password rules, API tokens and login rate limiting."""

import re

import pytest

from app.accounts import services as accounts
from app.audit.models import AuditEvent
from app.extensions import db
from positions.refusals import Invalid
from tests.support.client import login
from tests.support.factories import PASSWORD

STRONG = "a long unusual passphrase"


def _link(page: str) -> str:
    match = re.search(r"https?://[^/]+(/welcome/[^<\s]+)", page)
    assert match, "the page shows a link to pass on"
    return match.group(1)


def _invite(client, alliance, email="new@harbourside.test") -> str:
    login(client, alliance.admin)
    page = client.post(
        "/admin/people",
        data={
            "email": email,
            "name": "New Person",
            "partner": "harbourside",
            "roles": ["policy_officer"],
        },
    )
    assert page.status_code == 200
    client.post("/logout")
    return _link(page.get_data(as_text=True))


def test_an_invitation_link_sets_a_password_once(alliance, client):
    link = _invite(client, alliance)
    assert client.get(link).status_code == 200
    done = client.post(link, data={"new": STRONG, "confirm": STRONG})
    assert done.status_code == 302
    again = client.post(link, data={"new": STRONG + "x", "confirm": STRONG + "x"})
    assert again.status_code == 400
    assert "expired or has already been used" in again.get_data(as_text=True)
    signed_in = client.post("/login", data={"email": "new@harbourside.test", "password": STRONG})
    assert signed_in.status_code == 302


def test_invited_people_cannot_sign_in_before_choosing_a_password(alliance, client):
    _invite(client, alliance)
    for guess in ("", PASSWORD, "password"):
        response = client.post("/login", data={"email": "new@harbourside.test", "password": guess})
        assert response.status_code == 400


def test_a_forged_or_tampered_link_is_refused(alliance, client):
    link = _invite(client, alliance)
    assert client.get(link[:-3] + "abc").status_code == 400
    assert client.get("/welcome/not-a-token").status_code == 400


def test_links_expire(alliance, session, app, monkeypatch):
    token = accounts.account_link_token(alliance.drafter, "reset", app.config["SECRET_KEY"])
    from datetime import timedelta

    real_now = accounts.utcnow
    monkeypatch.setattr(accounts, "utcnow", lambda: real_now() + timedelta(days=2))
    with pytest.raises(Invalid):
        accounts.user_for_link(session, token, app.config["SECRET_KEY"])


def test_a_reset_stops_the_old_password_and_the_link_sets_a_new_one(alliance, client):
    login(client, alliance.admin)
    user = alliance.drafter
    page = client.post(f"/admin/people/{user.id}/reset")
    client.post("/logout")
    link = _link(page.get_data(as_text=True))
    old = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert old.status_code == 400
    assert client.post(link, data={"new": STRONG, "confirm": STRONG}).status_code == 302
    assert client.post("/login", data={"email": user.email, "password": STRONG}).status_code == 302


@pytest.mark.parametrize(
    "weak",
    ["short", "Password2024!", "qwertyuiop", "1234567890123", "aaaaaaaaaaaa", "policyharbourside"],
)
def test_weak_passwords_are_refused_with_a_reason(alliance, client, weak):
    login(client, alliance.drafter)
    response = client.post("/account", data={"current": PASSWORD, "new": weak, "confirm": weak})
    assert response.status_code == 400
    assert 'role="alert"' in response.get_data(as_text=True)


def test_only_admins_invite_or_reset(alliance, client):
    login(client, alliance.chiefs["moorland"])
    assert client.get("/admin/people").status_code == 403
    assert client.post(f"/admin/people/{alliance.drafter.id}/reset").status_code == 403


def test_tokens_are_listed_named_and_revocable_by_their_owner(alliance, client, session):
    login(client, alliance.drafter)
    page = client.post("/account/tokens", data={"name": "newsletter script"})
    token = re.search(r"(cnc_[\w-]+)", page.get_data(as_text=True)).group(1)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/partners", headers=headers).status_code == 200
    listed = accounts.tokens_of(session, alliance.drafter)
    assert [t.name for t in listed] == ["newsletter script"]
    assert token not in {t.token_hash for t in listed}  # only the hash is stored
    other = client.application.test_client()
    login(other, alliance.chiefs["moorland"])
    refused = other.post(f"/account/tokens/{listed[0].id}/revoke")
    assert refused.status_code == 404, refused.location
    assert client.post(f"/account/tokens/{listed[0].id}/revoke").status_code == 302
    assert client.get("/api/v1/partners", headers=headers).status_code == 401


def test_login_is_rate_limited_without_telling_which_emails_exist(app, another_app):
    limited = another_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    with limited.app_context():
        client = limited.test_client()
        answers = [
            client.post("/login", data={"email": "nobody@x.test", "password": "wrong"}).status_code
            for _ in range(5)
        ]
        assert answers[:3] == [400, 400, 400]
        assert answers[3:] == [429, 429]
        page = client.post("/login", data={"email": "nobody@x.test", "password": "x"})
        assert "Too many attempts" in page.get_data(as_text=True)
        assert db.session.query(AuditEvent).filter_by(action="login.failed").count() == 3
