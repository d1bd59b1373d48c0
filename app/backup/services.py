"""Back up and restore the whole database: SQLite's online backup API, PostgreSQL's pg_dump.

A backup is one file: a SQLite database (a consistent copy taken while the app keeps running), or
a pg_dump archive in custom format. A restore replaces everything in the target database, all or
nothing: the backup is restored elsewhere and checked first, so a damaged or foreign file changes
nothing; it refuses a target that holds data unless forced. The connection comes from the app's
database URL; a PostgreSQL password reaches pg_dump and pg_restore through the environment, never
the command line.
"""

import os
import secrets
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, func, inspect, literal, select, table, text
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.search.schema import TEXT_INDEXES

if TYPE_CHECKING:
    from app.alliance.settings import Settings

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
# A migrated but unused database is still empty; the text indexes are derived from the rows.
NOT_DATA = {"alembic_version", *TEXT_INDEXES}
TIMEOUT_SECONDS = 600

# libpq reads these from the environment; URL query options that map onto them.
_LIBPQ_QUERY_OPTIONS = {
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Summary:
    path: Path
    kind: str  # "sqlite" or "postgresql"
    size: int  # bytes in the backup file
    rows: dict[str, int]  # rows per table, in the database backed up or restored

    def describe(self) -> str:
        names = (
            ("positions", "positions"),
            ("revisions", "revisions"),
            ("signoffs", "sign-offs"),
            ("appearances", "appearances"),
            ("audit_events", "audit events"),
        )
        return ", ".join(f"{self.rows[t]} {label}" for t, label in names if t in self.rows)


def kind_of(engine: Engine) -> str:
    name = engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups work on SQLite and PostgreSQL, not on {name}.")
    return name


def kind_of_file(path: Path) -> str:
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is neither a SQLite database nor a pg_dump archive.")


def data_tables(engine: Engine) -> list[str]:
    return sorted(t for t in inspect(engine).get_table_names() if t not in NOT_DATA)


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            name: connection.execute(select(func.count()).select_from(table(name))).scalar_one()
            for name in data_tables(engine)
        }


def tables_with_data(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return [
            name
            for name in data_tables(engine)
            if connection.execute(select(literal(1)).select_from(table(name)).limit(1)).first()
        ]


# ---- create ------------------------------------------------------------------------------------


def create(engine: Engine, path: str | os.PathLike, *, force: bool = False) -> Summary:
    """Write a backup of the whole database to PATH (refusing to overwrite unless forced)."""
    kind = kind_of(engine)
    path = Path(path)
    if path.exists() and not force:
        raise BackupError(f"{path} already exists. Choose a new name, or pass --force to replace.")
    if not path.parent.is_dir():
        raise BackupError(f"There is no directory {path.parent}.")
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        if kind == "sqlite":
            _sqlite_backup(engine, partial)
        else:
            _pg_dump(engine.url, partial)
        partial.chmod(0o600)  # password and token hashes are inside
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return Summary(path, kind, path.stat().st_size, row_counts(engine))


def _sqlite_backup(engine: Engine, target_path: Path) -> None:
    raw = engine.raw_connection()
    try:
        target = sqlite3.connect(target_path)
        try:
            raw.driver_connection.backup(target)  # one step: a consistent snapshot
            target.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
            _check_sqlite(target, target_path)
        finally:
            target.close()
    finally:
        raw.close()


def _check_sqlite(connection: sqlite3.Connection, path: Path) -> None:
    try:
        (verdict,) = connection.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}") from None
    if verdict != "ok":
        raise BackupError(f"{path} failed SQLite's integrity check: {verdict}")


def _pg_dump(url: URL, target_path: Path) -> None:
    _run(
        [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--file={target_path}",
        ],
        env=libpq_environment(url),
        what="pg_dump",
    )
    _run([_tool("pg_restore"), "--list", str(target_path)], what="Checking the archive")


# ---- restore -----------------------------------------------------------------------------------
#
# A restore never works on the live database until the backup has been restored somewhere else
# and checked there: on SQLite into a scratch file beside the target, on PostgreSQL into a fresh
# database on the same server. Only a copy that has the app's schema, the target's schema
# version and an intact audit chain is switched in: SQLite's backup API replaces the target's
# pages in one write transaction; on PostgreSQL two renames in one transaction swap the
# databases. Any failure before the switch leaves the target exactly as it was.

# The server's maintenance database, where databases are created, renamed and dropped.
MAINTENANCE_DATABASE = "postgres"


def restore(
    engine: Engine, path: str | os.PathLike, settings: "Settings", *, force: bool = False
) -> Summary:
    """Replace the database's contents with the backup at PATH, all at once or not at all.
    `settings` are the alliance's, which the check of the restored audit chain reads."""
    kind = kind_of(engine)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file {path}.")
    found = kind_of_file(path)
    if found != kind:
        raise BackupError(f"{path} is a {found} backup; this database is {kind}.")
    if not force and (full := tables_with_data(engine)):
        raise BackupError(
            f"The target database already holds data (in {', '.join(full[:5])}"
            f"{' and more' if len(full) > 5 else ''}). A restore replaces all of it: "
            "pass --force to do that."
        )
    version = schema_version(engine)
    engine.dispose()  # no pooled connection may hold on to the old contents
    if kind == "sqlite":
        _sqlite_restore(engine, path, version, settings)
    else:
        _pg_restore(engine, path, version, settings)
    engine.dispose()
    return Summary(path, kind, path.stat().st_size, row_counts(engine))


def schema_version(engine: Engine) -> str | None:
    """The Alembic revision the database is at; None for a schema made without Alembic."""
    if "alembic_version" not in inspect(engine).get_table_names():
        return None
    with engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_restored(
    candidate: Engine, path: Path, target_version: str | None, settings: "Settings"
) -> dict[str, int]:
    """Refuse a restored copy that the app could not run on, or whose record is not intact."""
    from app.audit.services import verify_chain_of
    from app.extensions import SETTINGS, db

    inspector = inspect(candidate)
    present = set(inspector.get_table_names())
    missing = [t.name for t in db.metadata.sorted_tables if t.name not in present]
    if missing:
        raise BackupError(
            f"{path} is not a Concord backup, or one of another version: it has no "
            f"{', '.join(missing[:5])}{' and more' if len(missing) > 5 else ''} table."
        )
    for model_table in db.metadata.sorted_tables:
        columns = {c["name"] for c in inspector.get_columns(model_table.name)}
        if lacking := [c.name for c in model_table.columns if c.name not in columns]:
            raise BackupError(
                f"{path} is from another version of Concord: its {model_table.name} table has no "
                f"{', '.join(lacking)}."
            )
    version = schema_version(candidate)
    if target_version is not None and version != target_version:
        raise BackupError(
            f"{path} is at schema version {version or 'unknown'}, this database at "
            f"{target_version}. Restore it into a database at that version, then run "
            "`flask db upgrade`."
        )
    # A session of its own on the candidate, carrying the app's settings like db.session does.
    with Session(candidate, info={SETTINGS: settings}) as session:
        verification = verify_chain_of(session)
    if not verification.intact:
        raise BackupError(
            f"{path} holds a broken audit chain ({'; '.join(verification.problems[:3])})."
        )
    return row_counts(candidate)


def _sqlite_restore(
    engine: Engine, source_path: Path, target_version: str | None, settings: "Settings"
) -> None:
    target_path = Path(engine.url.database or "")
    if not target_path.name or str(target_path) == ":memory:":
        raise BackupError("A restore needs a SQLite database in a file.")
    source = _open_sqlite_backup(source_path)
    scratch_dir = tempfile.mkdtemp(prefix=".concord-restore-", dir=target_path.parent)
    scratch_path = Path(scratch_dir) / "candidate.db"
    try:
        try:
            expected = _sqlite_row_counts(source)
            copy = sqlite3.connect(scratch_path)
            try:
                source.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")
            finally:
                copy.close()
        finally:
            source.close()
        candidate = create_engine(f"sqlite:///{scratch_path}")
        try:
            restored = check_restored(candidate, source_path, target_version, settings)
        finally:
            candidate.dispose()
        if {t: restored.get(t) for t in expected} != expected:
            raise BackupError(f"{source_path} did not copy completely.")
        copy = sqlite3.connect(f"file:{scratch_path}?mode=ro", uri=True)
        try:
            raw = engine.raw_connection()
            try:
                copy.backup(raw.driver_connection)  # the target's pages, replaced in one go
            finally:
                raw.close()
        finally:
            copy.close()
    finally:
        shutil.rmtree(scratch_dir, ignore_errors=True)


def _open_sqlite_backup(path: Path) -> sqlite3.Connection:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        _check_sqlite(source, path)
    except BaseException:
        source.close()
        raise
    return source


def _sqlite_row_counts(connection: sqlite3.Connection) -> dict[str, int]:
    names = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        if name not in NOT_DATA
    ]
    return {
        name: connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names
    }


def _pg_restore(
    engine: Engine, source_path: Path, target_version: str | None, settings: "Settings"
) -> None:
    """pg_restore into a fresh database, checked, then swapped in for the target by renaming."""
    url = engine.url
    target = url.database
    _check_pg_archive(source_path)
    candidate_name = f"{target[:40]}_restoring_{secrets.token_hex(4)}"
    previous_name = f"{target[:40]}_replaced_{secrets.token_hex(4)}"
    server = create_engine(url.set(database=MAINTENANCE_DATABASE), isolation_level="AUTOCOMMIT")
    created = False
    try:
        try:
            with server.connect() as connection:
                connection.execute(text(f"CREATE DATABASE {_quoted(candidate_name)}"))
        except DBAPIError as exc:
            raise BackupError(
                "A restore first restores into a fresh database on the same server, and that "
                f"could not be created ({exc.orig}). The database user needs CREATEDB."
            ) from None
        created = True
        _run(
            [
                _tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={candidate_name}",
                str(source_path),
            ],
            env=libpq_environment(url.set(database=candidate_name)),
            what="pg_restore (into a fresh database; the target is untouched)",
        )
        candidate = create_engine(url.set(database=candidate_name))
        try:
            check_restored(candidate, source_path, target_version, settings)
        finally:
            candidate.dispose()
        _swap_databases(server, target, candidate_name, previous_name)
        created = False  # the candidate is the target now
        with server.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {_quoted(previous_name)}"))
    finally:
        if created:
            with server.connect() as connection:
                connection.execute(
                    text(f"DROP DATABASE IF EXISTS {_quoted(candidate_name)} WITH (FORCE)")
                )
        server.dispose()


def _check_pg_archive(path: Path) -> None:
    """The archive's table of contents must be readable and hold the data of every table."""
    from app.extensions import db

    listing = _run([_tool("pg_restore"), "--list", str(path)], what="Reading the archive")
    data = {
        parts[parts.index("DATA") + 2]
        for line in listing.splitlines()
        if not line.startswith(";") and "TABLE DATA" in line
        for parts in [line.split()]
    }
    missing = [t.name for t in db.metadata.sorted_tables if t.name not in data]
    if missing:
        raise BackupError(
            f"{path} is not a Concord backup, or one of another version: it holds no data for "
            f"{', '.join(missing[:5])}{' and more' if len(missing) > 5 else ''}."
        )


def _swap_databases(server: Engine, target: str, candidate: str, previous: str) -> None:
    """Both renames in one transaction: the target is either the old database or the new."""
    with server.connect() as connection:
        others = connection.execute(
            text(
                "SELECT COUNT(*) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": target},
        ).scalar_one()
        if others:
            raise BackupError(
                f"{others} other connection(s) are open to {target}: stop the app and any other "
                "clients, then run the restore again."
            )
        try:
            connection.exec_driver_sql("BEGIN")
            connection.execute(
                text(f"ALTER DATABASE {_quoted(target)} RENAME TO {_quoted(previous)}")
            )
            connection.execute(
                text(f"ALTER DATABASE {_quoted(candidate)} RENAME TO {_quoted(target)}")
            )
            connection.exec_driver_sql("COMMIT")
        except DBAPIError as exc:
            connection.exec_driver_sql("ROLLBACK")
            raise BackupError(f"Could not switch to the restored database ({exc.orig}).") from None


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# ---- running the PostgreSQL tools ---------------------------------------------------------------


def libpq_environment(url: URL) -> dict[str, str]:
    """The environment for pg_dump, pg_restore and psql: the URL's connection, as libpq reads."""
    env = dict(os.environ)
    parts = {
        "PGHOST": url.host,
        "PGPORT": url.port,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }
    for option, variable in _LIBPQ_QUERY_OPTIONS.items():
        value = url.query.get(option)
        if value is not None:
            parts[variable] = value if isinstance(value, str) else value[0]
    env.update({k: str(v) for k, v in parts.items() if v not in (None, "")})
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed; install the PostgreSQL client tools (postgresql-client)."
        )
    return found


def _run(command: list[str], *, what: str, env: dict | None = None, stdin=None) -> str:
    try:
        result = subprocess.run(
            command,
            env=env,
            stdin=stdin,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BackupError(f"{what} did not finish within {TIMEOUT_SECONDS} seconds.") from None
    if result.returncode != 0:
        raise BackupError(f"{what} failed: {result.stderr.strip() or result.stdout.strip()}")
    return result.stdout
