"""Notifications in the JSON API: one's own inbox, and marking read."""

from datetime import datetime

from flask import request
from pydantic import BaseModel, Field

from app.alliance.settings import clock_of
from app.api.fields import Body, Paged, RowId, Timestamp, Url, paging
from app.extensions import db
from app.notifications import models
from app.web.pagination import MAX_PAGE, MAX_PER_PAGE


class InboxQuery(Body):
    page: paging(1, MAX_PAGE, "Page number, from 1.")
    per_page: paging(25, MAX_PER_PAGE, f"Items per page (at most {MAX_PER_PAGE}).")


def _local(value: datetime | None) -> datetime | None:
    return clock_of(db.session).local(value) if value else None


class Notification(BaseModel):
    id: RowId
    kind: str = Field(description="What happened, e.g. objection, approval_stale, standing.")
    subject: str
    body: str
    reason: str = Field(description="Why this person receives it.")
    link: Url = Field(description="The page where to act.")
    occurrences: int = Field(description="Events coalesced into this one message.")
    updated_at: Timestamp
    read_at: Timestamp | None

    @classmethod
    def of(cls, message: models.Notification) -> "Notification":
        return cls(
            id=message.id,
            kind=message.kind,
            subject=message.subject,
            body=message.body,
            reason=message.reason,
            link=request.url_root.rstrip("/") + message.link,
            occurrences=message.occurrences,
            updated_at=_local(message.updated_at),
            read_at=_local(message.read_at),
        )


class NotificationPage(Paged[Notification]):
    """A page of one's notifications, newest first, with how many are unread."""

    unread: int

    @classmethod
    def listing(cls, page, unread: int) -> "NotificationPage":
        return cls(
            items=[Notification.of(m) for m in page.items],
            page=page.page,
            pages=page.pages,
            total=page.total,
            unread=unread,
        )
