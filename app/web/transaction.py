"""One way to end a request: the view returns, then one commit; a read never writes.

A view parses the request and calls a service, which writes and flushes; nothing in a view
commits. When the view returns normally, a request that may write (POST, PUT, PATCH, DELETE)
commits here, so a failing commit (the database full or read-only) reaches the error handlers
like any other error. A view that raises leaves the decision to the error handler: a refusal
rolls back, except the record of an audited refusal (app/web/errors.py). A read (GET, HEAD,
OPTIONS) always rolls back: it never writes, even by accident.
"""

import click
from flask import Flask, request

from app.extensions import db
from positions.refusals import Refused

READS = frozenset({"GET", "HEAD", "OPTIONS"})


class TransactionalFlask(Flask):
    def dispatch_request(self):
        result = super().dispatch_request()
        if request.method in READS:
            db.session.rollback()
        else:
            db.session.commit()
        return result


def command_commits(change, options: dict[str, str] | None = None):
    """A command line's unit of work, as a request's: one commit, or on a refusal a rollback
    and the refusal's message with exit status 1. `options` maps a refused field to the option
    that gave it: that refusal is bad usage (exit status 2, naming the option)."""
    try:
        result = change()
    except Refused as exc:
        db.session.rollback()
        if options and exc.field in options:
            raise click.BadParameter(exc.message, param_hint=options[exc.field]) from None
        raise click.ClickException(exc.message) from None
    db.session.commit()
    return result
