"""Chief officers and admins sign in with a second factor (issue 12, item 5): TOTP enrolled at
sign-in with a QR code drawn on the server, each code once, single-use recovery codes, limited
attempts; until enrolled they cannot act."""

import re

import pyotp
import pytest
from sqlalchemy import select

from app.accounts import second_factor
from app.accounts.models import RecoveryCode
from app.audit.models import AuditEvent
from app.drafting.models import SignOff
from tests.support.client import api_headers, login
from tests.support.factories import PASSWORD, make_position


@pytest.fixture
def required(app, monkeypatch):
    monkeypatch.setitem(app.config, "REQUIRE_SECOND_FACTOR", True)


def _password(client, user):
    return client.post("/login", data={"email": user.email, "password": PASSWORD})


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


def _enrol(client, user) -> tuple[str, list[str]]:
    """Password, then the enrolment page: returns the secret and the recovery codes shown."""
    assert _password(client, user).headers["Location"].endswith("/login/code")
    page = client.get("/login/code").get_data(as_text=True)
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page).group(1)
    sealed = re.search(r'name="sealed"[^>]*value="([^"]+)"', page).group(1)
    done = client.post("/login/code", data={"code": pyotp.TOTP(secret).now(), "sealed": sealed})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([0-9a-f]{5}-[0-9a-f]{5})</code></li>", done.text)
    return secret, codes


def test_a_password_alone_does_not_sign_a_chief_officer_in(required, alliance, client):
    assert _password(client, alliance.chiefs["moorland"]).status_code == 302
    assert not _signed_in(client)


def test_a_chief_without_a_second_factor_cannot_approve(app, alliance, client, session):
    chief = alliance.chiefs["moorland"]
    login(client, chief)  # signed in before the second factor was required
    position = make_position(alliance.drafter)
    session.commit()
    app.config["REQUIRE_SECOND_FACTOR"] = True
    try:
        answer = client.post(
            f"/positions/{position.id}/signoff", data={"decision": "approve", "revision": 1}
        )
        assert answer.status_code == 302 and "/login" in answer.headers["Location"]
        assert session.query(SignOff).count() == 0
    finally:
        app.config["REQUIRE_SECOND_FACTOR"] = False


def test_enrolling_shows_a_server_drawn_qr_code_and_keeps_the_secret_after_a_wrong_code(
    required, alliance, client, session
):
    chief = alliance.chiefs["harbourside"]
    _password(client, chief)
    page = client.get("/login/code")
    assert page.headers["Cache-Control"].startswith("no-store")
    assert "<svg" in page.text and "<script" not in page.text.split("<main")[-1]
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', page.text).group(1)
    sealed = re.search(r'name="sealed"[^>]*value="([^"]+)"', page.text).group(1)
    wrong = client.post("/login/code", data={"code": "000000", "sealed": sealed})
    assert wrong.status_code == 400 and secret in wrong.text
    assert second_factor.factor_of(session, chief) is None
    assert not _signed_in(client)
    done = client.post("/login/code", data={"code": pyotp.TOTP(secret).now(), "sealed": sealed})
    assert done.status_code == 200 and "recovery codes" in done.text
    assert _signed_in(client)
    hashes = session.execute(select(RecoveryCode.code_hash)).scalars().all()
    assert len(hashes) == 10
    shown = re.findall(r"<li><code>([0-9a-f-]{11})</code></li>", done.text)
    assert not set(shown) & set(hashes)  # only hashes are kept


def test_a_forged_enrolment_secret_is_refused(required, alliance, client, session):
    chief = alliance.chiefs["harbourside"]
    _password(client, chief)
    mine = pyotp.random_base32()
    answer = client.post(
        "/login/code", data={"code": pyotp.TOTP(mine).now(), "sealed": "forged.seal"}
    )
    assert answer.status_code == 400
    assert second_factor.factor_of(session, chief) is None


def test_a_wrong_or_reused_code_is_refused(required, alliance, client, app):
    chief = alliance.chiefs["riverbank"]
    secret, _ = _enrol(client, chief)
    client.post("/logout")
    _password(client, chief)
    assert client.post("/login/code", data={"code": "123456"}).status_code == 400
    code = pyotp.TOTP(secret).now()
    other = app.test_client()
    _password(other, chief)
    # The code used at enrolment moments ago: same time step, so a replay.
    assert other.post("/login/code", data={"code": code}).status_code == 400
    assert not _signed_in(other)


def test_a_recovery_code_works_once(required, alliance, client, session):
    admin = alliance.admin
    _, codes = _enrol(client, admin)
    assert len(codes) == 10
    client.post("/logout")
    _password(client, admin)
    assert client.post("/login/code", data={"code": codes[0].upper()}).status_code == 302
    assert _signed_in(client)
    client.post("/logout")
    _password(client, admin)
    assert client.post("/login/code", data={"code": codes[0]}).status_code == 400
    assert second_factor.recovery_codes_left(session, admin) == 9
    actions = session.execute(select(AuditEvent.action)).scalars().all()
    assert "login.recovery_code" in actions and "login.second_factor.failed" in actions


def test_the_code_page_needs_the_password_first(required, client):
    answer = client.get("/login/code")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/login")


def test_policy_officers_are_not_asked(required, alliance, client):
    assert _password(client, alliance.drafter).headers["Location"] == "/"
    assert _signed_in(client)


def test_the_shared_sign_in_helper_types_the_code(required, alliance, client, app):
    chief = alliance.chiefs["moorland"]
    login(client, chief)  # enrols
    assert _signed_in(client)
    again = app.test_client()
    login(again, chief)  # types the current code
    assert _signed_in(again)


def test_code_attempts_are_limited(alliance, another_app):
    limited = another_app(
        RATELIMIT_ENABLED=True, REQUIRE_SECOND_FACTOR=True, SECOND_FACTOR_RATE_LIMIT="3/minute"
    )
    with limited.app_context():
        client = limited.test_client()
        _password(client, alliance.chiefs["harbourside"])
        page = client.get("/login/code").text
        sealed = re.search(r'name="sealed"[^>]*value="([^"]+)"', page).group(1)
        answers = [
            client.post("/login/code", data={"code": "000000", "sealed": sealed}).status_code
            for _ in range(5)
        ]
        assert answers == [400, 400, 400, 429, 429]


def test_the_api_says_whether_i_use_a_second_factor(required, alliance, client):
    chief = alliance.chiefs["moorland"]
    _enrol(client, chief)
    status = client.get("/api/v1/account/second-factor", headers=api_headers(chief)).get_json()
    assert status == {"required": True, "enrolled": True, "recovery_codes_left": 10}
    drafter = client.get("/api/v1/account/second-factor", headers=api_headers(alliance.drafter))
    assert drafter.get_json()["required"] is False
