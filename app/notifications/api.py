"""API routes for one's own notifications."""

from flask import g

from app.api.contract import WRITES, operation
from app.extensions import db
from app.notifications import queries
from app.notifications import schemas as s
from app.notifications.services import inbox as service


@operation(
    "GET",
    "/notifications",
    summary="My notifications, newest first, with the unread count.",
    answer=s.NotificationPage,
    query=s.InboxQuery,
)
def list_notifications(query: s.InboxQuery):
    page = queries.inbox(db.session, g.api_user.id, page=query.page, per_page=query.per_page)
    unread = queries.unread_total(db.session, g.api_user.id)
    return s.NotificationPage.listing(page, unread)


@operation(
    "POST",
    "/notifications/<int:notification_id>/read",
    summary="Mark one of my notifications read.",
    answer=s.Notification,
    errors=WRITES,
)
def mark_notification_read(notification_id: int):
    return s.Notification.of(service.mark_read(db.session, g.api_user, notification_id))


@operation(
    "POST",
    "/notifications/read-all",
    summary="Mark all my notifications read.",
    answer=s.NotificationPage,
    errors=WRITES,
)
def mark_all_notifications_read():
    service.mark_all_read(db.session, g.api_user)
    page = queries.inbox(db.session, g.api_user.id, page=1, per_page=25)
    return s.NotificationPage.listing(page, 0)
