"""The sender: claim due messages, deliver them, record what happened. Commits its own work.

At least once: a row is claimed with a lease and marked sent only after the mail server took it,
so a sender killed mid-send leaves the row to be claimed again when the lease runs out (with the
same Message-ID). Never by two senders at once: the claim is one UPDATE of rows nobody holds,
picked with FOR UPDATE SKIP LOCKED on PostgreSQL (SQLite has a single writer).
"""

import contextlib
import mailbox
import smtplib
import ssl
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from app.extensions import utcnow
from app.notifications.models import MailStatus, Notification
from app.notifications.services import mail
from positions.notifying import is_permanent, retry_at

LEASE = timedelta(minutes=5)  # longer than any one send takes (the SMTP timeout is 60 s)
BATCH = 50


class Transport:
    """Hands one email to the world; raises on failure."""

    def send(self, message: EmailMessage) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class MaildirTransport(Transport):
    """No SMTP configured: mail goes to a local mailbox folder, for the demo and development."""

    def __init__(self, path: Path):
        self.box = mailbox.Maildir(path, create=True)

    def send(self, message: EmailMessage) -> None:
        self.box.add(message)


class SmtpTransport(Transport):
    def __init__(self, host, port, security, user, password, timeout=60):
        self.settings = (host, port, security, user, password, timeout)
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        host, port, security, user, password, timeout = self.settings
        context = ssl.create_default_context()
        if security == "tls":
            connection = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            connection = smtplib.SMTP(host, port, timeout=timeout)
            if security == "starttls":
                connection.starttls(context=context)
        if user:
            connection.login(user, password or "")
        return connection

    def send(self, message: EmailMessage) -> None:
        if self.connection is None:
            self.connection = self._connect()
        try:
            self.connection.send_message(message)
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()
            raise

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.connection.quit()
            self.connection = None


def transport_from_config(config: Mapping) -> Transport:
    """The SMTP server the settings name, or the local mailbox when they name none."""
    if not config.get("MAIL_HOST"):
        return MaildirTransport(Path(config["MAILDIR"]))
    return SmtpTransport(
        config["MAIL_HOST"],
        config["MAIL_PORT"],
        config["MAIL_SECURITY"],
        config.get("MAIL_USER"),
        config.get("MAIL_PASSWORD"),
    )


def _due(now: datetime):
    return (
        Notification.mail_status == MailStatus.QUEUED,
        Notification.next_attempt_at <= now,
        or_(Notification.lease_until.is_(None), Notification.lease_until < now),
    )


def claim(session: Session, *, now: datetime, limit: int = BATCH, lease=LEASE) -> str:
    """Take up to `limit` due messages for this sender; commits; returns the lease's token."""
    token = uuid.uuid4().hex
    due = (
        select(Notification.id)
        .where(*_due(now))
        .order_by(Notification.next_attempt_at, Notification.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    session.execute(
        update(Notification)
        .where(Notification.id.in_(due), *_due(now))
        .values(lease_token=token, lease_until=now + lease)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return token


def _error_code(exc: Exception) -> int | None:
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        return min(code for code, _ in exc.recipients.values())
    return None


def _describe(exc: Exception) -> str:
    """What an admin reads: the mail server's own answer where there is one."""
    if isinstance(exc, smtplib.SMTPResponseException):
        answer = exc.smtp_error
        text = answer.decode(errors="replace") if isinstance(answer, bytes) else str(answer)
        return f"{exc.smtp_code} {text}"
    return f"{type(exc).__name__}: {exc}"


@dataclass
class Outcome:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed


def _settle(session: Session, message_id: int, token: str, **values) -> None:
    # Only while the lease is ours: a sender whose lease ran out does not overwrite the next.
    session.execute(
        update(Notification)
        .where(Notification.id == message_id, Notification.lease_token == token)
        .values(lease_token=None, lease_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def deliver(session: Session, token: str, transport: Transport, *, now: Callable = utcnow):
    """Send the messages leased under `token`, committing after each one."""
    outcome = Outcome()
    ids = session.execute(
        select(Notification.id).where(Notification.lease_token == token).order_by(Notification.id)
    ).scalars()
    for message_id in list(ids):
        message = session.get(Notification, message_id)
        try:
            transport.send(mail.build(message))
        except Exception as exc:  # noqa: BLE001 (every failure is recorded, none lost)
            attempts = message.attempts + 1
            again = None if is_permanent(_error_code(exc)) else retry_at(attempts, now())
            error = _describe(exc)[:2000]
            outcome.errors.append(error)
            if again is None:
                outcome.failed += 1
                values = dict(mail_status=MailStatus.FAILED, next_attempt_at=None)
            else:
                outcome.retrying += 1
                values = dict(next_attempt_at=again)
            _settle(session, message_id, token, attempts=attempts, last_error=error, **values)
        else:
            outcome.sent += 1
            _settle(
                session,
                message_id,
                token,
                mail_status=MailStatus.SENT,
                sent_at=now(),
                attempts=message.attempts + 1,
                last_error="",
            )
    return outcome


def send_once(
    session: Session, transport: Transport, *, now: Callable = utcnow, lease=LEASE
) -> Outcome:
    """Queue any digest due, then deliver everything due now, batch by batch, and return."""
    from app.notifications.services.digest import queue_digests

    queue_digests(session, now=now())
    total = Outcome()
    while True:
        token = claim(session, now=now(), lease=lease)
        outcome = deliver(session, token, transport, now=now)
        total.sent += outcome.sent
        total.retrying += outcome.retrying
        total.failed += outcome.failed
        total.errors += outcome.errors
        if outcome.handled == 0:
            return total


def backlog(session: Session, *, now: datetime, at_most: int) -> int:
    """Messages due and unsent, counted up to `at_most` (cheap however long the queue)."""
    due = (
        select(Notification.id)
        .where(Notification.mail_status == MailStatus.QUEUED, Notification.next_attempt_at <= now)
        .limit(at_most)
        .subquery()
    )
    return session.execute(select(func.count()).select_from(due)).scalar_one()
