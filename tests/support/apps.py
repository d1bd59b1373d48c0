"""Apps for the tests: the real create_app with the test configuration."""

import tempfile

from flask import Flask, g

from app import create_app
from config import TestConfig


def make_app(database_url: str, config=TestConfig, **overrides) -> Flask:
    """create_app(config) on `database_url`, ready for tests that hold an app context open."""
    app = create_app(config, SQLALCHEMY_DATABASE_URI=database_url, **overrides)
    app.instance_path = tempfile.mkdtemp(prefix="concord-test-instance-")  # never the real one
    forget_user_after_each_request(app)
    return app


def forget_user_after_each_request(app: Flask) -> None:
    """Tests hold one app context open, and requests reuse it; without this, Flask-Login's
    cached user (kept on `g`) would follow one test client into another client's requests."""

    @app.teardown_request
    def forget_user(exc):
        g.pop("_login_user", None)
