"""The first run: while no admin exists, `/` leads to a set-up page guarded by a one-time token.

The token is made at start-up into the instance folder (so every worker of one server shares it)
and printed to the server log; the page asks for it, so a fresh server on a public address is
never an open door. Set-up done, the file goes and the page answers 404.
"""

import hmac
import secrets
from pathlib import Path

import click
from flask import Flask, current_app, redirect, request, url_for
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db

SETUP_TOKEN = "concord.setup_token"  # in app.extensions while set-up is pending


def token_file(app: Flask) -> Path:
    return Path(app.config.get("SETUP_TOKEN_FILE") or Path(app.instance_path) / "setup_token")


def prepare(app: Flask) -> None:
    """At start-up: with no admin yet, make (or reuse) the set-up token and say where to go."""
    from app.alliance.services.administration import has_admin

    if not app.config.get("SETUP_ON_FIRST_RUN", True) or not _serving():
        return
    path = token_file(app)
    with app.app_context():
        try:
            if not inspect(db.engine).has_table("users"):
                return  # not migrated yet (a first `db upgrade`)
            if has_admin(db.session):
                path.unlink(missing_ok=True)  # set up already, perhaps by `alliance init`
                return
        except SQLAlchemyError:
            return
        finally:
            db.session.remove()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(24))
        path.chmod(0o600)
    token = path.read_text().strip()
    app.extensions[SETUP_TOKEN] = token
    app.logger.warning(
        "Concord has no admin yet. Set up your alliance at /setup?token=%s "
        "(this link works until set-up is done).",
        token,
    )


def _serving() -> bool:
    """A process that will answer requests: a WSGI server (no command line), or `flask run`.

    Other commands (`db upgrade`, `demo load`, `alliance init`) may leave the alliance set up by
    the time they end, so a link printed there would only mislead.
    """
    command = click.get_current_context(silent=True)
    return command is None or command.info_name == "run"


def pending(app: Flask) -> str | None:
    return app.extensions.get(SETUP_TOKEN)


def token_matches(given: str | None) -> bool:
    token = pending(current_app)
    return bool(token and given) and hmac.compare_digest(token.encode(), given.encode())


def finished(app: Flask) -> None:
    """Set-up is done (here or in another worker): the token stops working everywhere."""
    app.extensions.pop(SETUP_TOKEN, None)
    token_file(app).unlink(missing_ok=True)


def register(app: Flask) -> None:
    @app.before_request
    def lead_to_setup():
        # Only the front door leads there, and only while a token is pending: no query per page.
        if request.endpoint == "dashboard.index" and pending(app):
            return redirect(url_for("setup.start"))
        return None
