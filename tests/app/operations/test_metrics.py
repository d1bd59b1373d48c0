"""/metrics: the named series for Prometheus, behind its token; awaiting decisions per partner."""

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.extensions import db, utcnow
from app.notifications.models import Notification
from tests.support.factories import approve, make_position

TOKEN = "metrics-token-for-tests"


@pytest.fixture
def scrape(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)

    def read() -> dict[str, list]:
        answer = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 200
        assert answer.headers["Cache-Control"] == "no-store"
        families = text_string_to_metric_families(answer.get_data(as_text=True))
        return {f.name: f.samples for f in families}

    return read


def test_no_token_configured_no_page(client):
    assert client.get("/metrics").status_code == 404


@pytest.mark.parametrize("sent", [None, "Bearer wrong", f"Basic {TOKEN}"])
def test_a_missing_or_wrong_token_is_refused(app, client, monkeypatch, sent):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", TOKEN)
    headers = {"Authorization": sent} if sent else {}
    assert client.get("/metrics", headers=headers).status_code == 401


def test_the_named_series_are_exposed(client, scrape):
    client.get("/login")
    series = scrape()
    for name in (
        "concord_request_duration_seconds",
        "concord_requests",
        "concord_events",
        "concord_db_connections_in_use",
        "concord_positions_awaiting_decision",
    ):
        assert name in series, sorted(series)
    assert any(
        s.labels.get("endpoint") == "auth.login" for s in series["concord_request_duration_seconds"]
    )


def test_awaiting_decisions_are_one_series_per_partner(alliance, scrape):
    position = make_position(alliance.drafter)
    first, second, third = alliance.partners
    approve(alliance.chiefs[first.slug], position)
    approve(alliance.chiefs[second.slug], position, decision="object", comment="No.")
    awaiting = {
        s.labels["partner"]: s.value for s in scrape()["concord_positions_awaiting_decision"]
    }
    assert awaiting == {first.slug: 0, second.slug: 0, third.slug: 1}


def test_recorded_events_are_counted_once_committed(alliance, client, scrape):
    def signoffs() -> float:
        return sum(
            s.value
            for s in scrape()["concord_events"]
            if s.labels.get("action") == "signoff.approve" and s.name.endswith("_total")
        )

    before = signoffs()
    position = make_position(alliance.drafter)
    approve(alliance.chiefs[alliance.partners[0].slug], position)
    db.session.commit()
    assert signoffs() == before + 1


def _queue(recipient, *, created_at, status="queued"):
    db.session.add(
        Notification(
            recipient_id=recipient.id,
            kind="standing",
            subject="S",
            body="B",
            link="/",
            reason="a test",
            created_at=created_at,
            updated_at=created_at,
            mail_status=status,
            next_attempt_at=created_at,
        )
    )
    db.session.commit()


def test_the_outbox_shows_how_many_wait_and_how_long_the_oldest_has(alliance, scrape):
    def outbox() -> tuple[float, float]:
        series = scrape()
        return (
            series["concord_outbox_queued"][0].value,
            series["concord_outbox_oldest_queued_age_seconds"][0].value,
        )

    db.session.query(Notification).delete()
    db.session.commit()
    assert outbox() == (0, 0)
    chief = alliance.chiefs[alliance.partners[0].slug]
    now = utcnow()
    _queue(chief, created_at=now - timedelta(hours=2))
    _queue(chief, created_at=now - timedelta(minutes=5))
    _queue(chief, created_at=now - timedelta(days=3), status="sent")  # delivered: not waiting
    waiting, age = outbox()
    assert waiting == 2
    assert 2 * 3600 <= age < 3 * 3600


def test_pool_use_counts_the_connections_checked_out(tmp_path):
    from prometheus_client import CollectorRegistry

    from app.operations.metrics import CONNECTIONS
    from tests.support.apps import make_app

    def in_use() -> float:
        registry = CollectorRegistry()
        registry.register(CONNECTIONS)
        return registry.get_sample_value("concord_db_connections_in_use")

    app = make_app(f"sqlite:///{tmp_path}/x.db")
    with app.app_context():
        before = in_use()
        held = db.engine.connect()
        assert in_use() == before + 1
        held.close()
        assert in_use() == before
