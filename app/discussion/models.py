"""Discussion threads on a position's text, their comments, and every edit of a comment."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.alliance.models import Partner
from app.drafting.models import Revision
from app.extensions import UTCDateTime, db, utcnow
from positions import anchoring as core


class Thread(db.Model):
    """A conversation on one passage (or paragraph) of a position, carried across revisions.

    `quote`, `prefix` and `suffix` are the passage as it was selected, kept for ever (an outdated
    thread shows them); `start` and `end` are its offsets in `anchored_revision`, the revision it
    was last carried to.
    """

    __tablename__ = "discussion_threads"
    # The page's and the re-anchoring's read: a position's threads.
    __table_args__ = (
        Index("ix_discussion_threads_position_resolved", "position_id", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"))
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))  # started on
    anchored_revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))
    quote: Mapped[str] = mapped_column(Text)
    prefix: Mapped[str] = mapped_column(String(100), default="")
    suffix: Mapped[str] = mapped_column(String(100), default="")
    start: Mapped[int]
    end: Mapped[int]
    whole_paragraph: Mapped[bool] = mapped_column(default=False)
    # Set when the passage was deleted or rewritten beyond recognition: the revision that did it.
    outdated_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    visibility: Mapped[str] = mapped_column(String(10), default=core.Visibility.ALLIANCE)
    # The partner whose internal note it is (partner visibility only).
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    # Set when the thread answers a chief officer's objection (its first comment is the objection).
    signoff_id: Mapped[int | None] = mapped_column(ForeignKey("signoffs.id"), unique=True)
    started_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    revision: Mapped[Revision] = relationship(foreign_keys=[revision_id], lazy="joined")
    partner: Mapped[Partner | None] = relationship(lazy="joined")
    started_by: Mapped[User] = relationship(foreign_keys=[started_by_id], lazy="joined")
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id], lazy="joined")

    @property
    def outdated(self) -> bool:
        return self.outdated_revision_id is not None

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None

    def as_core(self) -> core.ThreadFacts:
        return core.ThreadFacts(core.Visibility(self.visibility), self.partner_id, self.resolved)


class Comment(db.Model):
    __tablename__ = "discussion_comments"
    __table_args__ = (Index("ix_discussion_comments_thread_id", "thread_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("discussion_threads.id"))
    # The position too, so a comment moves its page's version (app/drafting/models.py).
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The author's partner when they wrote it: "who is saying what" stays true if they move on.
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User] = relationship(lazy="joined")
    partner: Mapped[Partner | None] = relationship(lazy="joined")


class CommentEdit(db.Model):
    """The text a comment had before an edit: edits are kept, never lost."""

    __tablename__ = "discussion_comment_edits"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("discussion_comments.id"), index=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"))
    previous_body: Mapped[str] = mapped_column(Text)
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


@event.listens_for(Thread, "before_delete")
@event.listens_for(Comment, "before_delete")
@event.listens_for(CommentEdit, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise RuntimeError(f"{type(target).__name__} rows are never deleted")
