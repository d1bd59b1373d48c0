"""Tables for the spokesperson log: meetings, their audience, appearances, mandates, flags."""

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.alliance.models import Partner, PolicyArea
from app.drafting.models import Position, Revision
from app.extensions import UTCDateTime, db, utcnow

meeting_areas = Table(
    "meeting_areas",
    db.metadata,
    Column("meeting_id", ForeignKey("meetings.id"), primary_key=True),
    Column("area_id", ForeignKey("policy_areas.id"), primary_key=True, index=True),
)

mandate_areas = Table(
    "mandate_areas",
    db.metadata,
    Column("mandate_id", ForeignKey("mandates.id"), primary_key=True),
    Column("area_id", ForeignKey("policy_areas.id"), primary_key=True),
)


class Organisation(db.Model):
    """A counterpart organisation, kept once and reused; aliases resolve its name variants."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    aliases: Mapped[list["OrganisationAlias"]] = relationship(
        back_populates="organisation", order_by="OrganisationAlias.alias", lazy="selectin"
    )


class OrganisationAlias(db.Model):
    __tablename__ = "organisation_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    alias: Mapped[str] = mapped_column(String(200))
    alias_key: Mapped[str] = mapped_column(String(200), unique=True)

    organisation: Mapped[Organisation] = relationship(back_populates="aliases")


class Meeting(db.Model):
    """A meeting or event. Never deleted: a cancelled one stays, marked cancelled."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(80), unique=True)  # stable iCalendar UID
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    organiser: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(30), index=True)
    status: Mapped[str] = mapped_column(String(20), default="planned", index=True)
    minutes: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    sequence: Mapped[int] = mapped_column(default=0)  # iCalendar SEQUENCE: raised on every change
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    areas: Mapped[list[PolicyArea]] = relationship(
        secondary=meeting_areas, order_by=PolicyArea.name, lazy="selectin"
    )
    counterparts: Mapped[list["Counterpart"]] = relationship(
        back_populates="meeting",
        order_by="Counterpart.ordinal",
        lazy="selectin",
        cascade="all, delete-orphan",
    )
    reschedules: Mapped[list["MeetingReschedule"]] = relationship(
        order_by="MeetingReschedule.id", lazy="selectin"
    )
    appearances: Mapped[list["Appearance"]] = relationship(
        back_populates="meeting", order_by="Appearance.id"
    )
    created_by: Mapped[User] = relationship()

    @property
    def where(self) -> str:
        if self.online and self.place:
            return f"Online ({self.place})"
        return "Online" if self.online else self.place


class MeetingReschedule(db.Model):
    """A meeting's earlier date, kept when it is moved."""

    __tablename__ = "meeting_reschedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    previous_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    previous_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Counterpart(db.Model):
    """One row of a meeting's audience: an organisation, and where known a person."""

    __tablename__ = "counterparts"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    ordinal: Mapped[int] = mapped_column(default=0)
    person: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(200), default="")
    represents: Mapped[str] = mapped_column(String(200), default="")

    meeting: Mapped[Meeting] = relationship(back_populates="counterparts")
    organisation: Mapped[Organisation] = relationship(lazy="joined")


class Appearance(db.Model):
    """One entry of the spokesperson log: who spoke at a meeting, for whom, on what."""

    __tablename__ = "appearances"
    __table_args__ = (Index("ix_appearances_meeting_speaker", "meeting_id", "speaker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"))
    speaker_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The speaker's partner when the entry was made, so the record stays true if they move on.
    speaker_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    capacity: Mapped[str] = mapped_column(String(20), index=True)  # alliance | partner
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    flags_checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    meeting: Mapped[Meeting] = relationship(back_populates="appearances", lazy="joined")
    speaker: Mapped[User] = relationship(foreign_keys=[speaker_id], lazy="joined")
    speaker_partner: Mapped[Partner | None] = relationship(
        foreign_keys=[speaker_partner_id], lazy="joined"
    )
    partner: Mapped[Partner | None] = relationship(foreign_keys=[partner_id], lazy="joined")
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])
    cited: Mapped[list["AppearancePosition"]] = relationship(
        back_populates="appearance",
        order_by="AppearancePosition.position_id",
        cascade="all, delete-orphan",
    )
    flags: Mapped[list["Flag"]] = relationship(back_populates="appearance", order_by="Flag.id")

    @property
    def capacity_label(self) -> str:
        if self.capacity == "alliance":
            return "For the alliance"
        return f"For {self.partner.name}" if self.partner else "For a partner"

    @property
    def open_flags(self) -> list["Flag"]:
        return [f for f in self.flags if f.cleared_at is None]


class AppearancePosition(db.Model):
    """A position cited in an appearance, with the revision published at the meeting's date."""

    __tablename__ = "appearance_positions"

    appearance_id: Mapped[int] = mapped_column(ForeignKey("appearances.id"), primary_key=True)
    position_id: Mapped[int] = mapped_column(
        ForeignKey("positions.id"), primary_key=True, index=True
    )
    revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    state: Mapped[str] = mapped_column(String(20))  # TextState at the meeting's date

    appearance: Mapped[Appearance] = relationship(back_populates="cited")
    position: Mapped[Position] = relationship(lazy="joined")
    revision: Mapped[Revision | None] = relationship(lazy="joined")


class Mandate(db.Model):
    """Who may speak for the alliance, on which areas, from and to which dates (inclusive)."""

    __tablename__ = "mandates"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    note: Mapped[str] = mapped_column(String(300), default="")
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    granted_by: Mapped[User] = relationship(foreign_keys=[granted_by_id], lazy="joined")
    areas: Mapped[list[PolicyArea]] = relationship(
        secondary=mandate_areas, order_by=PolicyArea.name, lazy="selectin"
    )


class Flag(db.Model):
    """A reason to look again at an appearance. Reviewed flags stay, with the note and reviewer."""

    __tablename__ = "flags"
    __table_args__ = (UniqueConstraint("appearance_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appearance_id: Mapped[int] = mapped_column(ForeignKey("appearances.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    key: Mapped[str] = mapped_column(String(80))  # kind:subject, one flag per reason
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("policy_areas.id"))
    detail: Mapped[str] = mapped_column(String(300), default="")
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # no longer applies
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_note: Mapped[str] = mapped_column(Text, default="")

    appearance: Mapped[Appearance] = relationship(back_populates="flags")
    position: Mapped[Position | None] = relationship(lazy="joined")
    area: Mapped[PolicyArea | None] = relationship(lazy="joined")
    reviewed_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def reviewed(self) -> bool:
        return self.reviewed_at is not None


class CalendarFeed(db.Model):
    """A private calendar link. Only the token's hash is stored; revoking ends it for good."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")


@event.listens_for(Meeting, "before_delete")
@event.listens_for(Appearance, "before_delete")
@event.listens_for(Flag, "before_delete")
@event.listens_for(Mandate, "before_delete")
@event.listens_for(MeetingReschedule, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise RuntimeError(f"{type(target).__name__} rows are never deleted")


@event.listens_for(MeetingReschedule, "before_update")
def _refuse_rewrite(mapper, connection, target):
    raise RuntimeError(f"{type(target).__name__} rows are append-only")
