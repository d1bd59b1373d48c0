"""Deputations: who may sign for a partner, from when to when, named and confirmed by whom."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.alliance.models import Partner
from app.extensions import UTCDateTime, db, utcnow
from positions import deputies as core


class Deputation(db.Model):
    __tablename__ = "deputations"
    __table_args__ = (Index("ix_deputations_partner_ends_on", "partner_id", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partners.id"))
    deputy_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # An admin's naming waits for the partner's chief officer; a chief officer's is confirmed
    # as it is made.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    partner: Mapped[Partner] = relationship(lazy="joined")
    deputy: Mapped[User] = relationship(foreign_keys=[deputy_id], lazy="joined")
    granted_by: Mapped[User] = relationship(foreign_keys=[granted_by_id], lazy="joined")

    def as_core(self) -> core.Deputation:
        return core.Deputation(
            self.id,
            self.partner_id,
            self.deputy_id,
            self.starts_on,
            self.ends_on,
            self.confirmed_at is not None,
            self.revoked_at,
        )


@event.listens_for(Deputation, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise RuntimeError("Deputations are never deleted: revoke them")
