"""Small helpers every blueprint's views share."""

from flask import flash

from app.errors import ServiceError
from app.extensions import db


def form_refused(form, error: ServiceError) -> int:
    """Put a service's refusal on the form, keeping every typed value; return the status."""
    db.session.rollback()
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")
    return error.status
