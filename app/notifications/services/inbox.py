"""A person's own notifications: read, all read; their preferences; an admin's retry."""

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit import services as audit
from app.extensions import utcnow
from app.notifications.models import MailStatus, Notification, NotificationPreference
from positions.notifying import ANSWERED_BY_DECIDING, Delivery, Kind, choosable_kinds
from positions.refusals import Forbidden, Invalid, NotFound
from positions.roles import Role


def _own(session: Session, user: User, notification_id: int) -> Notification:
    message = session.get(Notification, notification_id)
    # Someone else's message is as absent as one that does not exist.
    if message is None or message.recipient_id != user.id or not message.in_app:
        raise NotFound("There is no such notification.")
    return message


def mark_read(session: Session, user: User, notification_id: int) -> Notification:
    message = _own(session, user, notification_id)
    if message.read_at is None:
        message.read_at = utcnow()
        session.flush()
    return message


def mark_all_read(session: Session, user: User) -> int:
    done = session.execute(
        update(Notification)
        .where(
            Notification.recipient_id == user.id,
            Notification.in_app.is_(True),
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return done.rowcount


def mark_answered_by_decision(session: Session, user_id: int, position_id: int) -> int:
    """A signer decided on a position: the messages that asked them to are read now."""
    done = session.execute(
        update(Notification)
        .where(
            Notification.recipient_id == user_id,
            Notification.kind.in_([kind.value for kind in ANSWERED_BY_DECIDING]),
            Notification.about_type == "position",
            Notification.about_id == position_id,
            Notification.read_at.is_(None),
        )
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return done.rowcount


def set_preference(session: Session, user: User, kind: str, delivery: str) -> None:
    """One kind's delivery for one person; security messages cannot be switched off."""
    try:
        chosen_kind, chosen = Kind(kind), Delivery(delivery)
    except ValueError:
        raise Invalid("Choose one of the offered options.", code="invalid_choice") from None
    if chosen_kind not in choosable_kinds():
        raise Invalid("Security messages are always sent.", code="security_message")
    row = session.execute(
        select(NotificationPreference).where(
            NotificationPreference.user_id == user.id, NotificationPreference.kind == chosen_kind
        )
    ).scalar_one_or_none()
    if row is None:
        row = NotificationPreference(user_id=user.id, kind=chosen_kind.value)
        session.add(row)
    if row.delivery == chosen.value:
        return
    row.delivery = chosen.value
    session.flush()
    audit.record(
        session,
        "notifications.preference",
        actor=user,
        object_type="user",
        object_id=user.id,
        details={"kind": chosen_kind.value, "delivery": chosen.value},
    )


def unsubscribe(session: Session, user_id: int, kind: Kind) -> User:
    """The signed one-click link: that kind is shown in the app only from now on."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("That link names nobody.")
    set_preference(session, user, kind.value, Delivery.IN_APP.value)
    return user


def retry(session: Session, admin: User, message_id: int) -> Notification:
    """An admin's retry of a failed message: queued again and due now, its attempts kept."""
    if not admin.actor.has(Role.ADMIN):
        raise Forbidden("Only admins retry failed mail.")
    message = session.get(Notification, message_id)
    if message is None:
        raise NotFound(f"There is no message {message_id}.")
    if message.mail_status != MailStatus.FAILED:
        raise Invalid("Only a failed message can be retried.", code="not_failed")
    message.mail_status = MailStatus.QUEUED
    message.next_attempt_at = utcnow()
    session.flush()
    audit.record(
        session,
        "notifications.retry",
        actor=admin,
        object_type="notification",
        object_id=message.id,
        details={"attempts": message.attempts, "error": message.last_error[:300]},
    )
    return message
