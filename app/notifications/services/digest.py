"""The daily digest: what each person chose to get that way, gathered into one email.

The digest is itself an outbox message, so it is delivered (retried, never twice) like any other.
Gathering claims rows with one UPDATE, so two senders gathering at once never both take a row.
"""

import uuid
from collections import defaultdict
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.alliance.settings import clock_of
from app.notifications.models import MailStatus, Notification
from app.notifications.services.mail import base_url
from app.notifications.services.outbox import notify
from positions.notifying import Kind, Recipient, digest_cutoff


def queue_digests(session: Session, *, now: datetime) -> int:
    """Queue this morning's digests (if it is a weekday morning); returns how many. Commits."""
    clock = clock_of(session)
    cutoff = digest_cutoff(clock.local(now))
    if cutoff is None:
        return 0
    token = uuid.uuid4().hex
    session.execute(
        update(Notification)
        .where(Notification.mail_status == MailStatus.DIGEST, Notification.created_at < cutoff)
        .values(mail_status=MailStatus.DIGESTED, lease_token=token)
        .execution_options(synchronize_session=False)
    )
    gathered = session.execute(
        select(Notification).where(Notification.lease_token == token).order_by(Notification.id)
    ).scalars()
    by_person: dict[int, list[Notification]] = defaultdict(list)
    for message in gathered:
        by_person[message.recipient_id].append(message)
    for person_id, items in by_person.items():
        notify(
            session,
            Kind.DIGEST,
            [Recipient(person_id, "you chose to get these in a daily digest")],
            link="/notifications",
            items=items,
            base=base_url(),
        )
    session.execute(
        update(Notification)
        .where(Notification.lease_token == token)
        .values(lease_token=None)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return len(by_person)
