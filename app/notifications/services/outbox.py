"""Writing notifications: in the caller's transaction, flushed, never committed.

If the event that causes a message commits, the message exists; if it rolls back, so does the
message. An unsent message of the same kind about the same thing for the same person is brought
up to date instead of a second one being queued (ten edits in an hour make one message).
"""

from collections.abc import Sequence

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.extensions import utcnow
from app.notifications.models import MailStatus, Notification, NotificationPreference
from positions.notifying import KINDS, Delivery, Kind, Recipient, delivery_for

TEMPLATES = "notifications/mail/{kind}.txt"


def compose(kind: Kind, **context) -> tuple[str, str]:
    """The kind's template, rendered: its first line is the subject, the rest the body."""
    template = current_app.jinja_env.get_template(TEMPLATES.format(kind=kind.value))
    subject, _, body = template.render(**context).strip().partition("\n")
    return subject.strip()[:200], body.strip()


def _preferences(session: Session, user_ids: Sequence[int], kind: Kind) -> dict[int, Delivery]:
    rows = session.execute(
        select(NotificationPreference.user_id, NotificationPreference.delivery).where(
            NotificationPreference.user_id.in_(user_ids), NotificationPreference.kind == kind
        )
    )
    return {user_id: Delivery(delivery) for user_id, delivery in rows}


def _status_for(kind: Kind, delivery: Delivery) -> str:
    if not KINDS[kind].by_email or delivery is Delivery.IN_APP:
        return MailStatus.NONE
    return MailStatus.DIGEST if delivery is Delivery.DIGEST else MailStatus.QUEUED


def _still_unsent():
    """A message nobody has seen yet: not handed to a sender, not mailed, not read."""
    waiting_mail = and_(
        Notification.mail_status.in_((MailStatus.QUEUED, MailStatus.DIGEST)),
        Notification.attempts == 0,
        Notification.lease_token.is_(None),
    )
    return and_(
        or_(waiting_mail, Notification.mail_status == MailStatus.NONE),
        Notification.read_at.is_(None),
    )


def notify(
    session: Session,
    kind: Kind,
    recipients: Sequence[Recipient],
    *,
    link: str,
    about: tuple[str, int | None] = ("", None),
    **context,
) -> list[int]:
    """Queue one message of `kind` for each recipient; returns the ids written or updated."""
    if not recipients:
        return []
    people = {
        u.id: u
        for u in session.execute(
            select(User).where(User.id.in_([r.user_id for r in recipients]))
        ).scalars()
    }
    chosen = _preferences(session, list(people), kind)
    about_type, about_id = about
    now = utcnow()
    written = []
    for recipient in recipients:
        person = people.get(recipient.user_id)
        if person is None or (not person.active and kind is not Kind.INVITATION):
            continue
        subject, body = compose(kind, person=person, **context)
        status = _status_for(kind, delivery_for(kind, chosen.get(person.id)))
        if about_id is not None:
            # Conditional, so a sender that claimed the row meanwhile is never overtaken.
            existing = session.execute(
                select(Notification.id)
                .where(
                    Notification.recipient_id == person.id,
                    Notification.kind == kind,
                    Notification.about_type == about_type,
                    Notification.about_id == about_id,
                    _still_unsent(),
                )
                .order_by(Notification.id.desc())
                .limit(1)
            ).scalar()
            if existing is not None:
                updated = session.execute(
                    update(Notification)
                    .where(Notification.id == existing, _still_unsent())
                    .values(
                        subject=subject,
                        body=body,
                        link=link,
                        reason=recipient.reason,
                        occurrences=Notification.occurrences + 1,
                        updated_at=now,
                    )
                    .execution_options(synchronize_session=False)
                )
                if updated.rowcount:
                    written.append(existing)
                    continue
        message = Notification(
            recipient_id=person.id,
            kind=kind.value,
            about_type=about_type,
            about_id=about_id,
            subject=subject,
            body=body,
            link=link,
            reason=recipient.reason,
            created_at=now,
            updated_at=now,
            in_app=KINDS[kind].in_app,
            mail_status=status,
            next_attempt_at=now if status == MailStatus.QUEUED else None,
        )
        session.add(message)
        session.flush()
        written.append(message.id)
    return written
