"""Refusals on the web: the one place a Refused becomes a status, a JSON error, a page or a form.

The core and the services raise positions.refusals.Refused; nothing else translates it.
"""

from flask import flash, render_template, request

from app.extensions import db
from app.operations.logging import log_refusal
from positions.refusals import Kind, Refused

STATUS = {
    Kind.INVALID: 400,
    Kind.UNAUTHORISED: 401,
    Kind.FORBIDDEN: 403,
    Kind.NOT_FOUND: 404,
    Kind.CONFLICT: 409,
    Kind.TOO_LARGE: 413,
}


def status_of(refused: Refused) -> int:
    return STATUS[refused.kind]


def wants_json() -> bool:
    return request.path.startswith("/api/")


def finish(refused: Refused) -> None:
    """A refusal writes nothing, except the record of an audited refusal, which is kept."""
    log_refusal(refused)
    if refused.audited:
        db.session.commit()
    else:
        db.session.rollback()


def respond(refused: Refused):
    """The answer to a refusal nobody caught: {"error": {...}} for the API, else the error page."""
    from app.api.errors import json_error  # late: the API package imports every feature

    finish(refused)
    status = status_of(refused)
    if wants_json():
        named = {"partners": list(refused.partners)} if refused.partners else {}
        if refused.field:
            named["field"] = refused.field
        return json_error(status, refused.code, refused.message, **named, **refused.extra)
    return render_template("errors/error.html", error=refused, status=status), status


def form_refused(form, refused: Refused, fallback: str | None = None) -> int:
    """Put a refusal on the form, keeping every typed value; return the status.

    It goes on the field it names, else on the `fallback` field, else in a message above.
    """
    finish(refused)
    field = getattr(form, refused.field, None) if refused.field else None
    if field is None and fallback:
        field = getattr(form, fallback)
    if field is not None:
        field.errors = [*field.errors, refused.message]
    else:
        flash(refused.message, "error")
    return status_of(refused)


def flash_refused(refused: Refused) -> int:
    """Say no in a message on the next page (for actions that redirect); return the status."""
    finish(refused)
    flash(refused.message, "error")
    return status_of(refused)
