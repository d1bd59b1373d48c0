"""The test databases: SQLite always, PostgreSQL when DATABASE_URL points at one.

Each test process (each pytest-xdist worker) has databases of its own, so parallel workers and
parallel runs on one PostgreSQL server never collide: PostgreSQL databases are named after the
process (`concord_test_<pid>_<kind>`), SQLite files live in the session's temporary directory.

Most tests run inside a transaction on a database built once per process and never commit for
real (see `joined`); the few that need real commits and connections of their own get a fresh,
empty database (`fresh_url`).
"""

import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import URL, Connection, Engine, make_url

from app.extensions import db

POSTGRES_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = POSTGRES_URL.startswith("postgres")
RUN = f"concord_test_{os.getpid()}"


def server_url() -> URL:
    """The PostgreSQL server of DATABASE_URL, with the psycopg driver named."""
    return make_url(POSTGRES_URL).set(drivername="postgresql+psycopg")


def postgres_url(name: str) -> str:
    return server_url().set(database=name).render_as_string(hide_password=False)


def database_url(kind: str, directory: Path | None) -> str:
    """The URL of this process's database `kind`: `RUN_kind` on PostgreSQL, else a file."""
    if ON_POSTGRES:
        return postgres_url(f"{RUN}_{kind}")
    assert directory is not None, "a SQLite database needs a directory"
    return f"sqlite:///{directory / f'{kind}.db'}"


@contextmanager
def postgres_admin() -> Iterator[Connection]:
    """A connection to the server's maintenance database, outside any transaction."""
    admin = create_engine(server_url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            yield connection
    finally:
        admin.dispose()


def create_postgres_database(name: str) -> None:
    with postgres_admin() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))


def drop_postgres_database(name: str) -> None:
    with postgres_admin() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def throwaway_database(kind: str, directory: Path) -> Iterator[str]:
    """A database with nothing in it, for one test: a SQLite file in `directory`, or a
    PostgreSQL database of its own (`RUN_kind`), dropped when the block ends."""
    if not ON_POSTGRES:
        yield database_url(kind, directory)
        return
    name = f"{RUN}_{kind}"
    create_postgres_database(name)
    try:
        yield postgres_url(name)
    finally:
        drop_postgres_database(name)


def id_restarts(engine: Engine) -> str | None:
    """PostgreSQL: one statement that sets every id sequence back to just after the rows there
    now. setval() is outside transactions, so ids restart the same for every test, as they do on
    SQLite after a rollback; a test never finds an id another test used. None on SQLite."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        sequences = connection.execute(
            text(
                "SELECT table_name, column_name, "
                "pg_get_serial_sequence(quote_ident(table_name), column_name) "
                "FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND pg_get_serial_sequence(quote_ident(table_name), column_name) IS NOT NULL"
            )
        ).all()
        restarts = [
            (
                sequence,
                connection.execute(
                    text(f'SELECT COALESCE(MAX("{column}"), 0) + 1 FROM "{table}"')
                ).scalar_one(),
            )
            for table, column, sequence in sequences
        ]
    if not restarts:
        return None
    return "SELECT " + ", ".join(f"setval('{seq}', {start}, false)" for seq, start in restarts)


def row_counts(engine: Engine) -> dict[str, int]:
    """How many rows each table holds, as committed."""
    with engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in db.metadata.sorted_tables
        }


def empty_postgres_tables() -> None:
    """Every table of the current app's PostgreSQL database emptied, identities restarted."""
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


def transactional_engine(url: str, **options) -> Engine:
    """An engine whose connections can hold one transaction around a whole test.

    pysqlite, left to itself, emits no BEGIN until the first write, so a SAVEPOINT would start
    the transaction and its RELEASE would commit it. Here the driver's own transaction handling
    is switched off and SQLAlchemy's begin() emits BEGIN, the recipe of SQLAlchemy's SQLite
    dialect documentation ("Serializable isolation / Savepoints / Transactional DDL").
    """
    engine = create_engine(url, **options)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def no_driver_transactions(dbapi_connection, connection_record):
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def begin(connection):
            connection.exec_driver_sql("BEGIN")

    return engine


@contextmanager
def joined(app, bind: Engine | Connection) -> Iterator[None]:
    """Every session of `app` (in any app context) works on `bind` while the block runs.

    Flask-SQLAlchemy's sessions find their engine in `db.engines`; put a connection there and
    they use it. With `join_transaction_mode="create_savepoint"` (set on db.session's factory in
    tests/app/conftest.py) a session joining a connection that is already in a transaction
    works inside a SAVEPOINT: its commit releases the savepoint, its rollback rolls back to it,
    and nothing is committed for real until the connection's own transaction is.
    """
    with app.app_context():
        engines = db.engines
    saved = engines[None]
    engines[None] = bind
    try:
        yield
    finally:
        engines[None] = saved


@contextmanager
def commits_stay_committed(connection: Connection) -> Iterator[None]:
    """A session's commit on `connection` survives every other session's rollback.

    Requests made in an app context other than the test's own (a second app, the command line
    runner, `with app.app_context()`) have sessions of their own, each in a SAVEPOINT of its
    own on the one connection. When one of them commits, its savepoint is released into the
    savepoints of the sessions that were already open; a later rollback of one of those would
    undo that commit, which in production is impossible. So after each commit, the savepoints
    still open are moved past it: released and taken again, under the same names.

    That is only what production would do while those other sessions have written nothing
    uncommitted (had they, on SQLite the commit could not even have happened). If one has, the
    test cannot be run in a transaction: it fails here, asking to be marked `fresh_db`.
    """
    sessions: weakref.WeakSet = weakref.WeakSet()
    writing: weakref.WeakSet = weakref.WeakSet()  # sessions with uncommitted writes sent

    def joined(session, transaction, bind):
        if bind is connection:
            sessions.add(session)

    def flushed(session, flush_context):
        writing.add(session)

    def executed(state):
        if state.is_insert or state.is_update or state.is_delete:
            writing.add(state.session)

    def ended(session, transaction):
        if transaction.parent is None:
            writing.discard(session)

    def after_commit(committed):
        if committed not in sessions or committed.get_nested_transaction() is not None:
            return  # not this connection's, or a savepoint of the session's own (begin_nested)
        for other in sessions:
            if other is not committed and (other in writing or other.new or other.dirty):
                raise RuntimeError(
                    "a session committed while another on the same connection held uncommitted "
                    "writes: mark this test fresh_db, it needs connections of its own"
                )
        savepoints, nested = [], connection._nested_transaction
        while nested is not None:
            savepoints.append(nested._savepoint)
            nested = nested._previous_nested
        if savepoints:
            connection.exec_driver_sql(f"RELEASE SAVEPOINT {savepoints[-1]}")
            for name in reversed(savepoints):
                connection.exec_driver_sql(f"SAVEPOINT {name}")

    listeners = {
        "after_begin": joined,
        "after_flush": flushed,
        "do_orm_execute": executed,
        "after_transaction_end": ended,
        "after_commit": after_commit,
    }
    factory = db.session.session_factory
    for name, listener in listeners.items():
        event.listen(factory, name, listener)
    try:
        yield
    finally:
        for name, listener in listeners.items():
            event.remove(factory, name, listener)
