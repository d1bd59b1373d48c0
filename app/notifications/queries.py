"""Read-only queries: the bell's count, the inbox, the admin's view of the mail."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.notifications.models import MailStatus, Notification, NotificationPreference
from app.web.pagination import Page, paginate, rows_by_id
from positions.notifying import Delivery, Kind


def unread_count(user_id):
    """A correlated count, to be loaded in the same statement as the person (the bell)."""
    return (
        select(func.count(Notification.id))
        .where(
            Notification.recipient_id == user_id,
            Notification.in_app.is_(True),
            Notification.read_at.is_(None),
        )
        .scalar_subquery()
    )


def inbox(session: Session, user_id: int, *, page: int, per_page: int) -> Page:
    ids = (
        select(Notification.id)
        .where(Notification.recipient_id == user_id, Notification.in_app.is_(True))
        .order_by(Notification.updated_at.desc(), Notification.id.desc())
    )
    return paginate(
        session, ids, rows_by_id(session, select(Notification)), page=page, per_page=per_page
    )


MAIL_VIEWS = {
    "sent": (MailStatus.SENT,),
    "queued": (MailStatus.QUEUED, MailStatus.DIGEST),
    "failed": (MailStatus.FAILED,),
}


def mail(session: Session, view: str, *, page: int, per_page: int) -> Page:
    order = Notification.sent_at if view == "sent" else Notification.updated_at
    ids = (
        select(Notification.id)
        .where(Notification.mail_status.in_(MAIL_VIEWS[view]))
        .order_by(order.desc(), Notification.id.desc())
    )
    return paginate(
        session, ids, rows_by_id(session, select(Notification)), page=page, per_page=per_page
    )


def mail_counts(session: Session) -> dict[str, int]:
    rows = dict(
        session.execute(
            select(Notification.mail_status, func.count(Notification.id)).group_by(
                Notification.mail_status
            )
        ).all()
    )
    return {view: sum(rows.get(s, 0) for s in statuses) for view, statuses in MAIL_VIEWS.items()}


def preferences(session: Session, user_id: int) -> dict[Kind, Delivery]:
    rows = session.execute(
        select(NotificationPreference.kind, NotificationPreference.delivery).where(
            NotificationPreference.user_id == user_id
        )
    )
    return {Kind(kind): Delivery(delivery) for kind, delivery in rows}


def unread_total(session: Session, user_id: int) -> int:
    return session.execute(select(unread_count(user_id))).scalar_one()
