"""Tables for where partners differ: stances, amendments and agree-to-differ outcomes."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.alliance.models import Partner
from app.drafting.models import Revision
from app.extensions import UTCDateTime, db, utcnow
from positions.consensus import neutral_order


class Stance(db.Model):
    """One recorded stance of a partner on a position. Append-only: the latest one counts."""

    __tablename__ = "stances"
    __table_args__ = (Index("ix_stances_position_partner", "position_id", "partner_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    view: Mapped[str] = mapped_column(String(20))
    rationale: Mapped[str] = mapped_column(Text, default="")
    rationale_html: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partner: Mapped[Partner] = relationship(lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")


class Amendment(db.Model):
    """Proposed wording against one revision, with a reason; accepted or declined once."""

    __tablename__ = "amendments"
    __table_args__ = (UniqueConstraint("position_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"), index=True)
    number: Mapped[int]
    base_revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    result_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    base_revision: Mapped[Revision] = relationship(foreign_keys=[base_revision_id], lazy="joined")
    result_revision: Mapped[Revision | None] = relationship(foreign_keys=[result_revision_id])
    partner: Mapped[Partner | None] = relationship(lazy="joined")
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def credit(self) -> str:
        return self.partner.name if self.partner else "the alliance team"


class DifferStatement(db.Model):
    """A partner's own statement for an agree-to-differ outcome. Append-only; latest counts."""

    __tablename__ = "differ_statements"
    __table_args__ = (
        Index("ix_differ_statements_position_partner", "position_id", "partner_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    text: Mapped[str] = mapped_column(Text)
    text_html: Mapped[str] = mapped_column(Text)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partner: Mapped[Partner] = relationship(lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")


class DifferConfirmation(db.Model):
    """A chief officer's confirmation of the outcome, bound to the hash of all statements."""

    __tablename__ = "differ_confirmations"
    __table_args__ = (
        Index("ix_differ_confirmations_position_partner", "position_id", "partner_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    statements_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partner: Mapped[Partner] = relationship(lazy="joined")
    user: Mapped[User] = relationship(lazy="joined")


differ_published_statements = Table(
    "differ_published_statements",
    db.metadata,
    Column("outcome_id", ForeignKey("differ_outcomes.id"), primary_key=True),
    Column("statement_id", ForeignKey("differ_statements.id"), primary_key=True),
)


class DifferOutcome(db.Model):
    """The published record that the partners agreed to differ, until it is reopened."""

    __tablename__ = "differ_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"), index=True)
    statements_hash: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reopened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    statements: Mapped[list[DifferStatement]] = relationship(
        secondary=differ_published_statements, lazy="selectin"
    )

    @property
    def statements_in_order(self) -> list[DifferStatement]:
        """Each partner's statement, partners in neutral order (equal billing)."""
        return neutral_order(self.statements, partner=lambda s: s.partner)


@event.listens_for(Stance, "before_update")
@event.listens_for(DifferStatement, "before_update")
@event.listens_for(DifferConfirmation, "before_update")
def _refuse_rewrite(mapper, connection, target):
    raise RuntimeError(f"{type(target).__name__} rows are append-only")
