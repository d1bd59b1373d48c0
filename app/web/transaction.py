"""One way to end a request: the view returns, then one commit; a read never writes.

A view parses the request and calls a service, which writes and flushes; nothing in a view
commits. When the view returns normally, a request that may write (POST, PUT, PATCH, DELETE)
commits here, so a failing commit (the database full or read-only) reaches the error handlers
like any other error. A view that raises leaves the decision to the error handler: a refusal
rolls back, except the record of an audited refusal (app/web/errors.py). A read (GET, HEAD,
OPTIONS) always rolls back: it never writes, even by accident.
"""

from flask import Flask, request

from app.extensions import db

READS = frozenset({"GET", "HEAD", "OPTIONS"})


class TransactionalFlask(Flask):
    def dispatch_request(self):
        result = super().dispatch_request()
        if request.method in READS:
            db.session.rollback()
        else:
            db.session.commit()
        return result
