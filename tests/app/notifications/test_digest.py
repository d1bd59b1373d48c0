"""The daily digest: chosen kinds wait, and go out together on a weekday morning, once."""

from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app.notifications.models import MailStatus, Notification
from app.notifications.services import inbox
from app.notifications.services.digest import queue_digests
from app.notifications.services.sending import send_once, transport_from_config
from tests.support.factories import approve, make_position

# Europe/London (the test alliance's zone) is UTC in winter.
MONDAY_MORNING = datetime(2030, 12, 2, 8, 0, tzinfo=UTC)
SATURDAY = datetime(2030, 11, 30, 9, 0, tzinfo=UTC)


def test_chosen_kinds_wait_for_the_digest_and_go_in_one_email(session, alliance, smtp):
    writer = alliance.officers["harbourside"]
    inbox.set_preference(session, writer, "objection", "digest")
    for title in ("First", "Second"):
        position = make_position(writer, title=title)
        approve(alliance.chiefs["moorland"], position, "object", "No.")
    waiting = list(session.execute(select(Notification)).scalars())
    assert {m.mail_status for m in waiting} == {MailStatus.DIGEST}
    assert all(m.in_app for m in waiting)  # in the inbox at once all the same
    assert queue_digests(session, now=SATURDAY) == 0
    assert queue_digests(session, now=MONDAY_MORNING) == 1
    assert queue_digests(session, now=MONDAY_MORNING + timedelta(hours=3)) == 0  # once a day
    transport = transport_from_config(current_app.config)
    try:
        later = MONDAY_MORNING + timedelta(minutes=1)
        assert send_once(session, transport, now=lambda: later).sent == 1
    finally:
        transport.close()
    [mail] = smtp.received
    assert mail["To"] == writer.email
    assert mail["Subject"] == "Your Concord digest: 2 updates"
    text = mail.get_body(("plain",)).get_content()
    assert "Moorland objected to “First”" in text and "Moorland objected to “Second”" in text
    assert "https://concord.example.org/positions/" in text
    assert mail["List-Unsubscribe"] is None
    statuses = sorted(m.mail_status for m in session.execute(select(Notification)).scalars())
    assert statuses == [MailStatus.DIGESTED, MailStatus.DIGESTED, MailStatus.SENT]
