"""The alliance itself: its partners, its policy areas and its settings."""

from datetime import date

from sqlalchemy import ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from positions import alliance as alliance_core
from positions import consensus as core
from positions.cycle import DEFAULT_COUNTRY


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


class PolicyArea(db.Model):
    __tablename__ = "policy_areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    # A retired area stays on the positions that have it but is offered for no new one.
    retired: Mapped[bool] = mapped_column(default=False, server_default=false())

    def as_core(self) -> alliance_core.Area:
        return alliance_core.Area(self.id, self.name, self.retired)


class AllianceSettings(db.Model):
    """The one row of what set-up decided; the configuration fills in until it exists."""

    __tablename__ = "alliance_settings"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    name: Mapped[str] = mapped_column(String(120))
    time_zone: Mapped[str] = mapped_column(String(64))
    public_introduction: Mapped[str] = mapped_column(Text, default="", server_default="")
    accountable_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"))
    # Whose bank holidays a decision deadline skips (an ISO code: positions/cycle.py).
    holiday_country: Mapped[str] = mapped_column(
        String(10), default=DEFAULT_COUNTRY, server_default=DEFAULT_COUNTRY
    )

    accountable_partner: Mapped[Partner | None] = relationship()
