"""Backups: `flask --app wsgi backup create|restore` round-trip every row, SQLite and PostgreSQL.

The demo alliance plus a meeting with appearances (and the flags, mandates and audiences that come
with them) is backed up, restored into a fresh database, and compared table by table, row by row:
positions, revisions, sign-offs, publications, appearances, audit events and everything else.
The restored audit chain must still verify.
"""

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from app import create_app
from app.accounts.models import User
from app.alliance.models import Partner, PolicyArea
from app.audit import services as audit
from app.backup import services as backup
from app.demo import alliance as demo
from app.drafting.models import Position
from app.extensions import db, utcnow
from app.meetings.services import appearances, mandates
from app.meetings.services import meetings as meeting_service
from app.meetings.services.meetings import CounterpartInput, MeetingInput
from config import BASE_DIR, TestConfig
from tests.support.databases import ON_POSTGRES, server_url, throwaway_database
from tests.support.factories import make_position

# `flask backup` runs in a process of its own, on what the test committed.
pytestmark = pytest.mark.fresh_db

COUNTED = ("positions", "revisions", "signoffs", "publications", "appearances", "audit_events")


@pytest.fixture
def fresh_url(tmp_path):
    """A database with nothing in it to restore into: a new SQLite file, or a throwaway one."""
    with throwaway_database("restored", tmp_path) as url:
        yield url


def user(email: str) -> User:
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def fill() -> None:
    """The demo, plus the spokesperson log: a meeting, its audience, appearances, a mandate."""
    demo.load(db.session)
    db.session.commit()
    admin, comms = user("admin@alliance.example"), user("comms@alliance.example")
    chief = user("chief@harbourside.example")
    housing = db.session.execute(
        select(PolicyArea).where(PolicyArea.slug == "housing")
    ).scalar_one()
    cited = db.session.execute(select(Position).order_by(Position.id).limit(2)).scalars().all()
    mandates.grant_mandate(
        db.session, admin, user=chief.id, areas=[housing.id], starts_on=date(2020, 1, 1)
    )
    starts = (utcnow() - timedelta(days=2)).replace(second=0, microsecond=0)
    meeting = meeting_service.create_meeting(
        db.session,
        comms,
        MeetingInput(
            title="Housing select committee",
            starts_at=starts,
            place="Committee room 2",
            areas=[housing.id],
            minutes="Rents came up; so did repairs.",
            counterparts=[
                CounterpartInput("Department for Housing", "A. Minister", "Minister"),
                CounterpartInput("Tenants' Voice", represents="tenants"),
            ],
        ),
    )
    harbourside = db.session.execute(select(Partner).where(Partner.slug == "harbourside"))
    appearances.record_appearance(
        db.session,
        comms,
        meeting.id,
        speaker=chief.id,
        capacity="alliance",
        positions=[p.id for p in cited],
        summary="Set out the alliance's view on rents.",
    )
    appearances.record_appearance(
        db.session,
        comms,
        meeting.id,
        speaker=chief.id,
        capacity=harbourside.scalar_one().slug,
        summary="Spoke for Harbourside on repairs.",
        follow_up="Send the survey.",
    )
    db.session.commit()


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every table the app knows, in primary-key order."""
    with engine.connect() as connection:
        return {
            table.name: [
                tuple(row)
                for row in connection.execute(
                    select(table).order_by(*table.primary_key.columns)
                ).all()
            ]
            for table in db.metadata.sorted_tables
        }


def assert_same(restored: dict, original: dict) -> None:
    assert restored.keys() == original.keys()
    for name, rows in original.items():
        assert restored[name] == rows, f"table {name} did not come back intact"


def flask_cli(url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """`flask --app wsgi ...` as an operator runs it, on the database at url."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "backup-test",
        "CONCORD_INSTANCE": str(tmp_path / "instance"),
    }
    return subprocess.run(
        [str(Path(sys.executable).with_name("flask")), "--app", "wsgi", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_backup_restores_every_row_into_a_fresh_database(app, tmp_path, fresh_url):
    fill()
    original = snapshot(db.engine)
    counts = {name: len(original[name]) for name in COUNTED}
    assert all(counts.values()), counts  # the demo exercises every table that matters here
    assert original["flags"] and original["counterparts"] and original["mandates"]
    db.session.remove()
    path = tmp_path / ("concord.db" if not ON_POSTGRES else "concord.dump")
    source = app.config["SQLALCHEMY_DATABASE_URI"]

    created = flask_cli(source, tmp_path, "backup", "create", str(path))
    assert created.returncode == 0, created.stderr
    assert path.read_bytes().startswith(b"PGDMP" if ON_POSTGRES else b"SQLite format 3")
    assert oct(path.stat().st_mode & 0o777) == "0o600"  # hashes of passwords and tokens inside

    restored = flask_cli(fresh_url, tmp_path, "backup", "restore", str(path))
    assert restored.returncode == 0, restored.stderr
    assert f"{counts['audit_events']} audit events" in restored.stdout
    assert "Audit chain intact" in restored.stdout

    target = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=fresh_url)
    with target.app_context():
        assert_same(snapshot(db.engine), original)
        verification = audit.verify_chain_of(db.session)
        assert verification.intact and verification.events == counts["audit_events"]
        assert target.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
        db.session.remove()
        db.engine.dispose()
    print(f"\nbackup round trip ({db.engine.dialect.name}): {counts}")


def test_restore_refuses_a_database_with_data_unless_forced(app, alliance, tmp_path):
    drafter_id = alliance.drafter.id
    first = make_position(alliance.drafter, title="Kept in the backup")
    db.session.commit()
    first_id = first.id
    path = tmp_path / "before.backup"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", "create", str(path)])
    assert result.exit_code == 0, result.output
    backed_up = snapshot(db.engine)

    # The command ends the session it was given, so load the drafter again.
    make_position(db.session.get(User, drafter_id), title="Written after the backup")
    db.session.commit()
    after = snapshot(db.engine)

    refused = runner.invoke(args=["backup", "restore", str(path)])
    assert refused.exit_code != 0
    assert "already holds data" in refused.output and "--force" in refused.output
    assert_same(snapshot(db.engine), after)  # nothing touched

    forced = runner.invoke(args=["backup", "restore", "--force", str(path)])
    assert forced.exit_code == 0, forced.output
    assert_same(snapshot(db.engine), backed_up)
    assert db.session.get(Position, first_id).title == "Kept in the backup"
    assert audit.verify_chain_of(db.session).intact


def test_a_backup_is_taken_online_and_holds_only_committed_rows(app, alliance, tmp_path):
    """Another connection is mid-transaction while the backup runs: the backup neither waits
    for it nor contains its uncommitted row."""
    path = tmp_path / "online.backup"
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with other.connect() as connection:
            connection.execute(
                Partner.__table__.insert().values(name="Uncommitted", slug="uncommitted")
            )
            result = app.test_cli_runner().invoke(args=["backup", "create", str(path)])
            assert result.exit_code == 0, result.output
            connection.rollback()
    finally:
        other.dispose()
    # Had the backup caught the row, restoring it would bring the row back.
    result = app.test_cli_runner().invoke(args=["backup", "restore", "--force", str(path)])
    assert result.exit_code == 0, result.output
    assert {p.slug for p in db.session.execute(select(Partner)).scalars()} == {
        "harbourside",
        "moorland",
        "riverbank",
    }


def test_create_refuses_to_overwrite_a_file_unless_forced(app, alliance, tmp_path):
    path = tmp_path / "exists.backup"
    path.write_text("an earlier backup")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["backup", "create", str(path)])
    assert refused.exit_code != 0 and "already exists" in refused.output
    assert path.read_text() == "an earlier backup"
    assert runner.invoke(args=["backup", "create", "--force", str(path)]).exit_code == 0
    assert backup.kind_of_file(path) == db.engine.dialect.name


@pytest.mark.parametrize(
    "content, message",
    [
        (b"PGDMP-not-really" if not ON_POSTGRES else b"SQLite format 3\x00...", "backup; this"),
        (b"just some text", "neither a SQLite database nor a pg_dump archive"),
    ],
    ids=["the-other-database", "not-a-backup"],
)
def test_restore_refuses_a_file_it_cannot_use(app, tmp_path, content, message):
    path = tmp_path / "odd.backup"
    path.write_bytes(content)
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(path)])
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


@pytest.mark.skipif(not ON_POSTGRES, reason="the PostgreSQL connection settings")
def test_the_postgresql_password_travels_in_the_environment_not_the_command_line():
    url = server_url().set(password="s3cret word", query={"sslmode": "prefer"})
    env = backup.libpq_environment(url)
    assert env["PGPASSWORD"] == "s3cret word"
    assert env["PGSSLMODE"] == "prefer"
    assert env["PGDATABASE"] == url.database
