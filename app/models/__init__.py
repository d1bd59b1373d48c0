"""The database tables, as SQLAlchemy 2 typed models. Rules live in positions/, not here."""

from datetime import UTC, date, datetime

from flask_login import UserMixin
from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from positions import consensus as core
from positions.roles import Actor, parse_roles


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, hands back aware UTC, the same on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=UTC) if value is not None else None


def utcnow() -> datetime:
    return datetime.now(UTC)


class Partner(db.Model):
    __tablename__ = "partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    joined_on: Mapped[date | None]
    left_on: Mapped[date | None]

    def as_core(self) -> core.Partner:
        return core.Partner(
            self.id, self.slug, self.name, self.active, self.joined_on, self.left_on
        )


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    roles: Mapped[str] = mapped_column(String(200), default="")  # comma-separated role names
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partner: Mapped[Partner | None] = relationship(lazy="joined")

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.partner_id, parse_roles(r for r in self.roles.split(",") if r))

    @property
    def affiliation(self) -> str:
        return self.partner.name if self.partner else "Alliance team"


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class PolicyArea(db.Model):
    __tablename__ = "policy_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)


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

    area: Mapped[PolicyArea] = relationship()
    current_revision: Mapped["Revision | None"] = relationship(
        foreign_keys=[current_revision_id], post_update=True
    )
    publication: Mapped["Publication | None"] = relationship(
        foreign_keys=[publication_id], post_update=True
    )

    @property
    def published_revision(self) -> "Revision | None":
        return self.publication.revision if self.publication else None


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

    revision: Mapped[Revision] = relationship(lazy="joined")
    partner: Mapped[Partner] = relationship(lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")

    def as_core(self) -> core.SignOff:
        return core.SignOff(
            self.partner_id,
            self.revision.number,
            self.content_hash,
            core.Decision(self.decision),
            self.created_at,
            self.id,
            self.comment,
        )


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


class AuditEvent(db.Model):
    """Append-only: each event's hash covers the previous one's, so edits and gaps show."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_label: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(60), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[str] = mapped_column(String(60), default="")
    details: Mapped[str] = mapped_column(Text, default="{}")  # JSON, exactly as hashed
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(db.Model):
    """One row: the latest sequence number and hash. Appends lock it, so the chain never forks."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64))


@event.listens_for(Revision, "before_update")
@event.listens_for(SignOff, "before_update")
@event.listens_for(AuditEvent, "before_update")
@event.listens_for(Publication, "before_update")
def _refuse_rewrite(mapper, connection, target):
    raise RuntimeError(f"{type(target).__name__} rows are immutable once written")


@event.listens_for(Revision, "before_delete")
@event.listens_for(SignOff, "before_delete")
@event.listens_for(AuditEvent, "before_delete")
@event.listens_for(Publication, "before_delete")
@event.listens_for(Position, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise RuntimeError(f"{type(target).__name__} rows are never deleted")


from app.models.divergence import (  # noqa: E402  (the feature modules extend this one)
    Amendment,
    DifferConfirmation,
    DifferOutcome,
    DifferStatement,
    Stance,
)
from app.models.meetings import (  # noqa: E402
    Appearance,
    AppearancePosition,
    CalendarFeed,
    Counterpart,
    Flag,
    Mandate,
    Meeting,
    MeetingReschedule,
    Organisation,
    OrganisationAlias,
)

__all__ = [
    "Amendment",
    "ApiToken",
    "Appearance",
    "AppearancePosition",
    "AuditEvent",
    "AuditHead",
    "CalendarFeed",
    "Counterpart",
    "DifferConfirmation",
    "DifferOutcome",
    "DifferStatement",
    "Flag",
    "Mandate",
    "Meeting",
    "MeetingReschedule",
    "Organisation",
    "OrganisationAlias",
    "Partner",
    "PolicyArea",
    "Position",
    "Publication",
    "Revision",
    "SignOff",
    "Stance",
    "User",
]
