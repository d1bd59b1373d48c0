"""Metrics for Prometheus at /metrics, behind a bearer token (METRICS_TOKEN; no token, no page).

Request latency per endpoint, answers by status, database connections in use, every recorded
event by action (sign-offs, publications...), the mail outbox (messages waiting, and how long the
oldest has waited), and the positions awaiting each partner's decision, one series per partner
(labels, never ranks). Under gunicorn, set PROMETHEUS_MULTIPROC_DIR to an
empty directory for the workers to share (deploy/gunicorn.conf.py does), so that a scrape sees
every worker's counts, not only those of the worker that answered.
"""

import hmac
import os
import time

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import event, exists, func, select
from sqlalchemy.orm import aliased

from app.extensions import db, limiter, utcnow

bp = Blueprint("metrics", __name__)

LATENCY = Histogram(
    "concord_request_duration_seconds",
    "Time to answer a request, by endpoint.",
    ["endpoint", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
ANSWERS = Counter("concord_requests", "Requests answered, by status.", ["endpoint", "status"])
EVENTS = Counter("concord_events", "Events on the audit record, by action.", ["action"])
CONNECTIONS = Gauge(
    "concord_db_connections_in_use",
    "Database connections checked out of the pool.",
    multiprocess_mode="livesum",
)


def count_event(action: str) -> None:
    EVENTS.labels(action=action).inc()


class AwaitingDecision:
    """Open positions whose current text still waits for each required partner's decision."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        from app.alliance.models import Partner
        from app.alliance.settings import clock_of
        from app.drafting.models import Position, SignOff
        from positions import consensus as core

        family = GaugeMetricFamily(
            "concord_positions_awaiting_decision",
            "Open positions whose current text awaits this partner's decision.",
            labels=["partner"],
        )
        with self.app.app_context():
            session = db.session
            partners = core.required_signatories(
                [p.as_core() for p in session.execute(select(Partner)).scalars()],
                clock_of(session).today(),
            )
            for partner in core.neutral_order(partners):
                latest = aliased(SignOff)
                newest = (
                    select(func.max(SignOff.id))
                    .where(SignOff.position_id == Position.id, SignOff.partner_id == partner.id)
                    .correlate(Position)
                    .scalar_subquery()
                )
                settled = (
                    exists()
                    .where(
                        latest.id == newest,
                        (latest.decision == core.Decision.OBJECT)
                        | (latest.revision_id == Position.current_revision_id),
                    )
                    .correlate(Position)
                )
                waiting = session.execute(
                    select(func.count(Position.id)).where(
                        Position.status.in_(core.IN_PROGRESS_STATUSES), ~settled
                    )
                ).scalar_one()
                family.add_metric([partner.slug], waiting)
            session.remove()
        yield family


class Outbox:
    """Mail waiting for a sender: how many, and the age of the oldest. A sender that stopped
    shows as an age that only grows; one that cannot keep up, as a count that only grows."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        from app.notifications.models import MailStatus, Notification

        with self.app.app_context():
            waiting, oldest = db.session.execute(
                select(func.count(Notification.id), func.min(Notification.created_at)).where(
                    Notification.mail_status == MailStatus.QUEUED
                )
            ).one()
            db.session.remove()
        age = max((utcnow() - oldest).total_seconds(), 0.0) if oldest else 0.0
        yield GaugeMetricFamily(
            "concord_outbox_queued", "Messages waiting to be mailed (due or retrying).", waiting
        )
        yield GaugeMetricFamily(
            "concord_outbox_oldest_queued_age_seconds",
            "How long the oldest message waiting to be mailed has waited (0 when none waits).",
            age,
        )


def _registry(app: Flask) -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        for metric in (LATENCY, ANSWERS, EVENTS, CONNECTIONS):
            registry.register(metric)
    registry.register(AwaitingDecision(app))
    registry.register(Outbox(app))
    return registry


@bp.get("/metrics")
@limiter.exempt
def metrics():
    token = current_app.config.get("METRICS_TOKEN")
    if not token:
        abort(404)
    scheme, _, sent = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(sent.strip(), token):
        abort(401)
    body = generate_latest(_registry(current_app._get_current_object()))
    return Response(body, mimetype=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


def init_app(app: Flask) -> None:
    @app.before_request
    def start_timer():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def observe(response):
        endpoint = request.endpoint or "(no route)"
        if endpoint != "metrics.metrics" and "metrics_started" in g:
            LATENCY.labels(endpoint, request.method).observe(
                time.perf_counter() - g.metrics_started
            )
            ANSWERS.labels(endpoint, str(response.status_code)).inc()
        return response

    with app.app_context():
        engine = db.engine
    if not event.contains(engine.pool, "checkout", _checked_out):
        event.listen(engine.pool, "checkout", _checked_out)
        event.listen(engine.pool, "checkin", _checked_in)


def _checked_out(*_):
    CONNECTIONS.inc()


def _checked_in(*_):
    CONNECTIONS.dec()
