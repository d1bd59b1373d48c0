"""The alliance itself: its partners and its policy areas."""

from datetime import date

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from positions import consensus as core


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
