"""Error reports: to Sentry only when SENTRY_DSN is set, and nothing personal in them."""

import sentry_sdk

from app.operations import scrub_event
from tests.support.apps import make_app


def test_without_a_dsn_nothing_is_set_up(tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **options: started.append(options))
    make_app(f"sqlite:///{tmp_path}/x.db")
    assert started == []


def test_with_a_dsn_reports_go_through_the_scrubber_without_personal_data(tmp_path, monkeypatch):
    started = []
    monkeypatch.setattr(sentry_sdk, "init", lambda **options: started.append(options))
    make_app(f"sqlite:///{tmp_path}/x.db", SENTRY_DSN="https://key@sentry.example/1")
    [options] = started
    assert options["dsn"] == "https://key@sentry.example/1"
    assert options["send_default_pii"] is False
    assert options["before_send"] is scrub_event


def _event() -> dict:
    return {
        "exception": {"values": [{"type": "ValueError"}]},
        "request": {
            "url": "https://alliance.example/welcome/a-sign-in-token",
            "method": "POST",
            "data": {"body": "Confidential wording", "password": "hunter2hunter2"},
            "cookies": {"session": "signed"},
            "headers": {"Authorization": "Bearer secret-token"},
            "query_string": "email=a@b.org",
            "env": {"REMOTE_ADDR": "203.0.113.9"},
        },
        "user": {"id": 3, "email": "a@b.org", "ip_address": "203.0.113.9"},
    }


def test_the_scrubber_keeps_the_error_and_drops_what_a_person_sent():
    scrubbed = scrub_event(_event(), hint={})
    assert scrubbed["exception"] == {"values": [{"type": "ValueError"}]}
    assert scrubbed["request"] == {"method": "POST"}
    assert "user" not in scrubbed


def test_in_a_request_the_address_becomes_its_route(app):
    with app.test_request_context("/welcome/a-sign-in-token", method="POST"):
        scrubbed = scrub_event(_event(), hint={})
    assert scrubbed["request"] == {"method": "POST", "url": "/welcome/<token>"}
