"""Fixtures for the app tests: an app, its session and a test client, on a real database
(SQLite always; PostgreSQL when DATABASE_URL says), and the standard alliance.

Most tests share one app and one database schema per test process (per pytest-xdist worker) and
run inside a transaction that is rolled back when they end: their sessions, and the requests
they make, work inside SAVEPOINTs, so a commit in the test or in a request is real to the test
and gone afterwards. Two databases serve them, each built once per process: one with the schema
alone, one with the standard alliance committed (Harbourside, Moorland and Riverbank, a chief
officer and a policy officer each, comms and an admin); a test that asks for `alliance` runs on
the second and finds the alliance there.

A test that needs real commits and connections of its own (threads, another process such as
gunicorn or the command line in a subprocess, a database taken away, backups, migrations) is
marked `fresh_db`: its app is made for it on a fresh, empty database, as users' apps are.

Factories and helpers live in tests/support/; no test module imports another.
"""

import functools

import pytest
from flask_migrate import stamp
from werkzeug.security import generate_password_hash

from app.accounts import services as accounts
from app.extensions import SETTINGS, db, limiter
from tests.support.apps import make_app
from tests.support.databases import (
    ON_POSTGRES,
    RUN,
    commits_stay_committed,
    create_postgres_database,
    database_url,
    drop_postgres_database,
    empty_postgres_tables,
    id_restarts,
    joined,
    row_counts,
    transactional_engine,
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


def create_schema() -> None:
    """The tables from the models, stamped as at the newest migration (as `db upgrade` leaves
    them; tests/app/system/test_migrations.py proves the two agree)."""
    db.create_all()
    stamp()


def needs_fresh_database(request) -> bool:
    return request.node.get_closest_marker("fresh_db") is not None


# ---- the shared app and its two databases, once per process ----------------------------------


@pytest.fixture(scope="session")
def _database_directory(tmp_path_factory):
    return tmp_path_factory.mktemp("databases")


@pytest.fixture(scope="session")
def _shared_app(_database_directory):
    """The app the transactional tests share; its sessions join each test's connection."""
    app = make_app(database_url("empty", _database_directory))
    db.session.session_factory.configure(join_transaction_mode="create_savepoint")
    return app


def _shared_database(app, directory, kind: str, build):
    """This process's database `kind`, created, given the schema, `build()` run and committed;
    yields its engine and the statement that restarts its ids; checks it was left untouched."""
    if ON_POSTGRES:
        create_postgres_database(f"{RUN}_{kind}")
    url = database_url(kind, directory)
    engine = transactional_engine(url, **app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    with (
        pytest.MonkeyPatch.context() as patch,
        joined(app, engine),
        app.app_context(),
    ):
        patch.setattr(accounts, "generate_password_hash", QUICK_HASH)
        create_schema()
        build()
        db.session.commit()
        db.session.remove()
    built = row_counts(engine)
    yield engine, id_restarts(engine)
    try:
        left = row_counts(engine)
        assert left == built, f"a test committed into the shared {kind} database: {left}"
    finally:
        engine.dispose()
        if ON_POSTGRES:
            drop_postgres_database(f"{RUN}_{kind}")


@pytest.fixture(scope="session")
def _empty_database(_shared_app, _database_directory):
    yield from _shared_database(_shared_app, _database_directory, "empty", lambda: None)


@pytest.fixture(scope="session")
def _world_database(_shared_app, _database_directory):
    build = functools.partial(Alliance, STANDARD_PARTNERS)
    yield from _shared_database(_shared_app, _database_directory, "world", build)


@pytest.fixture
def _transactional_app(request, _shared_app, monkeypatch):
    """The shared app, inside a transaction on the right database, rolled back at the end."""
    wanted = "_world_database" if "alliance" in request.fixturenames else "_empty_database"
    engine, restart_ids = request.getfixturevalue(wanted)
    app = _shared_app
    app.extensions.pop("concord_pages", None)  # rendered pages belong to one test's data
    # An admin's saved settings are adopted by the process: they end with the test's data.
    monkeypatch.setitem(app.extensions, SETTINGS, app.extensions[SETTINGS])
    url = engine.url.render_as_string(hide_password=False)
    monkeypatch.setitem(app.config, "SQLALCHEMY_DATABASE_URI", url)  # for another_app, say
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            if restart_ids:
                connection.exec_driver_sql(restart_ids)
            with joined(app, connection), commits_stay_committed(connection), app.app_context():
                app.extensions["tests.connection"] = connection
                yield app
                db.session.remove()
        finally:
            app.extensions.pop("tests.connection", None)
            transaction.rollback()


# ---- a fresh database, for the tests that need one ---------------------------------------------


@pytest.fixture(scope="session")
def _fresh_postgres():
    """On PostgreSQL, one database for this process's fresh tests, emptied before each."""
    name = f"{RUN}_fresh"
    create_postgres_database(name)
    app = make_app(database_url("fresh", None))
    with app.app_context():
        create_schema()
        db.engine.dispose()
    yield database_url("fresh", None)
    drop_postgres_database(name)


@pytest.fixture
def _fresh_app(request, tmp_path):
    if ON_POSTGRES:
        url = request.getfixturevalue("_fresh_postgres")
    else:
        url = f"sqlite:///{tmp_path / 'test.db'}"
    app = make_app(url)
    with app.app_context():
        if ON_POSTGRES:
            empty_postgres_tables()
        else:
            create_schema()
        yield app
        db.session.remove()
        db.engine.dispose()


# ---- what tests ask for ------------------------------------------------------------------------


@pytest.fixture
def app(request):
    """The app, with its app context pushed for the whole test."""
    if needs_fresh_database(request):
        return request.getfixturevalue("_fresh_app")
    return request.getfixturevalue("_transactional_app")


@pytest.fixture
def session(app):
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def alliance(app, request) -> Alliance:
    """The standard alliance: Harbourside, Moorland and Riverbank (see tests/support/world.py)."""
    if needs_fresh_database(request):
        return Alliance(STANDARD_PARTNERS)
    return Alliance.found(STANDARD_PARTNERS)


@pytest.fixture
def another_app(app):
    """`another_app(**config)`: a second app on the test's database (inside the test's own
    transaction when it has one), configured otherwise: CSRF on, rate limits on, ..."""
    made = []
    # Flask-Limiter keeps its settings (on or off, its storage) on the one Limiter object, and
    # each create_app sets them anew: the shared app gets its own back afterwards.
    limiter_settings = dict(vars(limiter))

    def make(**overrides):
        other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], **overrides)
        with other.app_context():
            made.append((other, db.engine))
            connection = app.extensions.get("tests.connection")
            if connection is not None:
                db.engines[None] = connection
        return other

    yield make
    for other, engine in made:
        with other.app_context():
            db.session.remove()
        engine.dispose()
    vars(limiter).clear()
    vars(limiter).update(limiter_settings)


@pytest.fixture
def flask_cli(app):
    """`flask_cli("users", "create", ...)`: the command line, in the test's process and app."""
    runner = app.test_cli_runner()
    return lambda *args, **kw: runner.invoke(args=list(args), **kw)


@pytest.fixture
def csrf_app(another_app):
    """A second app on the same database with CSRF protection switched on, as in production."""
    return another_app(WTF_CSRF_ENABLED=True)
