"""One log line per request, and one per recorded event, tied together by the request's id.

Each request gets an id (a trusted proxy's X-Request-ID when PROXY_COUNT says there is one in
front, else a fresh one), sent back as X-Request-ID. When the request ends, one line says what
was asked and how it went: method, route, status, duration, and the signed-in person's id. Never
an email, a password, a token or any text a person wrote: the line has no place for them.
Events (what the audit record says happened: a sign-off, a publication) are logged once their
transaction has committed, so a line never reports what was rolled back.

In a terminal (`make run`) the lines are short and readable; elsewhere they are JSON.
"""

import json
import logging
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, g, has_request_context, request
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

REQUESTS = logging.getLogger("concord.requests")
EVENTS = logging.getLogger("concord.events")
_PENDING = "concord_logged_events"
_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class ReadableLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = " ".join(f"{k}={v}" for k, v in getattr(record, "fields", {}).items())
        return f"{record.levelname[0]} {record.getMessage()} {fields}".rstrip()


FORWARDED_SEEN = "forwarded-headers-seen"


def note_forwarded_headers(app: Flask) -> None:
    """A proxy is in front but PROXY_COUNT says none: leave a mark for `flask doctor`, once."""
    if app.extensions.get(FORWARDED_SEEN):
        return
    app.extensions[FORWARDED_SEEN] = True
    try:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        (Path(app.instance_path) / FORWARDED_SEEN).touch()
    except OSError:
        pass  # a read-only instance folder: the doctor cannot be told, nothing else breaks
    REQUESTS.warning("X-Forwarded-For arrives but PROXY_COUNT is 0: forwarded headers ignored")


def log_refusal(refused) -> None:
    """A refusal, by its code and kind (never its message: it may quote what was typed)."""
    EVENTS.info(
        "refused",
        extra={"fields": {"request_id": request_id(), "code": refused.code, "kind": refused.kind}},
    )


def _trusted_id(app: Flask) -> str | None:
    """A proxy's request id, only when a proxy is configured, and only if it looks like an id."""
    if not app.config.get("PROXY_COUNT"):
        return None
    sent = request.headers.get("X-Request-ID", "")
    return sent if 0 < len(sent) <= 64 and set(sent) <= _ID_CHARS else None


def _id_of(user) -> int | None:
    """A signed-in person's id, from the identity map: reading `user.id` after the request's
    rollback would load the row again."""
    state = inspect(user, raiseerr=False) if user is not None else None
    return state.identity[0] if state is not None and state.identity else None


def init_app(app: Flask) -> None:
    if not app.config.get("LOG_QUIET"):
        handler = logging.StreamHandler(sys.stderr)
        readable = app.config.get("LOG_FORMAT") == "text" or (
            app.config.get("LOG_FORMAT") is None and sys.stderr.isatty()
        )
        handler.setFormatter(ReadableLines() if readable else JsonLines())
        for logger in (REQUESTS, EVENTS):
            logger.handlers[:] = [handler]
            logger.setLevel(logging.INFO)
            logger.propagate = False

    @app.before_request
    def start():
        g.request_id = _trusted_id(app) or uuid.uuid4().hex
        g.request_started = time.perf_counter()
        if not app.config.get("PROXY_COUNT") and "X-Forwarded-For" in request.headers:
            note_forwarded_headers(app)

    @app.after_request
    def finish(response):
        # An earlier before_request hook may have refused the request before `start` ran.
        g.setdefault("request_id", uuid.uuid4().hex)
        started = g.get("request_started")
        response.headers["X-Request-ID"] = g.request_id
        # The person only if the request already loaded them: logging never asks the database.
        user = g.get("_login_user")
        REQUESTS.info(
            "%s %s %s",
            request.method,
            request.url_rule.rule if request.url_rule else "(no route)",
            response.status_code,
            extra={
                "fields": {
                    "request_id": g.request_id,
                    "method": request.method,
                    "route": request.url_rule.rule if request.url_rule else None,
                    "endpoint": request.endpoint,
                    "status": response.status_code,
                    "duration_ms": (
                        round((time.perf_counter() - started) * 1000, 2) if started else None
                    ),
                    "user_id": _id_of(user),
                    "client": request.remote_addr,  # the proxy's view of it, under PROXY_COUNT
                }
            },
        )
        return response


@event.listens_for(Session, "after_flush")
def _note_events(session: Session, flush_context) -> None:
    from app.audit.models import AuditEvent

    for row in session.new:
        if isinstance(row, AuditEvent):
            session.info.setdefault(_PENDING, []).append(
                {
                    "action": row.action,
                    "object_type": row.object_type,
                    "object_id": row.object_id,
                    "actor_id": row.actor_id,
                    "seq": row.seq,
                }
            )


@event.listens_for(Session, "after_commit")
def _log_events(session: Session) -> None:
    from app.operations import metrics

    for fields in session.info.pop(_PENDING, []):
        metrics.count_event(fields["action"])
        EVENTS.info(fields["action"], extra={"fields": {"request_id": request_id(), **fields}})


@event.listens_for(Session, "after_rollback")
def _forget_events(session: Session) -> None:
    session.info.pop(_PENDING, None)
