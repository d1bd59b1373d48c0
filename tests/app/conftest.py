"""Fixtures for the app tests. Builders live in tests/app/builders.py."""

import functools

import pytest
from werkzeug.security import generate_password_hash

from app import create_app
from app.accounts import services as accounts
from app.extensions import db
from config import TestConfig


@pytest.fixture(autouse=True)
def _quick_password_hashing(request, monkeypatch):
    """Werkzeug's default hash costs ~70 ms a user; the suite makes hundreds of users.

    Still werkzeug's hashing, with fewer rounds. A test that asks for the fixture
    `real_password_hashing` gets the production default (see test_accounts.py).
    """
    if "real_password_hashing" in request.fixturenames:
        return
    quick = functools.partial(generate_password_hash, method="pbkdf2:sha256:1000")
    monkeypatch.setattr(accounts, "generate_password_hash", quick)


@pytest.fixture
def real_password_hashing():
    return accounts.generate_password_hash


@pytest.fixture
def csrf_app(app):
    """A second app on the same database with CSRF protection switched on, as in production."""
    protected = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        WTF_CSRF_ENABLED=True,
    )
    yield protected
    with protected.app_context():
        db.session.remove()
        db.engine.dispose()
