"""Meetings and their audience: record, edit, reschedule, cancel; organisations and aliases."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.alliance.models import PolicyArea
from app.alliance.settings import clock_of
from app.audit import services as audit
from app.extensions import utcnow
from app.meetings.models import (
    Counterpart,
    Meeting,
    MeetingReschedule,
    Organisation,
    OrganisationAlias,
)
from app.web.params import MAX_ID, is_number
from positions import meetings as meeting_rules
from positions import roles
from positions.clock import Clock
from positions.refusals import Conflict, Forbidden, Invalid, NotFound
from positions.text import long_text, one_line

# ---- time: every date and time a person types is in the alliance's zone (positions/clock.py) --


def parse_when(
    value: object, field_name: str, clock: Clock, *, required: bool = True
) -> datetime | None:
    """An ISO 8601 date-time (with or without an offset) from the API, as aware UTC."""
    if value is None or value == "":
        if required:
            raise Invalid(f"'{field_name}' is required.", code="missing_field", field=field_name)
        return None
    if isinstance(value, datetime):
        return clock.to_utc(value, field_name)
    if not isinstance(value, str):
        raise Invalid(
            f"'{field_name}' must be an ISO 8601 date and time, e.g. 2026-03-05T10:30.",
            code="bad_field",
            field=field_name,
        )
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(
            f"'{field_name}' must be an ISO 8601 date and time, e.g. 2026-03-05T10:30.",
            code="bad_field",
            field=field_name,
        ) from None
    return clock.to_utc(parsed, field_name)


# ---- input -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CounterpartInput:
    organisation: str
    person: str = ""
    role: str = ""
    represents: str = ""

    @property
    def blank(self) -> bool:
        return not any(
            v.strip() for v in (self.organisation, self.person, self.role, self.represents)
        )


MEETING_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "place",
    "online",
    "organiser",
    "kind",
    "status",
    "areas",
    "minutes",
    "public",
    "counterparts",
)


@dataclass
class MeetingInput:
    title: str
    starts_at: datetime
    ends_at: datetime | None = None
    place: str = ""
    online: bool = False
    organiser: str = ""
    kind: str = meeting_rules.MeetingKind.MEETING.value
    status: str = meeting_rules.MeetingStatus.PLANNED.value
    areas: list = field(default_factory=list)
    minutes: str = ""
    public: bool = False
    counterparts: list[CounterpartInput] = field(default_factory=list)


def _check_may_manage(user: User) -> None:
    if not roles.can_manage_meetings(user.actor):
        raise Forbidden("Only communications staff and admins record and edit meetings.")


def _choice(value: str, enum, name: str) -> str:
    try:
        return enum(value).value
    except ValueError:
        known = ", ".join(e.value for e in enum)
        raise Invalid(
            f"Unknown {name} {value!r}; choose one of: {known}.", code=f"unknown_{name}", field=name
        ) from None


def find_areas(session: Session, refs: Iterable) -> list[PolicyArea]:
    """Policy areas by id or slug; an unknown one is named in the refusal."""
    refs = [r for r in refs if r not in (None, "")]
    if not refs:
        return []
    ids = {int(r) for r in refs if isinstance(r, int) or is_number(str(r))}
    slugs = {str(r) for r in refs if not (isinstance(r, int) or is_number(str(r)))}
    if any(not 0 < i <= MAX_ID for i in ids):
        raise Invalid("There is no such policy area.", code="unknown_area", field="areas")
    found = list(
        session.execute(
            select(PolicyArea).where(PolicyArea.id.in_(ids) | PolicyArea.slug.in_(slugs))
        ).scalars()
    )
    missing = (ids - {a.id for a in found}) | (slugs - {a.slug for a in found})
    if missing:
        names = ", ".join(sorted(str(m) for m in missing))
        raise Invalid(f"There is no policy area {names}.", code="unknown_area", field="areas")
    return sorted(found, key=lambda a: a.name.casefold())


# ---- organisations ---------------------------------------------------------------------------


def find_organisation(session: Session, name: str) -> Organisation | None:
    key = meeting_rules.normalise_name(name)
    if not key:
        return None
    org = session.execute(
        select(Organisation).where(Organisation.name_key == key)
    ).scalar_one_or_none()
    if org is not None:
        return org
    alias = session.execute(
        select(OrganisationAlias).where(OrganisationAlias.alias_key == key)
    ).scalar_one_or_none()
    return alias.organisation if alias else None


def resolve_organisation(session: Session, user: User, name: str) -> Organisation:
    """The organisation this name (or one of its aliases) stands for, created if new."""
    name = meeting_rules.check_text(one_line(name), "organisation")
    found = find_organisation(session, name)
    if found is not None:
        return found
    org = Organisation(name=name, name_key=meeting_rules.normalise_name(name))
    try:
        with session.begin_nested():
            session.add(org)
            session.flush()
    except IntegrityError:
        # Someone else created it since we looked; theirs is the one (and audited by them).
        found = find_organisation(session, name)
        if found is None:
            raise Conflict(
                f"{name} is being added by someone else right now; try again.",
                code="organisation_busy",
                field="organisation",
            ) from None
        return found
    audit.record(
        session,
        "organisation.create",
        actor=user,
        object_type="organisation",
        object_id=org.id,
        details={"name": org.name},
    )
    return org


def get_organisation(session: Session, organisation_id: int) -> Organisation:
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise NotFound(f"There is no organisation {organisation_id}.")
    return org


def organisations(session: Session) -> list[Organisation]:
    return list(session.execute(select(Organisation).order_by(Organisation.name)).scalars())


def add_alias(session: Session, user: User, organisation_id: int, alias: str) -> OrganisationAlias:
    """Another name for an organisation, so every spelling resolves to the same one."""
    _check_may_manage(user)
    org = get_organisation(session, organisation_id)
    alias = meeting_rules.check_text(alias, "alias")
    key = meeting_rules.normalise_name(alias)
    if not key:
        raise Invalid("Type the other name this organisation goes by.", field="alias")
    existing = find_organisation(session, alias)
    if existing is not None:
        if existing.id == org.id:
            raise Conflict(f"“{alias}” already resolves to {org.name}.", field="alias")
        raise Conflict(
            f"“{alias}” already names another organisation, {existing.name}.",
            code="alias_taken",
            field="alias",
        )
    row = OrganisationAlias(organisation=org, alias=alias, alias_key=key)
    session.add(row)
    session.flush()
    audit.record(
        session,
        "organisation.alias",
        actor=user,
        object_type="organisation",
        object_id=org.id,
        details={"alias": alias},
    )
    return row


# ---- meetings --------------------------------------------------------------------------------


def get_meeting(session: Session, meeting_id: int) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(f"There is no meeting {meeting_id}.")
    return meeting


def _validated(session: Session, data: MeetingInput) -> dict:
    title = meeting_rules.check_text(one_line(data.title), "title")
    if data.starts_at is None:
        raise Invalid("Give the date and time it starts.", code="missing_field", field="starts_at")
    clock = clock_of(session)
    starts_at = clock.to_utc(data.starts_at, "starts_at")
    ends_at = clock.to_utc(data.ends_at, "ends_at") if data.ends_at else None
    meeting_rules.check_meeting(title, starts_at, ends_at)
    counterparts = [c for c in data.counterparts if not c.blank]
    meeting_rules.check_audience(
        [(c.organisation, c.person, c.role, c.represents) for c in counterparts]
    )
    return {
        "title": title,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": meeting_rules.check_text(data.place, "place"),
        "online": bool(data.online),
        "organiser": meeting_rules.check_text(data.organiser, "organiser"),
        "kind": _choice(data.kind, meeting_rules.MeetingKind, "kind"),
        "status": _choice(data.status, meeting_rules.MeetingStatus, "status"),
        "areas": find_areas(session, data.areas),
        "minutes": meeting_rules.check_text(
            long_text(data.minutes), "minutes", meeting_rules.MINUTES_MAX
        ),
        "public": bool(data.public),
        "counterparts": counterparts,
    }


def _counterpart_rows(session: Session, user: User, rows: list[CounterpartInput]):
    return [
        Counterpart(
            organisation=resolve_organisation(session, user, row.organisation),
            ordinal=i,
            person=row.person.strip(),
            role=row.role.strip(),
            represents=row.represents.strip(),
        )
        for i, row in enumerate(rows)
    ]


def _described(meeting: Meeting) -> dict:
    return {
        "title": meeting.title,
        "starts_at": meeting.starts_at.isoformat(),
        "ends_at": meeting.ends_at.isoformat() if meeting.ends_at else None,
        "place": meeting.place,
        "online": meeting.online,
        "organiser": meeting.organiser,
        "kind": meeting.kind,
        "status": meeting.status,
        "areas": [a.slug for a in meeting.areas],
        "public": meeting.public,
        "minutes_chars": len(meeting.minutes),
        "audience": [
            [c.organisation.name, c.person, c.role, c.represents] for c in meeting.counterparts
        ],
    }


def create_meeting(session: Session, user: User, data: MeetingInput) -> Meeting:
    _check_may_manage(user)
    values = _validated(session, data)
    counterparts = values.pop("counterparts")
    now = utcnow()
    meeting = Meeting(
        uid=f"{uuid.uuid4()}@concord",
        created_by_id=user.id,
        created_at=now,
        updated_at=now,
        sequence=0,
        **values,
    )
    session.add(meeting)
    session.flush()
    meeting.counterparts = _counterpart_rows(session, user, counterparts)
    session.flush()
    audit.record(
        session,
        "meeting.create",
        actor=user,
        object_type="meeting",
        object_id=meeting.id,
        details=_described(meeting),
    )
    return meeting


def meeting_input(meeting: Meeting) -> MeetingInput:
    """A meeting as input, for an edit that changes only some fields (PATCH)."""
    return MeetingInput(
        title=meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        place=meeting.place,
        online=meeting.online,
        organiser=meeting.organiser,
        kind=meeting.kind,
        status=meeting.status,
        areas=[a.id for a in meeting.areas],
        minutes=meeting.minutes,
        public=meeting.public,
        counterparts=[
            CounterpartInput(c.organisation.name, c.person, c.role, c.represents)
            for c in meeting.counterparts
        ],
    )


def update_meeting(session: Session, user: User, meeting_id: int, data: MeetingInput) -> Meeting:
    """Change a meeting. A new date keeps the previous one; every change raises SEQUENCE."""
    _check_may_manage(user)
    meeting = get_meeting(session, meeting_id)
    values = _validated(session, data)
    before = _described(meeting)
    counterparts = values.pop("counterparts")
    moved = values["starts_at"] != meeting.starts_at or values["ends_at"] != meeting.ends_at
    if moved:
        meeting.reschedules.append(  # through the collection, so the answer shows it at once
            MeetingReschedule(
                previous_starts_at=meeting.starts_at,
                previous_ends_at=meeting.ends_at,
                changed_by_id=user.id,
            )
        )
    old_audience = [
        (c.organisation.name, c.person, c.role, c.represents) for c in meeting.counterparts
    ]
    new_audience = [(c.organisation, c.person, c.role, c.represents) for c in counterparts]
    areas_before = [a.id for a in meeting.areas]
    for name, value in values.items():
        setattr(meeting, name, value)
    if [c.strip() for row in old_audience for c in row] != [
        c.strip() for row in new_audience for c in row
    ]:
        meeting.counterparts = _counterpart_rows(session, user, counterparts)
    session.flush()
    after = _described(meeting)
    changed = {k: after[k] for k in after if after[k] != before[k]}
    if not changed:
        return meeting
    meeting.sequence += 1
    meeting.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        "meeting.reschedule" if moved else "meeting.update",
        actor=user,
        object_type="meeting",
        object_id=meeting.id,
        details={"changed": changed, "sequence": meeting.sequence},
    )
    if moved or areas_before != [a.id for a in meeting.areas]:
        from app.meetings.services.appearances import check_flags

        check_flags(session, meeting.appearances)
    return meeting
