"""The database going away, filling up or turning read-only: a clear 503, never a traceback.

A page answers with what happened and, when a form was sent, everything the user typed (except
passwords) in a form that sends it again, so nothing typed is lost. The API answers the usual
JSON error. Both carry Retry-After. Connections come back by themselves: the pool pings each one
before use (pool_pre_ping) and replaces the dead.
"""

from dataclasses import dataclass

from flask import Flask, current_app, g, render_template, request
from sqlalchemy.exc import InterfaceError, InternalError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import ServiceUnavailable

from app.extensions import db, login_manager

RETRY_AFTER_SECONDS = 10

# What SQLite and PostgreSQL say when they can be read but not written.
_CANNOT_WRITE = (
    "readonly database",
    "read-only",
    "disk is full",
    "disk full",
    "no space left",
    "could not extend",
    "quota",
)
_NEVER_ECHOED = ("csrf_token", "password")  # field names containing these are not shown again
_INTERNAL_FIELDS = {"base_revision", "revision", "next"}

_LAST_RESORT = (
    "<!doctype html><html lang='en-GB'><head><meta charset='utf-8'>"
    "<title>Database unavailable · Concord</title></head><body><main>"
    "<h1>Concord can't reach its database</h1>"
    "<p>Nothing was changed. Please try again in a minute.</p></main></body></html>"
)


@dataclass(frozen=True)
class KeptField:
    name: str
    value: str

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()

    @property
    def hidden(self) -> bool:
        return self.name in _INTERNAL_FIELDS or not self.value.strip() or self.value.isdigit()

    @property
    def long(self) -> bool:
        return "\n" in self.value or len(self.value) > 80


def _first_line(exc: Exception) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def cannot_write(exc: Exception) -> bool:
    """True when the database answers but refuses writes (full disk, read-only file)."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    return any(marker in text for marker in _CANNOT_WRITE)


def kept_fields() -> list[KeptField]:
    """What the user sent in a form, in order, ready to be sent again."""
    if request.method != "POST" or request.path.startswith("/api/"):
        return []
    return [
        KeptField(name, value)
        for name, value in request.form.items(multi=True)
        if not any(word in name.lower() for word in _NEVER_ECHOED)
    ]


def _rollback() -> None:
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection is gone; the pool will replace it
        db.session.close()


def _render(**context) -> str:
    """The page, signed in as usual if the user can still be loaded, else as a visitor."""
    try:
        return render_template("errors/unavailable.html", **context)
    except SQLAlchemyError:
        _rollback()
    g._login_user = login_manager.anonymous_user()  # Flask-Login's cache: stop asking the db
    try:
        return render_template("errors/unavailable.html", **context)
    except SQLAlchemyError:
        _rollback()
        return _LAST_RESORT


def database_fault(exc: Exception):
    from app.api.errors import json_error

    _rollback()
    readonly = cannot_write(exc)
    current_app.logger.warning(
        "Database %s on %s %s: %s",
        "refused a write" if readonly else "unavailable",
        request.method,
        request.path,
        _first_line(exc),
    )
    if request.path.startswith("/api/"):
        if readonly:
            response = json_error(
                503,
                "database_not_writable",
                "The database is full or read-only, so nothing was saved. Try again later.",
            )
        else:
            response = json_error(
                503,
                "database_unavailable",
                "The database is not answering, so nothing was read or saved. "
                "Try again in a minute.",
            )
    else:
        response = current_app.make_response(
            (_render(error=ServiceUnavailable(), readonly=readonly, kept=kept_fields()), 503)
        )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def read_only_transaction(exc: InternalError):
    """PostgreSQL in read-only mode (a standby after failover, or default_transaction_read_only)
    says so with SQLSTATE 25006, which the driver files under InternalError."""
    if getattr(getattr(exc, "orig", None), "sqlstate", None) == "25006":
        return database_fault(exc)
    raise exc  # any other internal error is a real fault: the usual 500


def register(app: Flask) -> None:
    for error in (OperationalError, InterfaceError, PoolTimeout):
        app.register_error_handler(error, database_fault)
    app.register_error_handler(InternalError, read_only_transaction)
