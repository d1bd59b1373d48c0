"""Back up and restore the whole database: SQLite's online backup API, PostgreSQL's pg_dump.

A backup is one file: a SQLite database (a consistent copy taken while the app keeps running), or
a pg_dump archive in custom format. A restore replaces everything in the target database, in one
transaction, so a failed restore changes nothing; it refuses a target that holds data unless
forced. The connection comes from the app's database URL; a PostgreSQL password reaches pg_dump
and psql through the environment, never the command line.
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, inspect, literal, select, table
from sqlalchemy.engine import URL, Engine

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
NOT_DATA = {"alembic_version"}  # a migrated but unused database is still empty
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

# Run inside the restore's transaction: empty the target, so the archive lands on a clean slate.
_DROP_EVERYTHING = """
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP
    EXECUTE format('DROP TABLE IF EXISTS public.%I CASCADE', r.tablename);
  END LOOP;
  FOR r IN SELECT sequence_name FROM information_schema.sequences
           WHERE sequence_schema = 'public' LOOP
    EXECUTE format('DROP SEQUENCE IF EXISTS public.%I CASCADE', r.sequence_name);
  END LOOP;
END $$;
"""


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


def restore(engine: Engine, path: str | os.PathLike, *, force: bool = False) -> Summary:
    """Replace the database's contents with the backup at PATH, all at once or not at all."""
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
    engine.dispose()  # no pooled connection may hold on to the old contents
    if kind == "sqlite":
        _sqlite_restore(engine, path)
    else:
        _pg_restore(engine.url, path)
    engine.dispose()
    return Summary(path, kind, path.stat().st_size, row_counts(engine))


def _sqlite_restore(engine: Engine, source_path: Path) -> None:
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    try:
        _check_sqlite(source, source_path)
        raw = engine.raw_connection()
        try:
            source.backup(raw.driver_connection)  # the target's pages, replaced in one go
        finally:
            raw.close()
    finally:
        source.close()


def _pg_restore(url: URL, source_path: Path) -> None:
    """pg_restore writes the archive as SQL; psql runs it after emptying the target, in one
    transaction with ON_ERROR_STOP, so the target is either fully replaced or untouched."""
    with tempfile.TemporaryDirectory(prefix="concord-restore-") as scratch:
        prelude = Path(scratch) / "prelude.sql"
        prelude.write_text(_DROP_EVERYTHING)
        errors = Path(scratch) / "pg_restore.err"
        with errors.open("wb") as err:
            script = subprocess.Popen(
                [
                    _tool("pg_restore"),
                    "--no-owner",
                    "--no-privileges",
                    "--file=-",
                    str(source_path),
                ],
                stdout=subprocess.PIPE,
                stderr=err,
            )
            try:
                _run(
                    [
                        _tool("psql"),
                        "--no-psqlrc",
                        "--quiet",
                        "--single-transaction",
                        "--set=ON_ERROR_STOP=1",
                        f"--file={prelude}",
                        "--file=-",
                    ],
                    env=libpq_environment(url),
                    stdin=script.stdout,
                    what="psql",
                )
            finally:
                script.stdout.close()
                script.wait(TIMEOUT_SECONDS)
        if script.returncode != 0:
            raise BackupError(f"pg_restore failed: {errors.read_text().strip()}")


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


def _run(command: list[str], *, what: str, env: dict | None = None, stdin=None) -> None:
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
