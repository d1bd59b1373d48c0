"""/healthz and /readyz: JSON, no sign-in, never cached, and honest about the database."""

import pytest
from sqlalchemy import text

from app.extensions import db
from tests.support.apps import make_app


def test_healthz_answers_without_the_database(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/missing/nowhere.db")  # no such folder: no database
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "ok"}
    assert answer.headers["Cache-Control"] == "no-store"


def test_readyz_is_ready_on_a_database_at_the_current_schema(client):
    answer = client.get("/readyz")
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["checks"] == {"database": "ok", "schema": "ok", "outbox": "ok"}
    assert answer.headers["Cache-Control"] == "no-store"


def test_readyz_says_503_when_the_schema_is_behind(client):
    db.session.execute(text("UPDATE alembic_version SET version_num = '0001_core'"))
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json()["checks"]["schema"].startswith("at 0001_core")


def test_readyz_stays_ready_while_a_newer_release_has_upgraded_the_schema(client):
    """Mid rolling upgrade: `db upgrade` ran for the new code; this server awaits its restart."""
    db.session.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.get_json()["checks"]["schema"].startswith("ahead: at 0099_from_the_future")


def test_readyz_says_503_when_the_database_is_gone(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/missing/nowhere.db")
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json()["checks"]["database"].startswith("unreachable")


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_are_never_rate_limited(tmp_path, path):
    app = make_app(f"sqlite:///{tmp_path}/x.db", RATELIMIT_ENABLED=True)
    client = app.test_client()
    assert all(client.get(path).status_code != 429 for _ in range(30))


def _whoami_app(tmp_path, **overrides):
    app = make_app(f"sqlite:///{tmp_path}/x.db", **overrides)

    @app.get("/_whoami")
    def whoami():
        from flask import request

        return {"address": request.remote_addr, "scheme": request.scheme, "host": request.host}

    return app.test_client()


FORWARDED = {
    "X-Forwarded-For": "203.0.113.7",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "alliance.example",
}


def test_behind_a_configured_proxy_the_client_address_and_scheme_are_the_forwarded_ones(tmp_path):
    seen = _whoami_app(tmp_path, PROXY_COUNT=1).get("/_whoami", headers=FORWARDED).get_json()
    assert seen == {"address": "203.0.113.7", "scheme": "https", "host": "alliance.example"}


def test_without_a_proxy_forwarded_headers_are_ignored(tmp_path):
    seen = _whoami_app(tmp_path).get("/_whoami", headers=FORWARDED).get_json()
    assert seen == {"address": "127.0.0.1", "scheme": "http", "host": "localhost"}


def test_readyz_reports_an_outbox_backed_up_beyond_its_limit(app, client, alliance, monkeypatch):
    """Reported, yet still ready: a stopped mail sender is no reason to take every web server
    out of rotation."""
    from datetime import timedelta

    from app.extensions import utcnow
    from app.notifications.models import Notification

    monkeypatch.setitem(app.config, "NOTIFY_BACKLOG_LIMIT", 2)
    due = utcnow() - timedelta(minutes=1)
    for _ in range(3):
        db.session.add(
            Notification(
                recipient_id=alliance.drafter.id,
                kind="standing",
                subject="S",
                body="B",
                link="/",
                reason="a test",
                mail_status="queued",
                next_attempt_at=due,
            )
        )
    db.session.commit()
    answer = client.get("/readyz")
    assert answer.status_code == 200  # a stopped sender takes no web server out of rotation
    assert answer.get_json()["status"] == "degraded"
    assert answer.get_json()["checks"]["outbox"].startswith("backlog: more than 2")
