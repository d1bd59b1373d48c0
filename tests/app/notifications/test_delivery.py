"""The sender against a real SMTP server: what arrives, retries, failures, the local mailbox."""

import mailbox
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from app.extensions import utcnow
from app.notifications.models import MailStatus, Notification, NotificationPreference
from app.notifications.services.sending import (
    MaildirTransport,
    send_once,
    transport_from_config,
)
from positions.notifying import MAX_ATTEMPTS
from tests.support.client import login
from tests.support.factories import object_to_a_draft


def deliver(session, **options):
    transport = transport_from_config(current_app.config)
    try:
        return send_once(session, transport, **options)
    finally:
        transport.close()


def test_the_mail_has_both_parts_a_stable_id_the_reason_and_a_working_link(
    app, session, alliance, smtp
):
    writer, position = object_to_a_draft(alliance)
    outcome = deliver(session)
    assert (outcome.sent, outcome.failed) == (1, 0)
    [mail] = smtp.received
    assert mail["To"] == writer.email
    assert mail["From"] == "Concord <concord@example.org>"
    assert mail["Subject"] == "Moorland objected to “Fair rents”"
    message = session.execute(select(Notification)).scalar_one()
    assert (
        mail["Message-ID"]
        == f"<concord.{message.id}.{message.created_at:%Y%m%d%H%M%S}@example.org>"
    )
    assert message.mail_status == MailStatus.SENT and message.sent_at and message.attempts == 1
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    link = f"https://concord.example.org/positions/{position.id}"
    for part in (text, html):
        assert link in part
        assert "you wrote or edited “Fair rents”" in part
    assert "Not <b>yet</b>." in text
    assert "Not &lt;b&gt;yet&lt;/b&gt;." in html  # what people type is escaped in HTML
    client = app.test_client()
    login(client, writer)
    assert client.get(urlsplit(link).path).status_code == 200  # the link leads to the page


def test_one_click_unsubscribe_works_without_signing_in(app, session, alliance, smtp):
    writer, _ = object_to_a_draft(alliance)
    deliver(session)
    [mail] = smtp.received
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = mail["List-Unsubscribe"].strip("<>")
    assert url in mail.get_body(("plain",)).get_content()
    path = urlsplit(url).path
    anonymous = app.test_client()
    page = anonymous.get(path)
    assert page.status_code == 200 and "Stop emails about" in page.get_data(as_text=True)
    assert session.execute(select(NotificationPreference)).first() is None  # a GET never writes
    assert anonymous.post(path).status_code == 200  # what a mail program's one click does
    preference = session.execute(select(NotificationPreference)).scalar_one()
    assert (preference.user_id, preference.kind, preference.delivery) == (
        writer.id,
        "objection",
        "in_app",
    )
    forged = path[:-3] + ("xyz" if not path.endswith("xyz") else "abc")
    assert anonymous.post(forged).status_code == 404


def test_a_security_message_has_no_unsubscribe_link(session, alliance, smtp):
    from app.accounts import services as accounts

    accounts.issue_token(session, alliance.chiefs["harbourside"], "laptop")
    deliver(session)
    [mail] = smtp.received
    assert mail["List-Unsubscribe"] is None
    assert (
        "This is a security message: it is always sent." in mail.get_body(("plain",)).get_content()
    )


def test_a_temporary_refusal_is_retried_later_with_the_same_message_id(session, alliance, smtp):
    object_to_a_draft(alliance)
    smtp.recorder.answer = "451 Greylisted, try later"
    outcome = deliver(session)
    assert (outcome.sent, outcome.retrying) == (0, 1)
    message = session.execute(select(Notification)).scalar_one()
    session.refresh(message)
    assert message.mail_status == MailStatus.QUEUED and message.attempts == 1
    assert "451" in message.last_error
    wait = message.next_attempt_at - utcnow()
    assert timedelta(seconds=50) < wait <= timedelta(minutes=1)
    assert deliver(session).handled == 0  # not due yet: nothing is tried
    smtp.recorder.answer = "250 OK"
    later = utcnow() + timedelta(minutes=2)
    outcome = deliver(session, now=lambda: later)
    assert outcome.sent == 1
    [mail] = smtp.received
    assert mail["Message-ID"].startswith(f"<concord.{message.id}.")


def test_a_permanent_refusal_fails_at_once_and_an_admin_can_retry_it(app, session, alliance, smtp):
    object_to_a_draft(alliance)
    smtp.recorder.answer = "550 No such mailbox"
    assert deliver(session).failed == 1
    message = session.execute(select(Notification)).scalar_one()
    session.refresh(message)
    assert message.mail_status == MailStatus.FAILED and "550" in message.last_error
    admin = app.test_client()
    login(admin, alliance.admin)
    page = admin.get("/admin/mail?view=failed").get_data(as_text=True)
    assert "550 No such mailbox" in page and "Retry" in page
    smtp.recorder.answer = "250 OK"
    assert admin.post(f"/admin/mail/{message.id}/retry").status_code == 302
    assert deliver(session).sent == 1
    assert len(smtp.received) == 1


def test_repeated_temporary_failures_end_as_a_permanent_failure(session, alliance, smtp):
    object_to_a_draft(alliance)
    smtp.recorder.answer = "421 Closing"
    moment = utcnow()
    for _ in range(MAX_ATTEMPTS):
        moment += timedelta(hours=7)  # past the longest wait
        deliver(session, now=lambda m=moment: m)
    message = session.execute(select(Notification)).scalar_one()
    session.refresh(message)
    assert message.mail_status == MailStatus.FAILED
    assert message.attempts == MAX_ATTEMPTS


def test_an_unreachable_server_is_a_temporary_failure(app, session, alliance, monkeypatch):
    from tests.support.smtp import free_port

    monkeypatch.setitem(app.config, "MAIL_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens
    monkeypatch.setitem(app.config, "MAIL_SECURITY", "none")
    object_to_a_draft(alliance)
    assert deliver(session).retrying == 1


def test_with_no_smtp_configured_mail_goes_to_the_local_mailbox(
    app, session, alliance, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "MAIL_HOST", None)
    monkeypatch.setitem(app.config, "MAILDIR", str(tmp_path / "mail"))
    assert isinstance(transport_from_config(current_app.config), MaildirTransport)
    writer, _ = object_to_a_draft(alliance)
    assert deliver(session).sent == 1
    [stored] = list(mailbox.Maildir(tmp_path / "mail"))
    assert stored["To"] == writer.email
    admin = app.test_client()
    login(admin, alliance.admin)
    page = admin.get("/admin/mail").get_data(as_text=True)
    assert "Moorland objected to “Fair rents”" in page
    message = session.execute(select(Notification)).scalar_one()
    shown = admin.get(f"/admin/mail/{message.id}").get_data(as_text=True)
    assert "You receive this because you wrote or edited" in shown
