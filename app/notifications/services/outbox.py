"""Writing notifications: in the caller's transaction, flushed, never committed.

If the event that causes a message commits, the message exists; if it rolls back, so does the
message. An unsent message of the same kind about the same thing for the same person is brought
up to date instead of a second one being queued (ten edits in an hour make one message).
"""

from collections.abc import Sequence

from flask import current_app
from sqlalchemy import and_, func, or_, select, update
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


def _people(session: Session, user_ids: Sequence[int], kind: Kind):
    """Each recipient with how they chose to get `kind` (None: not chosen), in one query."""
    chosen = and_(NotificationPreference.user_id == User.id, NotificationPreference.kind == kind)
    rows = session.execute(
        select(User, NotificationPreference.delivery)
        .outerjoin(NotificationPreference, chosen)
        .where(User.id.in_(user_ids))
    )
    return {user.id: (user, Delivery(delivery) if delivery else None) for user, delivery in rows}


def _unsent_about(
    session: Session, user_ids: Sequence[int], kind: Kind, about_type: str, about_id: int
) -> dict[int, int]:
    """Each person's newest unsent message of `kind` about the same thing, to bring up to date."""
    rows = session.execute(
        select(Notification.recipient_id, func.max(Notification.id))
        .where(
            Notification.recipient_id.in_(user_ids),
            Notification.kind == kind,
            Notification.about_type == about_type,
            Notification.about_id == about_id,
            _still_unsent(),
        )
        .group_by(Notification.recipient_id)
    )
    return dict(rows.all())


def notify(
    session: Session,
    kind: Kind,
    recipients: Sequence[Recipient],
    *,
    link: str,
    about: tuple[str, int | None] = ("", None),
    **context,
) -> list[int]:
    """Queue one message of `kind` for each recipient; returns the ids written or updated.

    A few statements whatever the number of recipients (people and choices, unsent messages to
    bring up to date, the new rows in one flush): it runs inside the request that caused it."""
    if not recipients:
        return []
    user_ids = [r.user_id for r in recipients]
    people = _people(session, user_ids, kind)
    about_type, about_id = about
    unsent = {}
    if about_id is not None:
        unsent = _unsent_about(session, user_ids, kind, about_type, about_id)
    now = utcnow()
    written: list[int | Notification] = []
    for recipient in recipients:
        person, preference = people.get(recipient.user_id, (None, None))
        if person is None or (not person.active and kind is not Kind.INVITATION):
            continue
        subject, body = compose(kind, person=person, **context)
        status = _status_for(kind, delivery_for(kind, preference))
        existing = unsent.get(person.id)
        if existing is not None:
            # Conditional, so a sender that claimed the row meanwhile is never overtaken.
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
        written.append(message)
    session.flush()  # the new rows in one go
    return [m if isinstance(m, int) else m.id for m in written]
