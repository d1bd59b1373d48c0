"""Running Concord: health and readiness, request logs, metrics, error reports, the doctor."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    from app.operations import logging, metrics

    hops = app.config.get("PROXY_COUNT") or 0
    if hops:  # without proxies in front, X-Forwarded-* is whatever a client chose to send
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    logging.init_app(app)
    metrics.init_app(app)
    if app.config.get("SENTRY_DSN"):
        _report_errors_to_sentry(app.config["SENTRY_DSN"])


def scrub_event(event, hint):
    """Nothing a person typed or sent leaves: no bodies, cookies, headers or user fields, and
    the route instead of the address (a link's path may hold a sign-in token)."""
    from flask import has_request_context
    from flask import request as current

    request = event.get("request") or {}
    for key in ("data", "cookies", "headers", "query_string", "env", "url"):
        request.pop(key, None)
    if has_request_context() and current.url_rule is not None:
        request["url"] = current.url_rule.rule
    event.pop("user", None)
    return event


def _report_errors_to_sentry(dsn: str) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration

    sentry_sdk.init(
        dsn=dsn,
        integrations=[FlaskIntegration()],
        send_default_pii=False,
        before_send=scrub_event,
        traces_sample_rate=0,
    )
