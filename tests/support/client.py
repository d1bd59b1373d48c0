"""Talking to the app through Flask's test client: signing in, API tokens, JSON and error JSON."""

import re

import pyotp

from app.accounts import second_factor
from app.accounts import services as accounts
from app.accounts.models import User
from app.extensions import db
from tests.support.factories import PASSWORD

API = "/api/v1"


def login(client, user: User, password: str = PASSWORD):
    """Sign `user` in on `client` through the sign-in form; the answer must be the redirect.

    Where a second factor is asked (chief officers and admins, when the app requires it), it is
    typed too: enrolling first if need be (the secret read off the page), as a person would."""
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    if response.headers["Location"].endswith("/login/code"):
        response = type_second_factor(client, user)
    return response


def type_second_factor(client, user: User):
    """At /login/code: type the current code (enrolling first, if the page asks)."""
    page = client.get("/login/code").get_data(as_text=True)
    enrolling = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page)
    if enrolling:
        sealed = re.search(r'name="sealed"[^>]*value="([^"]+)"', page).group(1)
        data = {"code": pyotp.TOTP(enrolling.group(1)).now(), "sealed": sealed}
        response = client.post("/login/code", data=data)
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        return response
    factor = second_factor.factor_of(db.session, user)
    # Signing in again within 30 seconds would be a replay: forget the step used, as a person
    # waiting for the next code would.
    factor.last_step = None
    db.session.commit()
    response = client.post("/login/code", data={"code": pyotp.TOTP(factor.secret).now()})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def api_headers(user: User) -> dict:
    """A bearer token of `user`'s own, issued through the service and committed."""
    token = accounts.issue_token(db.session, user, "tests")
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def api_post(client, user: User, path: str, body: dict | None = None):
    """POST JSON to the API (`path` after /api/v1) as `user`."""
    return client.post(f"{API}{path}", json=body or {}, headers=api_headers(user))


def body_of(response) -> str:
    return response.get_data(as_text=True)


def error_of(response, status: int | None = None, code: str | None = None) -> dict:
    """The API's one error shape, checked: {"error": {"code", "message", ...}} and nothing else,
    a non-empty code and message, with the status (and code) expected. Returns the error."""
    if status is not None:
        assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json, response.get_data(as_text=True)[:500]
    body = response.get_json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"]), body
    error = body["error"]
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    if code:
        assert error["code"] == code
    return error


def csrf_token(html: str) -> str:
    """The CSRF token of the (first) form on a page."""
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not found:
        raise AssertionError("no CSRF token on the page")
    return found.group(1)


# ---- hostile text on a page ------------------------------------------------------------------

XSS_BODY = (
    "Fine words.\n\n<script>alert('body')</script>\n\n"
    '<img src="x" onerror="alert(1)">\n\n[click](javascript:alert(2))\n\n'
    '<a href="javascript:alert(3)" onclick="alert(4)">link</a>'
)


def assert_inert(page: str) -> None:
    """What XSS_BODY tried is nowhere on the page: no script, handler, javascript: URL or image."""
    assert "<script>alert" not in page
    assert "onerror" not in page and "onclick" not in page
    assert "javascript:" not in page
    assert "<img" not in page
