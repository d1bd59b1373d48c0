"""A damaged or foreign backup never touches the live database.

The corpus: a good backup cut at 10%, 50% and 95%; a database that is not Concord's (a foreign
SQLite file, a pg_dump of another database); a backup whose audit chain was tampered with. Each is
restored with --force over a database holding data: the restore is refused with a message, no
traceback, and the target is left exactly as it was, row for row, its chain intact.
"""

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from app.audit import services as audit
from app.backup import services as backup
from app.extensions import db
from tests.support.databases import ON_POSTGRES, postgres_url, throwaway_database
from tests.support.factories import make_position

pytestmark = pytest.mark.fresh_db  # backups are of what is committed


def snapshot(engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {
            t.name: [tuple(r) for r in connection.execute(select(t).order_by(*t.primary_key))]
            for t in db.metadata.sorted_tables
        }


@pytest.fixture
def live(app, alliance):
    """A database holding data, and a good backup of it."""
    for n in range(6):
        make_position(alliance.drafter, title=f"Position {n}", body="Words. " * 400)
    db.session.commit()
    db.session.remove()
    return app


@pytest.fixture
def good_backup(live, tmp_path) -> Path:
    return backup.create(db.engine, tmp_path / "good.backup").path


def cut(source: Path, fraction: float, tmp_path: Path) -> Path:
    data = source.read_bytes()
    damaged = tmp_path / f"cut-{int(fraction * 100)}.backup"
    damaged.write_bytes(data[: int(len(data) * fraction)])
    return damaged


def foreign(tmp_path: Path) -> Path:
    """Another application's database, of the right kind for the target."""
    path = tmp_path / "foreign.backup"
    if not ON_POSTGRES:
        other = sqlite3.connect(path)
        other.execute("CREATE TABLE positions (id INTEGER PRIMARY KEY, colour TEXT)")
        other.execute("INSERT INTO positions VALUES (1, 'blue')")
        other.commit()
        other.close()
        return path
    with throwaway_database("foreign", tmp_path) as url:
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE positions (id int PRIMARY KEY, colour text)"))
            connection.execute(text("INSERT INTO positions VALUES (1, 'blue')"))
        backup.create(engine, path)
        engine.dispose()
    return path


def tampered(tmp_path: Path) -> Path:
    """A backup taken while one audit event was altered; the live record is put right after."""
    path = tmp_path / "tampered.backup"
    with db.engine.begin() as connection:
        original = connection.execute(
            text("SELECT actor_label FROM audit_events WHERE seq = 2")
        ).scalar_one()
        connection.execute(text("UPDATE audit_events SET actor_label = 'nobody' WHERE seq = 2"))
    backup.create(db.engine, path)
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE audit_events SET actor_label = :label WHERE seq = 2"), {"label": original}
        )
    return path


DAMAGE = {
    "cut-10": lambda good, tmp: cut(good, 0.10, tmp),
    "cut-50": lambda good, tmp: cut(good, 0.50, tmp),
    "cut-95": lambda good, tmp: cut(good, 0.95, tmp),
    "foreign": lambda good, tmp: foreign(tmp),
    "tampered-chain": lambda good, tmp: tampered(tmp),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_backup_leaves_the_target_exactly_as_it_was(live, good_backup, tmp_path, damage):
    damaged = DAMAGE[damage](good_backup, tmp_path)
    before = snapshot(db.engine)
    assert before["positions"] and before["audit_events"]
    db.session.remove()

    result = live.test_cli_runner().invoke(args=["backup", "restore", "--force", str(damaged)])

    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert "The database was not changed." in result.output, result.output
    db.engine.dispose()
    assert snapshot(db.engine) == before
    assert audit.verify_chain_of(db.session).intact
    assert not list(tmp_path.parent.glob(".concord-restore-*"))  # no scratch left behind


def test_the_good_backup_of_the_corpus_restores(live, good_backup):
    before = snapshot(db.engine)
    db.session.remove()
    result = live.test_cli_runner().invoke(args=["backup", "restore", "--force", str(good_backup)])
    assert result.exit_code == 0, result.output
    db.engine.dispose()
    assert snapshot(db.engine) == before


@pytest.mark.skipif(not ON_POSTGRES, reason="renaming databases is PostgreSQL's")
def test_a_restore_refuses_while_others_are_connected_and_changes_nothing(live, good_backup):
    before = snapshot(db.engine)
    db.session.remove()
    other = create_engine(postgres_url(db.engine.url.database))
    try:
        with other.connect() as connection:
            connection.execute(text("SELECT 1"))
            result = live.test_cli_runner().invoke(
                args=["backup", "restore", "--force", str(good_backup)]
            )
    finally:
        other.dispose()
    assert result.exit_code != 0
    assert "other connection" in result.output and "not changed" in result.output
    db.engine.dispose()
    assert snapshot(db.engine) == before


@pytest.mark.skipif(not ON_POSTGRES, reason="the scratch database is PostgreSQL's")
def test_no_scratch_database_means_no_restore_and_no_traceback(live, good_backup, monkeypatch):
    before = snapshot(db.engine)
    db.session.remove()
    monkeypatch.setattr(backup, "MAINTENANCE_DATABASE", "no_such_maintenance_database")
    result = live.test_cli_runner().invoke(args=["backup", "restore", "--force", str(good_backup)])
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit)
    assert "CREATEDB" in result.output and "not changed" in result.output
    db.engine.dispose()
    assert snapshot(db.engine) == before
