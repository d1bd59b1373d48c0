"""The outbox: one row per message to one person, read in the app and (usually) mailed."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.extensions import UTCDateTime, db, utcnow


class MailStatus:
    QUEUED = "queued"  # waiting for a sender (or for its next try)
    SENT = "sent"
    FAILED = "failed"  # given up: shown to admins, who may retry
    DIGEST = "digest"  # waits for the person's daily digest
    DIGESTED = "digested"  # went out in a digest (a message of its own)
    NONE = "none"  # in the app only


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        # The sender's claim: the queued rows due first.
        Index("ix_notifications_mail_status_next_attempt_at", "mail_status", "next_attempt_at"),
        # The bell and the inbox: one person's unread messages.
        Index("ix_notifications_recipient_id_read_at", "recipient_id", "read_at"),
        # Coalescing: the unsent message about the same thing, for the same people.
        Index("ix_notifications_about", "about_type", "about_id", "kind", "recipient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    # What it is about, for coalescing ("position", 12). Not named position_id on purpose: a row
    # naming a position moves that position's version (app/drafting/models.py _move_versions).
    about_type: Mapped[str] = mapped_column(String(20), default="")
    about_id: Mapped[int | None]
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # plain text, what happened
    link: Mapped[str] = mapped_column(String(500))  # the path of the place to act
    reason: Mapped[str] = mapped_column(String(300))  # why this person receives it
    occurrences: Mapped[int] = mapped_column(default=1)  # events coalesced into this message
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    in_app: Mapped[bool] = mapped_column(default=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Mail delivery.
    mail_status: Mapped[str] = mapped_column(String(10), default=MailStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_token: Mapped[str | None] = mapped_column(String(32), index=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")

    recipient: Mapped[User] = relationship(lazy="joined")


class NotificationPreference(db.Model):
    """How one person wants one kind of message (no row: immediately)."""

    __tablename__ = "notification_preferences"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    delivery: Mapped[str] = mapped_column(String(20))
