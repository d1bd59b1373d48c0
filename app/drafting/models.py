"""Positions, their immutable revisions, sign-offs and publications."""

from datetime import date, datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    event,
    inspect,
    update,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.accounts.models import User
from app.alliance.models import Partner, PolicyArea
from app.deputies.models import Deputation
from app.extensions import UTCDateTime, db, utcnow
from positions import consensus as core
from positions import deputies, governance


class Position(db.Model):
    __tablename__ = "positions"
    # Open positions newest first: the dashboard and the positions list filtered by status.
    __table_args__ = (Index("ix_positions_status_updated_at", "status", "updated_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("policy_areas.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=core.PositionStatus.DRAFT, index=True)
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True)
    )
    publication_id: Mapped[int | None] = mapped_column(
        ForeignKey("publications.id", use_alter=True), index=True
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    review_by: Mapped[date | None] = mapped_column(index=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Ready for sign-off (positions/cycle.py): since when (the clock restarts on each new
    # revision), by when a decision is needed, and the outside deadline that drives it.
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_due: Mapped[date | None] = mapped_column(index=True)
    ready_note: Mapped[str] = mapped_column(String(300), default="", server_default="")
    external_deadline: Mapped[date | None]
    external_label: Mapped[str] = mapped_column(String(120), default="", server_default="")
    # Moves whenever anything the position's page shows is written (see _move_versions).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    area: Mapped[PolicyArea] = relationship()
    current_revision: Mapped["Revision | None"] = relationship(
        foreign_keys=[current_revision_id], post_update=True
    )
    publication: Mapped["Publication | None"] = relationship(
        foreign_keys=[publication_id], post_update=True
    )

    @property
    def ready(self) -> bool:
        return self.ready_at is not None

    @property
    def published_revision(self) -> "Revision | None":
        return self.publication.revision if self.publication else None

    @property
    def public_title(self) -> str:
        """The title the public may see: the published revision's, never a later draft's."""
        published = self.published_revision
        return published.title if published else self.title

    @hybrid_property
    def publicly_visible(self) -> bool:
        """Its published text is on the public record (positions.consensus.publicly_visible)."""
        return core.publicly_visible(
            core.PositionStatus(self.status), self.publication_id is not None
        )

    @publicly_visible.inplace.expression
    @classmethod
    def _publicly_visible_sql(cls):
        # The same rule in SQL, from the same statuses.
        return and_(cls.publication_id.is_not(None), cls.status.not_in(core.HIDDEN_FROM_PUBLIC))


class Revision(db.Model):
    """One immutable version of a position's text."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("position_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    base_number: Mapped[int | None]
    note: Mapped[str] = mapped_column(String(300), default="")
    merged: Mapped[bool] = mapped_column(default=False)
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendments.id", use_alter=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship(lazy="joined")

    def as_core(self) -> core.Revision:
        return core.Revision(self.number, self.content_hash)


class SignOff(db.Model):
    """A chief officer's decision for their partner on one exact revision. Kept for ever."""

    __tablename__ = "signoffs"
    __table_args__ = (Index("ix_signoffs_position_partner", "position_id", "partner_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"))
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"), index=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    decision: Mapped[str] = mapped_column(String(10))
    comment: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when a deputy decided, acting for the partner's chief officer.
    deputation_id: Mapped[int | None] = mapped_column(ForeignKey("deputations.id"))

    revision: Mapped[Revision] = relationship(lazy="joined")
    partner: Mapped[Partner] = relationship(lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")

    @property
    def acting(self) -> bool:
        return self.deputation_id is not None

    @property
    def decided_by(self) -> str:
        """'Jo Smith, acting for the chief officer of Riverbank', or the chief officer's name."""
        return deputies.capacity(self.user.name, self.partner.name, self.acting)

    def as_core(self) -> core.SignOff:
        return core.SignOff(
            self.partner_id,
            self.revision.number,
            self.content_hash,
            core.Decision(self.decision),
            self.created_at,
            self.id,
            self.comment,
            self.user.name,
            self.acting_for,
        )

    @property
    def acting_for(self) -> str | None:
        return deputies.acting_for(self.partner.name) if self.acting else None


publication_signatories = Table(
    "publication_signatories",
    db.metadata,
    Column("publication_id", ForeignKey("publications.id"), primary_key=True),
    Column("signoff_id", ForeignKey("signoffs.id"), primary_key=True),
)


class Publication(db.Model):
    """The moment a revision became the alliance's position, with the approvals that carried it."""

    __tablename__ = "publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"), index=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    revision: Mapped[Revision] = relationship(lazy="joined")
    published_by: Mapped[User] = relationship()
    signatories: Mapped[list[SignOff]] = relationship(
        secondary=publication_signatories, lazy="selectin"
    )

    @property
    def signatories_in_order(self) -> list[SignOff]:
        """The signatures, partners in neutral order (equal billing)."""
        return core.neutral_order(self.signatories, partner=lambda s: s.partner)


class MotionConfirmation(db.Model):
    """A chief officer's confirmation, for their partner, that a joint decision be undone.

    Bound to exactly what is undone (positions.governance.Subject): the published revision and
    its hash for a withdrawal, the outcome and its statements' hash for a reopening. Kept for ever.
    """

    __tablename__ = "motion_confirmations"
    __table_args__ = (
        Index("ix_motion_confirmations_position_motion", "position_id", "motion", "partner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    motion: Mapped[str] = mapped_column(String(20))
    subject_number: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partner: Mapped[Partner] = relationship(lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")

    def as_core(self) -> governance.Confirmation:
        subject = governance.Subject(
            governance.Motion(self.motion), self.subject_number, self.content_hash
        )
        return governance.Confirmation(
            self.partner_id, subject, self.created_at, self.id, self.reason
        )


class Dissent(db.Model):
    """A partner's public statement that it no longer supports a published text, until retracted."""

    __tablename__ = "dissents"
    __table_args__ = (Index("ix_dissents_position_partner", "position_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    publication_id: Mapped[int] = mapped_column(ForeignKey("publications.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retracted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    position: Mapped[Position] = relationship()
    partner: Mapped[Partner] = relationship(lazy="joined")
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")


@event.listens_for(Revision, "before_update")
@event.listens_for(SignOff, "before_update")
@event.listens_for(Publication, "before_update")
@event.listens_for(MotionConfirmation, "before_update")
def _refuse_rewrite(mapper, connection, target):
    raise RuntimeError(f"{type(target).__name__} rows are immutable once written")


@event.listens_for(Revision, "before_delete")
@event.listens_for(SignOff, "before_delete")
@event.listens_for(Publication, "before_delete")
@event.listens_for(Position, "before_delete")
@event.listens_for(MotionConfirmation, "before_delete")
@event.listens_for(Dissent, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise RuntimeError(f"{type(target).__name__} rows are never deleted")


@event.listens_for(Session, "before_flush")
def _move_versions(session: Session, flush_context, instances) -> None:
    """Move the version of every position that this flush touches, in the same UPDATE.

    Touched: the position's own columns, or any row naming it (a revision, a sign-off, a stance,
    an amendment...). A change of name to a person or of anything about a partner shows on every
    position's page, so it moves them all; that is rare.
    """
    touched: set[int] = set()
    everything = False
    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, Position):
            if row not in session.new and session.is_modified(row):
                touched.add(row.id)
        elif isinstance(row, Partner):  # a new partner is a new signatory of every draft
            everything = everything or row in session.new or session.is_modified(row)
        elif isinstance(row, PolicyArea) and row not in session.new:
            everything = everything or session.is_modified(row)  # its name shows on the page
        elif isinstance(row, Deputation):  # who may sign for a partner shows on every page
            everything = True
        elif isinstance(row, User) and row not in session.new:
            everything = everything or inspect(row).attrs.name.history.has_changes()
        elif isinstance(getattr(row, "position_id", None), int):
            touched.add(row.position_id)
    if everything:
        session.execute(update(Position).values(version=Position.version + 1))
        return
    with session.no_autoflush:
        for position_id in touched:
            position = session.get(Position, position_id)
            if position is not None:
                position.version = Position.version + 1  # in SQL: concurrent writers both count
