"""The spokesperson log in the JSON API: meetings, appearances, mandates and flags."""

from datetime import datetime
from typing import Annotated, Any

from flask import url_for
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, ValidationInfo
from pydantic_core import PydanticCustomError

from app.alliance.settings import clock_of
from app.api.fields import (
    Body,
    Day,
    OptionalText,
    Paged,
    Ref,
    RowId,
    Slug,
    Text,
    Timestamp,
    Url,
    WholeNumber,
    choice,
    null_is_missing,
    paging,
    text_filter,
)
from app.extensions import db
from app.meetings import models
from app.meetings.queries import log
from app.meetings.services import meetings as meeting_service
from app.meetings.services.meetings import CounterpartInput, MeetingInput
from app.web.pagination import MAX_PAGE, MAX_PER_PAGE
from positions import mandate as core
from positions import meetings as meeting_rules

# ---- requests ----------------------------------------------------------------------------------


def _when(value: Any, info: ValidationInfo) -> datetime | None:
    # The service's reading: ISO 8601, a time without an offset is the alliance's, and a time
    # the clocks skip is refused (nonexistent_time) rather than guessed.
    clock = clock_of(db.session)
    return meeting_service.parse_when(
        value, info.field_name, clock, required=info.field_name != "ends_at"
    )


_ISO = "ISO 8601; without an offset, the alliance's time."
When = Annotated[
    datetime, BeforeValidator(_when, json_schema_input_type=str), Field(description=_ISO)
]
MaybeWhen = Annotated[
    datetime | None,
    BeforeValidator(_when, json_schema_input_type=str | None),
    Field(description=_ISO),
]


def _null_is_empty_list(value: Any) -> Any:
    return [] if value is None else value


def _name_or_row(value: Any) -> Any:
    if isinstance(value, str):
        return {"organisation": value}
    if not isinstance(value, dict):
        raise PydanticCustomError(
            "audience_row",
            "An audience row is an organisation's name, or an object with 'organisation' and "
            "optional 'person', 'role' and 'represents'",
        )
    return value


class AudienceRow(Body):
    """Who was in the audience. A blank row is dropped; one with only a person is refused."""

    organisation: OptionalText = ""
    person: OptionalText = ""
    role: OptionalText = ""
    represents: OptionalText = ""

    def as_input(self) -> CounterpartInput:
        return CounterpartInput(self.organisation, self.person, self.role, self.represents)


AudienceEntry = Annotated[
    AudienceRow, BeforeValidator(_name_or_row, json_schema_input_type=str | AudienceRow)
]


class MeetingChanges(Body):
    """Change some of a meeting's fields: only those sent change."""

    model_config = ConfigDict(extra="forbid")

    title: OptionalText = ""
    starts_at: When = None  # moving only the start moves the end with it
    ends_at: MaybeWhen = None
    place: OptionalText = ""
    online: StrictBool = False
    organiser: OptionalText = ""
    kind: choice(meeting_rules.MeetingKind, required=False) = (
        meeting_rules.MeetingKind.MEETING.value
    )
    status: choice(meeting_rules.MeetingStatus, required=False) = (
        meeting_rules.MeetingStatus.PLANNED.value
    )
    areas: Annotated[list[Ref], BeforeValidator(_null_is_empty_list)] = []
    minutes: OptionalText = ""
    public: StrictBool = False
    audience: Annotated[list[AudienceEntry], BeforeValidator(_null_is_empty_list)] = []

    def apply_to(self, base: MeetingInput) -> MeetingInput:
        """The stored meeting's input (meeting_service.meeting_input) with what was sent."""
        sent = self.model_fields_set
        if "starts_at" in sent:
            previous, base.starts_at = base.starts_at, self.starts_at
            if base.ends_at is not None and "ends_at" not in sent:
                base.ends_at = base.starts_at + (base.ends_at - previous)
        for name in sent - {"starts_at", "audience"}:
            setattr(base, name, getattr(self, name))
        if "audience" in sent:
            base.counterparts = [row.as_input() for row in self.audience]
        return base


class NewMeeting(MeetingChanges):
    """A meeting to record; what is not sent takes its default."""

    model_config = ConfigDict(extra="ignore")

    title: Text
    starts_at: When

    def as_input(self) -> MeetingInput:
        return self.apply_to(MeetingInput(title=self.title, starts_at=self.starts_at))


class NewAppearance(Body):
    """Who spoke, in which capacity, on which positions."""

    # Speaker and capacity are required, but checked by the service after the meeting is found,
    # so an unknown meeting answers 404 whatever the body says.
    model_config = ConfigDict(json_schema_extra={"required": ["speaker", "capacity"]})

    speaker: Ref | None = None
    capacity: str | None = Field(None, description="'alliance' or a partner's slug.")
    positions: Annotated[list[WholeNumber], BeforeValidator(_null_is_empty_list)] = []
    summary: OptionalText = ""
    follow_up: OptionalText = ""


def _day_text(value: Any) -> Any:
    # As the service reads a day: spaces around it do not matter, and empty is none.
    if isinstance(value, str):
        return value.strip() or None
    return value


class NewMandate(Body):
    user: Ref
    areas: list[Ref]
    starts_on: Annotated[Day, BeforeValidator(null_is_missing), BeforeValidator(_day_text)]
    ends_on: Annotated[Day | None, BeforeValidator(_day_text)] = None
    note: OptionalText = ""


class FlagReview(Body):
    note: Text


_ROW = {"type": "integer", "minimum": 1}


def _one_of(enum) -> dict:
    return {"type": "string", "enum": [e.value for e in enum]}


class PageQuery(Body):
    page: paging(1, MAX_PAGE, "Page number, from 1.")
    per_page: paging(50, MAX_PER_PAGE, f"Items per page (at most {MAX_PER_PAGE}).")


class LogQuery(PageQuery):
    """The spokesperson log's filters, as on its web page."""

    speaker: text_filter(_ROW) = Field(None, description="A speaker's user id.")
    partner: text_filter({"type": "string"}) = Field(
        None, description="A partner's slug: spoke for it, or works for it."
    )
    capacity: text_filter(_one_of(core.Capacity)) = Field(
        None, description="For the alliance or for a partner."
    )
    area: text_filter(_ROW) = Field(None, description="A policy area's id.")
    position: text_filter(_ROW) = Field(None, description="A position's id.")
    audience: text_filter(_ROW) = Field(None, description="An organisation's id.")
    kind: text_filter(_one_of(meeting_rules.MeetingKind)) = Field(
        None, description="The kind of meeting."
    )
    status: text_filter(_one_of(meeting_rules.MeetingStatus)) = Field(
        None, description="The meeting's status."
    )
    date_from: text_filter({"type": "string", "format": "date"}) = Field(
        None, description="On or after this day."
    )
    date_to: text_filter({"type": "string", "format": "date"}) = Field(
        None, description="On or before this day."
    )
    flag: text_filter(_one_of(core.FlagState)) = Field(None, description="Flag state.")

    def filters(self) -> log.LogFilters:
        # The web page's parser reads them, so both refuse the same filter in the same words.
        return log.parse_filters(self.model_dump(exclude={"page", "per_page"}, exclude_none=True))


# ---- answers -----------------------------------------------------------------------------------


def local(value: datetime) -> datetime:
    return clock_of(db.session).local(value)


def _local(value: datetime | None) -> datetime | None:
    return local(value) if value else None


class Organisation(BaseModel):
    id: RowId
    name: str


class Counterpart(BaseModel):
    organisation: Organisation
    person: str
    role: str
    represents: str


class Flag(BaseModel):
    """A reason to look again at an appearance."""

    id: RowId
    appearance: RowId
    kind: core.FlagKind
    detail: str
    position: RowId | None
    area: str | None
    raised_at: Timestamp
    reviewed: bool
    reviewed_at: Timestamp | None
    reviewed_by: str | None
    review_note: str | None

    @classmethod
    def of(cls, flag: models.Flag) -> "Flag":
        return cls(
            id=flag.id,
            appearance=flag.appearance_id,
            kind=flag.kind,
            detail=flag.detail,
            position=flag.position_id,
            area=flag.area.slug if flag.area else None,
            raised_at=flag.raised_at,
            reviewed=flag.reviewed,
            reviewed_at=flag.reviewed_at,
            reviewed_by=flag.reviewed_by.name if flag.reviewed_by else None,
            review_note=flag.review_note,
        )


class MeetingBrief(BaseModel):
    id: RowId
    title: str
    starts_at: Timestamp
    kind: meeting_rules.MeetingKind


class Speaker(BaseModel):
    id: RowId
    name: str
    partner: Slug | None


class CitedPosition(BaseModel):
    id: RowId
    title: str
    revision: RowId | None
    state_at_meeting: core.TextState


class Appearance(BaseModel):
    """An entry of the spokesperson log: who spoke at a meeting, for whom, on what."""

    id: RowId
    meeting: MeetingBrief
    speaker: Speaker
    capacity: str = Field(description="'alliance', or the slug of a partner.")
    positions: list[CitedPosition]
    summary: str
    follow_up: str
    flags: list[Flag]

    @classmethod
    def of(cls, appearance: models.Appearance) -> "Appearance":
        meeting, speaker = appearance.meeting, appearance.speaker
        return cls(
            id=appearance.id,
            meeting=MeetingBrief(
                id=meeting.id,
                title=meeting.title,
                starts_at=local(meeting.starts_at),
                kind=meeting.kind,
            ),
            speaker=Speaker(
                id=speaker.id,
                name=speaker.name,
                partner=appearance.speaker_partner.slug if appearance.speaker_partner else None,
            ),
            capacity=appearance.partner.slug if appearance.partner else "alliance",
            positions=[
                CitedPosition(
                    id=c.position_id,
                    title=c.position.title,
                    revision=c.revision.number if c.revision else None,
                    state_at_meeting=c.state,
                )
                for c in appearance.cited
            ],
            summary=appearance.summary,
            follow_up=appearance.follow_up,
            flags=[Flag.of(f) for f in appearance.open_flags],
        )


class Meeting(BaseModel):
    """A meeting or event, with its audience; times in the alliance's zone."""

    id: RowId
    uid: str
    title: str
    starts_at: Timestamp
    ends_at: Timestamp | None
    time_zone: str
    place: str
    online: bool
    organiser: str
    kind: meeting_rules.MeetingKind
    status: meeting_rules.MeetingStatus
    areas: list[str]
    minutes: str
    public: bool
    sequence: int
    rescheduled_from: list[Timestamp]
    audience: list[Counterpart]
    url: Url

    @classmethod
    def fields_of(cls, meeting: models.Meeting) -> dict:
        return {
            "id": meeting.id,
            "uid": meeting.uid,
            "title": meeting.title,
            "starts_at": local(meeting.starts_at),
            "ends_at": _local(meeting.ends_at),
            "time_zone": clock_of(db.session).zone.key,
            "place": meeting.place,
            "online": meeting.online,
            "organiser": meeting.organiser,
            "kind": meeting.kind,
            "status": meeting.status,
            "areas": [a.slug for a in meeting.areas],
            "minutes": meeting.minutes,
            "public": meeting.public,
            "sequence": meeting.sequence,
            "rescheduled_from": [local(r.previous_starts_at) for r in meeting.reschedules],
            "audience": [
                Counterpart(
                    organisation=Organisation(id=c.organisation.id, name=c.organisation.name),
                    person=c.person,
                    role=c.role,
                    represents=c.represents,
                )
                for c in meeting.counterparts
            ],
            "url": url_for("meetings.show", meeting_id=meeting.id, _external=True),
        }

    @classmethod
    def of(cls, meeting: models.Meeting) -> "Meeting":
        return cls(**cls.fields_of(meeting))


class MeetingDetail(Meeting):
    """A meeting, its audience and the appearances at it."""

    appearances: list[Appearance]

    @classmethod
    def of(cls, meeting: models.Meeting, appearances: list[models.Appearance]) -> "MeetingDetail":
        return cls(**cls.fields_of(meeting), appearances=[Appearance.of(a) for a in appearances])


class MeetingPage(Paged[Meeting]):
    """A page of meetings, upcoming first."""


class AppearancePage(Paged[Appearance]):
    """A page of the spokesperson log, newest first."""


class MandateHolder(BaseModel):
    id: RowId
    name: str


class Mandate(BaseModel):
    """Who may speak for the alliance, on which areas, from and to which dates."""

    id: RowId
    user: MandateHolder
    areas: list[str]
    starts_on: Day
    ends_on: Day | None
    note: str
    granted_by: str

    @classmethod
    def of(cls, mandate: models.Mandate) -> "Mandate":
        return cls(
            id=mandate.id,
            user=MandateHolder(id=mandate.user.id, name=mandate.user.name),
            areas=[a.slug for a in mandate.areas],
            starts_on=mandate.starts_on,
            ends_on=mandate.ends_on,
            note=mandate.note,
            granted_by=mandate.granted_by.name,
        )


class FlagPage(Paged[Flag]):
    """A page of reviewed flags, newest review first."""


class FlagQueue(BaseModel):
    """Open flags (the first 50, oldest meeting first) and reviewed ones page by page."""

    open: list[Flag]
    open_total: int
    reviewed: FlagPage

    @classmethod
    def of(cls, queue: log.ReviewQueue) -> "FlagQueue":
        return cls(
            open=[Flag.of(f) for f in queue.open],
            open_total=queue.open_total,
            reviewed=FlagPage.of(queue.reviewed, Flag.of),
        )
