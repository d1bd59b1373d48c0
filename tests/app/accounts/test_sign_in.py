"""Signing in and out, who may see what, and safe redirects, through the test client.

CSRF and security headers: tests/app/web/test_security.py."""

import re
from urllib.parse import urlsplit

import pytest

from app.audit import services as audit
from tests.support.client import body_of, login
from tests.support.factories import PASSWORD, audit_events


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_login_succeeds_redirects_to_the_dashboard_and_is_audited(alliance, client, session):
    response = login(client, alliance.comms)
    assert response.headers["Location"] == "/"
    assert "Signed in as Comms" in body_of(client.get("/"))
    [event] = audit_events("login")
    assert event.actor_id == alliance.comms.id


def test_failed_login_shows_a_message_keeps_the_email_and_is_audited(alliance, client, session):
    response = client.post(
        "/login", data={"email": "comms@alliance.test", "password": "not the password"}
    )
    page = body_of(response)
    assert response.status_code == 400
    assert "That email and password do not match an account." in page
    assert 'value="comms@alliance.test"' in page
    assert "not the password" not in page
    session.rollback()
    [event] = audit_events("login.failed")
    assert event.actor_id == alliance.comms.id


def test_failed_login_for_an_unknown_email_is_audited_with_the_email(alliance, client, session):
    response = client.post("/login", data={"email": "Ghost@Nowhere.test", "password": "x"})
    assert response.status_code == 400
    [event] = audit_events("login.failed")
    assert (event.actor_id, event.actor_label) == (None, "ghost@nowhere.test")


def test_an_empty_login_form_asks_for_both_fields(app, client):
    page = body_of(client.post("/login", data={}))
    assert "Enter your email address." in page and "Enter your password." in page


def test_logout_is_a_post_and_is_audited(alliance, client, session):
    login(client, alliance.comms)
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302
    assert audit_events("logout")


@pytest.mark.parametrize("path", ["/", "/positions/", "/positions/new", "/admin/audit"])
def test_signed_out_users_are_sent_to_login_for_internal_pages(app, client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_signed_out_users_can_read_the_public_pages(app, client):
    assert client.get("/public/").status_code == 200
    assert "Sign in" in body_of(client.get("/public/"))


def test_login_returns_to_the_page_asked_for(alliance, client):
    response = client.post(
        "/login?next=/positions/",
        data={"email": alliance.comms.email, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/positions/"


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"],
)
def test_an_open_redirect_after_login_is_refused(alliance, client, target):
    response = client.post(
        "/login", query_string={"next": target},
        data={"email": alliance.comms.email, "password": PASSWORD},
    )  # fmt: skip
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert (location.scheme, location.netloc) == ("", "")
    assert location.path.startswith("/") and not location.path.startswith(("//", "/\\"))
    if target != "/\\evil.example":  # that one may stay as the same-site path /%5Cevil.example
        assert response.headers["Location"] == "/"


def test_a_signed_in_user_visiting_login_goes_to_the_dashboard(alliance, client):
    login(client, alliance.comms)
    assert client.get("/login").headers["Location"] == "/"


def test_admin_audit_page_is_for_admins(alliance, client, session):
    login(client, alliance.admin)
    page = client.get("/admin/audit")
    assert page.status_code == 200
    assert "login" in body_of(page) and "user.create" in body_of(page)
    assert "Chain intact" in body_of(client.get("/admin/audit?verify=1"))


@pytest.mark.parametrize("who", ["comms", "chief", "drafter"])
def test_admin_audit_page_is_forbidden_for_everyone_else(alliance, client, who):
    user = {
        "comms": alliance.comms,
        "chief": alliance.chiefs["moorland"],
        "drafter": alliance.drafter,
    }[who]
    login(client, user)
    response = client.get("/admin/audit")
    assert response.status_code == 403
    assert "That isn't yours to do" in body_of(response)


def test_admin_audit_page_paginates(alliance, client, session):
    for _ in range(50):
        audit.record(session, "test.event")
    session.commit()
    login(client, alliance.admin)
    first = body_of(client.get("/admin/audit"))
    assert "Older" in first
    assert "Page 2" in body_of(client.get("/admin/audit?page=2"))
