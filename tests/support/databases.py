"""The test databases: SQLite always, PostgreSQL when DATABASE_URL points at one.

Each test process (each pytest-xdist worker) has databases of its own, so parallel workers and
parallel runs on one PostgreSQL server never collide: PostgreSQL databases are named after the
process (`concord_test_<pid>_<kind>`), SQLite files live in the session's temporary directory.

"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, Connection, make_url

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


def empty_postgres_tables() -> None:
    """Every table of the current app's PostgreSQL database emptied, identities restarted."""
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with db.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
