"""What every page and form carries: CSRF protection as in production, and security headers."""

import re

from app.audit.models import AuditEvent
from app.drafting.models import Position, SignOff
from tests.support.client import api_headers, body_of
from tests.support.factories import PASSWORD, committed_count, make_position


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_with_csrf_on_a_post_without_a_token_is_refused_and_writes_nothing(alliance, csrf_app):
    client = csrf_app.test_client()
    refused = client.post("/login", data={"email": alliance.drafter.email, "password": PASSWORD})
    assert refused.status_code == 400 and "CSRF" in body_of(refused)
    assert committed_count(AuditEvent, AuditEvent.action == "login") == 0

    form = body_of(client.get("/login"))
    signed_in = client.post(
        "/login",
        data={"email": alliance.drafter.email, "password": PASSWORD, "csrf_token": _token(form)},
    )
    assert signed_in.status_code == 302
    area = alliance.area.id
    without = client.post("/positions/new", data={"title": "T", "body": "b", "area": area})
    assert without.status_code == 400
    assert committed_count(Position) == 0
    token = _token(body_of(client.get("/positions/new")))
    with_token = client.post(
        "/positions/new", data={"title": "T", "body": "b", "area": area, "csrf_token": token}
    )
    assert with_token.status_code == 302
    assert committed_count(Position) == 1


def test_with_csrf_on_a_sign_off_and_logout_need_the_token(alliance, csrf_app, session):
    position = make_position(alliance.drafter)
    session.commit()
    client = csrf_app.test_client()
    form = body_of(client.get("/login"))
    chief = alliance.chiefs["moorland"]
    client.post(
        "/login", data={"email": chief.email, "password": PASSWORD, "csrf_token": _token(form)}
    )
    sign = client.post(
        f"/positions/{position.id}/signoff", data={"revision": 1, "decision": "approve"}
    )
    assert sign.status_code == 400
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200  # still signed in
    assert committed_count(SignOff) == 0


def test_the_api_needs_no_csrf_token(alliance, csrf_app):
    headers = api_headers(alliance.drafter)
    response = csrf_app.test_client().post(
        "/api/v1/positions", json={"title": "T", "body": "b", "area": "housing"}, headers=headers
    )
    assert response.status_code == 201


def test_pages_carry_security_headers(app, client):
    headers = client.get("/public/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
