"""Nobody locks another person out of signing in (issue 12, item 10): failed attempts are limited
per address and per account, and a browser that signed in to the account before is exempt from
the account's limit, so its owner's correct password still works during a flood."""

import pytest

from config import ProductionConfig
from tests.support.factories import PASSWORD


def _limited(another_app):
    return another_app(
        RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute", ACCOUNT_LOGIN_RATE_LIMIT="3/minute"
    )


def _post(client, email, password, address):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    ).status_code


def test_a_flood_from_many_addresses_does_not_lock_out_a_known_browser(alliance, another_app):
    victim = alliance.chiefs["moorland"]
    app = _limited(another_app)
    with app.app_context():
        browser = app.test_client()
        assert _post(browser, victim.email, PASSWORD, "10.0.0.1") == 302  # known from now on
        browser.post("/logout")
        attacker = app.test_client()
        answers = [_post(attacker, victim.email, "guess", f"10.9.0.{i}") for i in range(8)]
        assert answers[:3] == [400, 400, 400] and set(answers[3:]) == {429}
        # A browser the account has never seen is held back with the attacker ...
        stranger = app.test_client()
        assert _post(stranger, victim.email, PASSWORD, "10.0.0.2") == 429
        # ... but the owner's own browser signs in, from any address.
        assert _post(browser, victim.email, PASSWORD, "10.0.0.3") == 302


def test_successful_sign_ins_do_not_use_up_the_limits(alliance, another_app):
    app = _limited(another_app)
    with app.app_context():
        client = app.test_client()
        for _ in range(5):
            assert _post(client, alliance.drafter.email, PASSWORD, "10.1.0.1") == 302
            client.post("/logout")


def test_one_address_trying_many_accounts_is_limited(alliance, another_app):
    app = _limited(another_app)
    with app.app_context():
        client = app.test_client()
        emails = [f"nobody{i}@x.test" for i in range(5)]
        answers = [_post(client, email, "guess", "10.2.0.1") for email in emails]
        assert answers == [400, 400, 400, 429, 429]


def test_a_forged_known_device_cookie_is_no_exemption(alliance, another_app):
    victim = alliance.chiefs["riverbank"]
    app = _limited(another_app)
    with app.app_context():
        attacker = app.test_client()
        attacker.set_cookie("concord_device", "WyJhYmMiXQ.forged")
        answers = [_post(attacker, victim.email, "guess", f"10.3.0.{i}") for i in range(5)]
        assert answers[3:] == [429, 429]


def test_production_refuses_per_worker_rate_limits_with_several_workers(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        ProductionConfig.resolve()
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setattr("config._database_url", lambda: "sqlite://")
    assert ProductionConfig.resolve()["SECRET_KEY"] == "k" * 64
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    monkeypatch.setattr(ProductionConfig, "RATELIMIT_STORAGE_URI", "memory://")
    ProductionConfig.resolve()  # one worker: its memory is the whole count
