"""Faults: the database unreachable, read-only or full, and a worker killed mid-publish.

Each fault is real, not mocked: a PostgreSQL database that stops accepting connections (its
backends terminated) or turns read-only, a SQLite file that vanishes, is opened read-only or may
not grow (max_page_count), and a gunicorn worker sent SIGKILL while its publish transaction is
open. The answers must be a clear 503 page or JSON error, never a traceback; what the user typed
comes back to them; the app recovers by itself when the database does; and the database is
consistent afterwards, with the audit chain intact.
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from markupsafe import escape
from sqlalchemy import create_engine, event, func, select, text

from app import create_app
from app.audit import services as audit
from app.audit.models import AuditEvent
from app.drafting.models import Position, Publication, Revision
from app.extensions import db
from config import BASE_DIR, TestConfig
from tests.support.apps import forget_user_after_each_request
from tests.support.client import api_headers, login
from tests.support.databases import ON_POSTGRES, server_url
from tests.support.factories import make_position
from tests.support.serving import served
from tests.support.world import Alliance

# The database is taken away, capped or opened read-only; a gunicorn worker reads it.
pytestmark = pytest.mark.fresh_db

PARTNERS = ["Harbourside", "Moorland", "Riverbank"]
ORIGINAL = "We ask for fair rents."
TYPED = {
    "title": "Fair rents",
    "body": "\nRents we can <em>afford</em> & keep.\n\nA second paragraph, typed with care.",
    "note": "my note <script>alert(1)</script>",
    "base_revision": "1",
}


def assert_clear_503(answer, *, json_code: str | None = None) -> None:
    assert answer.status_code == 503
    assert answer.headers["Retry-After"].isdigit()
    body = answer.get_data(as_text=True)
    assert "Traceback" not in body and "sqlalchemy" not in body.lower()
    if json_code:
        assert answer.is_json and answer.json["error"]["code"] == json_code
    else:
        assert answer.mimetype == "text/html"
        assert "503" in body


def assert_typed_text_kept(answer, path: str) -> None:
    """The 503 page holds every field the user sent, in a form that sends it again."""
    body = answer.get_data(as_text=True)
    assert f'action="{path}"' in body
    assert f">\n{escape(TYPED['body'])}</textarea>" in body
    assert f'value="{escape(TYPED["note"])}"' in body
    assert 'name="base_revision" value="1"' in body
    assert "<script>alert(1)" not in body


class Outage:
    """Take this app's database away and bring it back."""

    def __init__(self, admin, directory: Path):
        self.admin, self.directory = admin, directory

    def start(self) -> None:
        db.session.remove()
        if self.admin is not None:
            name = db.engine.url.database
            with self.admin.connect() as connection:
                connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )
        else:  # a SQLite file whose directory went away; open handles would outlive it
            db.engine.dispose()
            self.directory.rename(self.directory.with_name("gone"))

    def end(self) -> None:
        if self.admin is not None:
            with self.admin.connect() as connection:
                connection.execute(
                    text(f'ALTER DATABASE "{db.engine.url.database}" ALLOW_CONNECTIONS true')
                )
        else:
            self.directory.with_name("gone").rename(self.directory)


@pytest.fixture
def own_database(request, tmp_path):
    """An app on a database it may take away: on PostgreSQL this run's own database (emptied),
    on SQLite a file in a directory of its own; with an alliance and one draft position."""
    admin = None
    if ON_POSTGRES:
        app = request.getfixturevalue("app")
        admin = create_engine(server_url(), isolation_level="AUTOCOMMIT")
        contexts = contextlib.nullcontext()
    else:
        (tmp_path / "data").mkdir()
        app = create_app(
            TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'data' / 'concord.db'}"
        )
        forget_user_after_each_request(app)  # requests share the test's app context, and `g`
        contexts = app.app_context()
    try:
        with contexts:
            if not ON_POSTGRES:
                db.create_all()
            name = db.engine.url.database
            alliance = Alliance(PARTNERS)
            position = make_position(alliance.drafter, title="Fair rents", body=ORIGINAL)
            db.session.commit()
            yield app, alliance, position.id, Outage(admin, tmp_path / "data")
            db.session.remove()
            db.engine.dispose()
    finally:
        if admin is not None:  # whatever happened, the database is back for the next test
            with admin.connect() as connection:
                connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
                connection.execute(
                    text(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
                )
            admin.dispose()


def revision_bodies(position_id: int) -> list[str]:
    return list(
        db.session.execute(
            select(Revision.body).where(Revision.position_id == position_id).order_by(Revision.id)
        ).scalars()
    )


def test_the_database_going_away_answers_503_and_recovers_when_it_returns(own_database):
    app, alliance, position_id, outage = own_database
    client = app.test_client()
    login(client, alliance.drafter)
    token = api_headers(alliance.drafter)
    edit = f"/positions/{position_id}/edit"

    outage.start()
    try:
        assert_clear_503(client.get("/public/"))
        assert "can't reach its database" in client.get("/public/").get_data(as_text=True)
        assert_clear_503(client.get(f"/positions/{position_id}"))  # signed in: the user unknown
        assert_clear_503(client.get("/api/v1/published"), json_code="database_unavailable")
        assert_clear_503(
            client.post(
                f"/api/v1/positions/{position_id}/revisions",
                json={"body": TYPED["body"], "base_revision": 1},
                headers=token,
            ),
            json_code="database_unavailable",
        )
        refused = client.post(edit, data=TYPED)
        assert_clear_503(refused)
        assert_typed_text_kept(refused, edit)
    finally:
        outage.end()

    assert client.get("/public/").status_code == 200
    assert client.get(f"/positions/{position_id}").status_code == 200  # still signed in
    assert client.post(edit, data=TYPED).status_code == 302  # "Try again" sends the same form
    assert revision_bodies(position_id) == [ORIGINAL, TYPED["body"]]
    assert audit.verify_chain_of(db.session).intact


@pytest.mark.skipif(ON_POSTGRES, reason="a SQLite file")
def test_a_read_only_sqlite_file_gives_a_clear_503_and_keeps_the_text(own_database):
    app, alliance, position_id, _ = own_database
    writable = app.test_client()
    login(writable, alliance.drafter)
    token = api_headers(alliance.drafter)
    email = alliance.comms.email
    path = Path(db.engine.url.database)
    db.session.remove()
    db.engine.dispose()

    read_only = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///file:{path}?mode=ro&uri=true"
    )
    forget_user_after_each_request(read_only)
    with read_only.app_context():
        client = read_only.test_client()
        client.set_cookie("session", writable.get_cookie("session").value)
        assert client.get(f"/positions/{position_id}").status_code == 200  # reading works
        assert client.get("/public/").status_code == 200

        edit = f"/positions/{position_id}/edit"
        refused = client.post(edit, data=TYPED)
        assert_clear_503(refused)
        assert "can't save anything right now" in refused.get_data(as_text=True)
        assert_typed_text_kept(refused, edit)
        assert_clear_503(
            client.post(
                f"/api/v1/positions/{position_id}/revisions",
                json={"body": TYPED["body"], "base_revision": 1},
                headers=token,
            ),
            json_code="database_not_writable",
        )
        # Signing in writes to the audit record: the email comes back, the password never.
        signing_in = read_only.test_client().post(
            "/login", data={"email": email, "password": "hunter2 secret"}
        )
        assert_clear_503(signing_in)
        assert email in signing_in.get_data(as_text=True)
        assert "hunter2" not in signing_in.get_data(as_text=True)
        db.session.remove()
        db.engine.dispose()

    assert revision_bodies(position_id) == [ORIGINAL]
    assert audit.verify_chain_of(db.session).intact


def _cap_the_file(dbapi_connection, connection_record):
    """Let the SQLite file grow no further: the disk is full, as far as SQLite can tell."""
    cursor = dbapi_connection.cursor()
    (pages,) = cursor.execute("PRAGMA page_count").fetchone()
    cursor.execute(f"PRAGMA max_page_count = {pages}")
    cursor.close()


@pytest.mark.skipif(ON_POSTGRES, reason="SQLite's max_page_count")
def test_a_full_disk_gives_a_clear_503_keeps_the_text_and_writes_nothing(own_database):
    app, alliance, position_id, _ = own_database
    client = app.test_client()
    login(client, alliance.drafter)
    token = api_headers(alliance.drafter)
    events_before = db.session.execute(select(func.count()).select_from(AuditEvent)).scalar()
    long_body = TYPED["body"] + "".join(
        f"\n\nParagraph {i}: the alliance asks for rents that people can afford."
        for i in range(800)
    )
    typed = {**TYPED, "body": long_body}
    edit = f"/positions/{position_id}/edit"

    db.session.remove()
    db.engine.dispose()
    event.listen(db.engine, "connect", _cap_the_file)
    try:
        refused = client.post(edit, data=typed)
        assert_clear_503(refused)
        assert "full or read-only" in refused.get_data(as_text=True)
        assert f">\n{escape(long_body)}</textarea>" in refused.get_data(as_text=True)
        assert_clear_503(
            client.post(
                f"/api/v1/positions/{position_id}/revisions",
                json={"body": long_body, "base_revision": 1},
                headers=token,
            ),
            json_code="database_not_writable",
        )
        assert revision_bodies(position_id) == [ORIGINAL]
    finally:
        event.remove(db.engine, "connect", _cap_the_file)
        db.session.remove()
        db.engine.dispose()

    # Space again: the same form, sent again, saves; nothing half-written in between.
    assert db.session.execute(select(func.count()).select_from(AuditEvent)).scalar() == (
        events_before
    )
    assert client.post(edit, data=typed).status_code == 302
    assert revision_bodies(position_id) == [ORIGINAL, long_body]
    assert audit.verify_chain_of(db.session).intact


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL in read-only mode")
def test_a_read_only_postgresql_gives_a_clear_503_and_recovers(own_database):
    """As after a failover to a standby: every transaction is read-only (SQLSTATE 25006)."""
    app, alliance, position_id, outage = own_database
    client = app.test_client()
    login(client, alliance.drafter)
    token = api_headers(alliance.drafter)
    name = db.engine.url.database
    edit = f"/positions/{position_id}/edit"

    db.session.remove()
    with outage.admin.connect() as connection:
        connection.execute(text(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on'))
    db.engine.dispose()  # new sessions pick the setting up
    try:
        assert client.get(f"/positions/{position_id}").status_code == 200
        refused = client.post(edit, data=TYPED)
        assert_clear_503(refused)
        assert "can't save anything right now" in refused.get_data(as_text=True)
        assert_typed_text_kept(refused, edit)
        assert_clear_503(
            client.post(
                f"/api/v1/positions/{position_id}/revisions",
                json={"body": TYPED["body"], "base_revision": 1},
                headers=token,
            ),
            json_code="database_not_writable",
        )
    finally:
        with outage.admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{name}" RESET default_transaction_read_only'))
        db.session.remove()
        db.engine.dispose()
    assert client.post(edit, data=TYPED).status_code == 302
    assert revision_bodies(position_id) == [ORIGINAL, TYPED["body"]]


# ---- a worker killed mid-publish ---------------------------------------------------------------

# A gunicorn config for this test only: in the worker, the publish pauses after the publication,
# its signatories and the position's pointer are written (flushed, not committed), and says so.
PAUSE_MID_PUBLISH = """
import os
import time
from pathlib import Path

MARKER = Path({marker!r})


def post_worker_init(worker):
    from app.audit import services as audit

    record = audit.record

    def paused_record(session, action, **kwargs):
        if action == "position.publish" and not MARKER.exists():
            session.flush()
            MARKER.write_text(str(os.getpid()))
            time.sleep(120)
        return record(session, action, **kwargs)

    audit.record = paused_record
"""


def flask_audit_verify(url: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).with_name("flask")), "--app", "wsgi", "audit", "verify"],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": "faults",
            "CONCORD_INSTANCE": str(tmp_path / "instance"),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_publications_consistent(partner_count: int) -> int:
    """positions.publication_id and publications agree; each publication has its audit event
    and every partner's approval of exactly the published text. Returns the publications."""
    db.session.expire_all()
    publications = list(db.session.execute(select(Publication)).scalars())
    for position in db.session.execute(select(Position)).scalars():
        if position.publication_id is not None:
            assert position.publication.position_id == position.id
            assert position.status == "published"
    for publication in publications:
        signed = publication.signatories
        assert len(signed) == partner_count
        assert all(s.decision == "approve" for s in signed)
        assert {s.content_hash for s in signed} == {publication.revision.content_hash}
    publish_events = db.session.execute(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "position.publish")
    ).scalar()
    assert publish_events == len(publications)
    return len(publications)


@pytest.mark.slow
def test_a_worker_killed_mid_publish_leaves_the_database_consistent(app, alliance, tmp_path):
    position = make_position(alliance.drafter, title="Fair rents", body=ORIGINAL)
    alliance.approve_all(position)
    db.session.commit()
    position_id = position.id
    token = api_headers(alliance.comms)["Authorization"].removeprefix("Bearer ")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    events_before = db.session.execute(select(func.count()).select_from(AuditEvent)).scalar()
    marker = tmp_path / "publishing"
    db.session.remove()

    config = PAUSE_MID_PUBLISH.format(marker=str(marker))
    with served(url, tmp_path, workers=1, threads=1, config=config) as server:
        outcome: dict = {}

        def publish():
            with server.client(timeout=150) as client:
                try:
                    outcome["answer"] = client.post_json(
                        f"/api/v1/positions/{position_id}/publish", {"revision": 1}, token
                    )
                except OSError as exc:
                    outcome["error"] = exc

        request = threading.Thread(target=publish)
        request.start()
        deadline = time.monotonic() + 60  # a worker boots slowly on a busy machine
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), server.log_text()
        time.sleep(0.1)  # the marker is written; let its pid land too
        worker = int(marker.read_text())
        assert worker in server.worker_pids()
        os.kill(worker, signal.SIGKILL)
        request.join(30)
        assert not request.is_alive()
        assert "error" in outcome, outcome  # the connection died with the worker

        # Nothing of the publish survived: no publication, no pointer, no audit event.
        assert assert_publications_consistent(len(PARTNERS)) == 0
        position = db.session.get(Position, position_id)
        assert position.publication_id is None and position.status == "agreed"
        assert db.session.execute(select(func.count()).select_from(AuditEvent)).scalar() == (
            events_before
        )
        db.session.remove()
        verified = flask_audit_verify(url, tmp_path)
        assert verified.returncode == 0, verified.stderr
        assert "Audit chain intact" in verified.stdout

        # gunicorn has started a new worker; the same publish now goes through whole.
        with server.client() as client:
            answer = client.post_json(
                f"/api/v1/positions/{position_id}/publish", {"revision": 1}, token
            )
        assert answer.status == 200, answer.body
        assert "Traceback" not in server.log_text()

    assert assert_publications_consistent(len(PARTNERS)) == 1
    assert db.session.get(Position, position_id).published_revision.number == 1
    assert flask_audit_verify(url, tmp_path).returncode == 0
