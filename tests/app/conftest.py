"""Fixtures for the app tests: an app on a fresh database (SQLite always; PostgreSQL when
DATABASE_URL says), its session, a test client and the standard alliance.

Factories and helpers live in tests/support/; no test module imports another.
"""

import functools

import pytest
from werkzeug.security import generate_password_hash

from app.accounts import services as accounts
from app.extensions import db
from tests.support.apps import make_app
from tests.support.databases import (
    ON_POSTGRES,
    RUN,
    create_postgres_database,
    database_url,
    drop_postgres_database,
    empty_postgres_tables,
)
from tests.support.world import STANDARD_PARTNERS, Alliance

QUICK_HASH = functools.partial(generate_password_hash, method="pbkdf2:sha256:1000")


@pytest.fixture(autouse=True)
def _quick_password_hashing(request, monkeypatch):
    """Werkzeug's default hash costs ~70 ms a user; the suite makes hundreds of users.

    Still werkzeug's hashing, with fewer rounds. A test that asks for the fixture
    `real_password_hashing` gets the production default (see accounts/test_services.py).
    """
    if "real_password_hashing" in request.fixturenames:
        return
    monkeypatch.setattr(accounts, "generate_password_hash", QUICK_HASH)


@pytest.fixture
def real_password_hashing():
    return accounts.generate_password_hash


# ---- a fresh database, for the tests that need one ---------------------------------------------


@pytest.fixture(scope="session")
def _fresh_postgres():
    """On PostgreSQL, one database for this process's fresh tests, emptied before each."""
    name = f"{RUN}_fresh"
    create_postgres_database(name)
    app = make_app(database_url("fresh", None))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    yield database_url("fresh", None)
    drop_postgres_database(name)


@pytest.fixture
def app(request, tmp_path):
    """The app, with its app context pushed for the whole test."""
    if ON_POSTGRES:
        url = request.getfixturevalue("_fresh_postgres")
    else:
        url = f"sqlite:///{tmp_path / 'test.db'}"
    app = make_app(url)
    with app.app_context():
        if ON_POSTGRES:
            empty_postgres_tables()
        else:
            db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def session(app):
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def alliance(app) -> Alliance:
    """The standard alliance: Harbourside, Moorland and Riverbank (see tests/support/world.py)."""
    return Alliance(STANDARD_PARTNERS)


@pytest.fixture
def another_app(app):
    """`another_app(**config)`: a second app on the test's database, configured otherwise:
    CSRF on, rate limits on, ..."""
    made = []

    def make(**overrides):
        other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], **overrides)
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def flask_cli(app):
    """`flask_cli("users", "create", ...)`: the command line, in the test's process and app."""
    runner = app.test_cli_runner()
    return lambda *args, **kw: runner.invoke(args=list(args), **kw)


@pytest.fixture
def csrf_app(another_app):
    """A second app on the same database with CSRF protection switched on, as in production."""
    return another_app(WTF_CSRF_ENABLED=True)
