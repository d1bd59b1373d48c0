"""The audit record as people read it: filtered, with names instead of ids, details in words."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.alliance.models import Partner, PolicyArea
from app.alliance.settings import clock_of
from app.audit.models import AuditEvent
from app.audit.services import AuditLog, verify_chain_of
from app.drafting.models import Position
from app.meetings.queries.exports import neutralise
from positions.audit import readable_details
from positions.refusals import Forbidden, Invalid
from positions.roles import can_read_audit

CSV_LIMIT = 100_000  # a whole record of years fits; beyond that, narrow the filters


@dataclass(frozen=True)
class AuditFilters:
    who: str = ""  # part of a name or an email
    what: str = ""  # an action, or its family: "partner" finds partner.create and partner.update
    since: date | None = None  # in the alliance's time zone, inclusive
    until: date | None = None
    position: int | None = None

    @classmethod
    def parse(cls, args) -> "AuditFilters":
        def day(name: str) -> date | None:
            text = (args.get(name) or "").strip()
            if not text:
                return None
            try:
                return date.fromisoformat(text)
            except ValueError:
                raise Invalid(f"{text!r} is not a date (YYYY-MM-DD).", field=name) from None

        position = (args.get("position") or "").strip()
        if position and not (position.isdigit() and len(position) < 10):
            raise Invalid(f"{position!r} is not a position number.", field="position")
        return cls(
            who=(args.get("who") or "").strip()[:120],
            what=(args.get("what") or "").strip()[:60],
            since=day("since"),
            until=day("until"),
            position=int(position) if position else None,
        )

    @property
    def active(self) -> bool:
        return bool(self.who or self.what or self.since or self.until or self.position)

    def as_args(self) -> dict:
        return {
            k: v
            for k, v in {
                "who": self.who,
                "what": self.what,
                "since": self.since.isoformat() if self.since else "",
                "until": self.until.isoformat() if self.until else "",
                "position": self.position or "",
            }.items()
            if v
        }


@dataclass(frozen=True)
class ReadableEvent:
    event: AuditEvent
    who: str  # the person's name, else what the record says (an email, "system")
    about: str  # the object, named: "position 12 · Fair rents"
    details: list[tuple[str, str]]


def _conditions(session: Session, filters: AuditFilters) -> list:
    conditions = []
    if filters.who:
        pattern = f"%{filters.who.lower()}%"
        named = select(User.id).where(func.lower(User.name).like(pattern))
        conditions.append(
            or_(func.lower(AuditEvent.actor_label).like(pattern), AuditEvent.actor_id.in_(named))
        )
    if filters.what:
        conditions.append(
            or_(AuditEvent.action == filters.what, AuditEvent.action.like(f"{filters.what}.%"))
        )
    clock = clock_of(session)
    if filters.since:
        conditions.append(AuditEvent.at >= clock.day_start(filters.since))
    if filters.until:
        conditions.append(AuditEvent.at < clock.day_start(filters.until + timedelta(days=1)))
    if filters.position:
        conditions.append(AuditEvent.object_type == "position")
        conditions.append(AuditEvent.object_id == str(filters.position))
    return conditions


def _check(viewer: User) -> None:
    if not can_read_audit(viewer.actor):
        raise Forbidden("Only admins can read the audit record.")


def browse(
    session: Session,
    viewer: User,
    filters: AuditFilters,
    *,
    page: int,
    per_page: int,
    verify: bool = False,
) -> tuple[AuditLog, list[ReadableEvent]]:
    """One page of the events that match, newest first, each in words."""
    _check(viewer)
    conditions = _conditions(session, filters)
    events = list(
        session.execute(
            select(AuditEvent)
            .where(*conditions)
            .order_by(AuditEvent.seq.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        ).scalars()
    )
    total = session.execute(select(func.count(AuditEvent.id)).where(*conditions)).scalar_one()
    log = AuditLog(events, page, per_page, total, verify_chain_of(session) if verify else None)
    return log, readable(session, events)


# Which rows an event's object_id names, and what each is called.
NAMED = {
    "user": (User, User.name),
    "partner": (Partner, Partner.name),
    "area": (PolicyArea, PolicyArea.name),
    "position": (Position, Position.title),
}


def readable(session: Session, events: list[AuditEvent]) -> list[ReadableEvent]:
    """Names for the people and objects of these events: one query per kind, not per row."""
    actor_ids = {e.actor_id for e in events if e.actor_id}
    names = (
        dict(session.execute(select(User.id, User.name).where(User.id.in_(actor_ids))).all())
        if actor_ids
        else {}
    )
    objects: dict[tuple[str, str], str] = {}
    for kind, (model, name) in NAMED.items():
        ids = {int(e.object_id) for e in events if e.object_type == kind and e.object_id.isdigit()}
        ids = {i for i in ids if i < 2**31}
        if ids:
            rows = session.execute(select(model.id, name).where(model.id.in_(ids))).all()
            objects.update({(kind, str(row[0])): row[1] for row in rows})
    shown = []
    for e in events:
        about = f"{e.object_type} {e.object_id}".strip()
        if (e.object_type, e.object_id) in objects:
            about += f" · {objects[(e.object_type, e.object_id)]}"
        who = names.get(e.actor_id) or e.actor_label
        shown.append(ReadableEvent(e, who, about, readable_details(e.details)))
    return shown


def as_csv(session: Session, viewer: User, filters: AuditFilters) -> Iterator[str]:
    """The matching events, oldest first, as CSV (names and words, with each event's hash)."""
    _check(viewer)
    clock = clock_of(session)
    events = list(
        session.execute(
            select(AuditEvent)
            .where(*_conditions(session, filters))
            .order_by(AuditEvent.seq)
            .limit(CSV_LIMIT)
        ).scalars()
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["seq", "at", "who", "actor", "action", "object", "details", "hash", "prev_hash"]
    )
    for row in readable(session, events):
        e = row.event
        writer.writerow(
            neutralise(cell)  # a name like "=SUM(...)" must not run in a spreadsheet
            for cell in [
                e.seq,
                clock.local(e.at).isoformat(timespec="seconds"),
                row.who,
                e.actor_label,
                e.action,
                row.about,
                "; ".join(f"{label}: {text}" for label, text in row.details),
                e.hash,
                e.prev_hash,
            ]
        )
    yield out.getvalue()
