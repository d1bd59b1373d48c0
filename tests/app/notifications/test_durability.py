"""Nothing lost, nothing sent twice: real commits, a sender in its own process, racing senders.

A rolled-back request leaves no message; a sender killed (SIGKILL) mid-send loses nothing and
sends nothing twice (its lease runs out, the next sender takes over with the same Message-ID);
two senders racing on PostgreSQL deliver every message exactly once.
"""

import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.drafting import signals
from app.drafting.models import SignOff
from app.extensions import db, utcnow
from app.notifications.models import MailStatus, Notification
from app.notifications.services import outbox
from app.notifications.services.sending import LEASE, SmtpTransport, send_once
from config import BASE_DIR
from positions.notifying import Kind, Recipient
from tests.support.client import login
from tests.support.databases import ON_POSTGRES
from tests.support.factories import make_position
from tests.support.smtp import SmtpServer
from tests.support.world import STANDARD_PARTNERS, Alliance

pytestmark = pytest.mark.fresh_db  # real commits, other processes and threads

JOIN_TIMEOUT = 60


def count(model) -> int:
    db.session.rollback()
    return db.session.execute(select(func.count(model.id))).scalar_one()


def queue(n: int, alliance: Alliance) -> None:
    """n messages, each about a different thing, so none coalesce."""
    chief = alliance.chiefs["harbourside"]
    for i in range(n):
        outbox.notify(
            db.session,
            Kind.STANDING,
            [Recipient(chief.id, "a test")],
            link="/",
            about=("position", 1000 + i),
            title=f"Position {i}",
            what="published",
        )
    db.session.commit()


def smtp_transport(server: SmtpServer) -> SmtpTransport:
    return SmtpTransport("127.0.0.1", server.port, "none", None, None, timeout=10)


def deliver(server: SmtpServer, **options):
    transport = smtp_transport(server)
    try:
        return send_once(db.session, transport, **options)
    finally:
        transport.close()


def test_a_rolled_back_request_leaves_no_message(app):
    alliance = Alliance(STANDARD_PARTNERS)
    position = make_position(alliance.officers["harbourside"])
    db.session.commit()
    chief = alliance.chiefs["moorland"]
    client = app.test_client()
    login(client, chief)
    form = {"revision": 1, "decision": "object", "comment": "Not yet."}

    def fail_after_the_messages(_sender=None, **_):
        raise RuntimeError("the request fails after its messages were written")

    signals.signed_off.connect(fail_after_the_messages)
    try:
        with pytest.raises(RuntimeError):
            client.post(f"/positions/{position.id}/signoff", data=form)
    finally:
        signals.signed_off.disconnect(fail_after_the_messages)
    assert count(SignOff) == 0
    assert count(Notification) == 0
    # And the same request, committed, leaves its message.
    assert client.post(f"/positions/{position.id}/signoff", data=form).status_code == 302
    assert count(SignOff) == 1
    assert count(Notification) == 1


def test_a_sender_killed_mid_send_loses_nothing_and_sends_nothing_twice(app, tmp_path):
    alliance = Alliance(STANDARD_PARTNERS)
    queue(3, alliance)
    with SmtpServer() as server:
        server.recorder.hold_from = 1  # the first goes through; the second hangs mid-send
        env = {
            **os.environ,
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": app.config["SECRET_KEY"],
            "CONCORD_INSTANCE": str(tmp_path / "instance"),
            "MAIL_HOST": "127.0.0.1",
            "MAIL_PORT": str(server.port),
            "MAIL_SECURITY": "none",
        }
        sender = subprocess.Popen(
            [str(Path(sys.executable).with_name("flask")), "--app", "wsgi", "notify", "send-once"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            assert server.recorder.holding.wait(JOIN_TIMEOUT), sender.stderr.read()
            sender.send_signal(signal.SIGKILL)
            sender.wait(JOIN_TIMEOUT)
        finally:
            if sender.poll() is None:
                sender.kill()
            sender.stderr.close()
        server.recorder.hold_from = None
        server.recorder.release.set()  # the dead sender's message is refused ("451")
        statuses = dict(db.session.execute(select(Notification.id, Notification.mail_status)).all())
        assert sorted(statuses.values()) == [MailStatus.QUEUED, MailStatus.QUEUED, MailStatus.SENT]
        assert len(server.received) == 1
        # Before the lease runs out nobody else takes the killed sender's messages ...
        assert deliver(server).handled == 0
        # ... afterwards the next sender delivers them, each once, under its own Message-ID.
        later = utcnow() + LEASE + timedelta(seconds=1)
        outcome = deliver(server, now=lambda: later)
        assert outcome.sent == 2
        ids = server.recorder.message_ids()
        assert len(ids) == len(set(ids)) == 3
        assert {int(i.split(".")[1]) for i in ids} == set(statuses)
        assert count(Notification) == 3
        assert all(
            s == MailStatus.SENT
            for s in db.session.execute(select(Notification.mail_status)).scalars()
        )


@pytest.mark.skipif(
    not ON_POSTGRES, reason="concurrent senders claim with SKIP LOCKED on PostgreSQL"
)
def test_two_senders_racing_deliver_each_message_exactly_once(app):
    alliance = Alliance(STANDARD_PARTNERS)
    total = 120
    queue(total, alliance)
    db.session.remove()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []
    sent: list[int] = []

    with SmtpServer() as server:

        def run():
            try:
                with app.app_context():
                    transport = smtp_transport(server)
                    barrier.wait(JOIN_TIMEOUT)
                    sent.append(send_once(db.session, transport).sent)
                    transport.close()
                    db.session.remove()
            except BaseException as error:  # noqa: BLE001 (reported by the test)
                errors.append(error)

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(JOIN_TIMEOUT)
        assert not errors, errors
        ids = server.recorder.message_ids()
    assert sum(sent) == total
    assert len(ids) == len(set(ids)) == total
