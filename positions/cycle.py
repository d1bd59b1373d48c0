"""The sign-off cycle: a position marked ready for sign-off, by when a decision is needed, and
what each chief officer's to-do list holds.

Deadlines are counted in working days in the alliance's own time zone: weekends and the bank
holidays of the alliance's country do not count (the `holidays` library knows them; a table kept
by hand here would go out of date).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache

import holidays

from positions.clock import Clock, check_year
from positions.consensus import PartnerStanding, PartnerState, PositionStatus, open_for_work
from positions.refusals import Conflict, Invalid

DEFAULT_WORKING_DAYS = 10  # a W3C call for consensus runs a week to ten working days
DUE_SOON_WORKING_DAYS = 2
# England's bank holidays: "GB" alone holds only the UK-wide ones, without Easter Monday.
DEFAULT_COUNTRY = "GB-ENG"
SATURDAY = 5
NOTE_MAX = 300
LABEL_MAX = 120


def check_country(code: str) -> str:
    """An ISO 3166 code the holidays library knows, upper case: a country ("DE") or a country
    and its subdivision ("GB-ENG"), where bank holidays differ within a country."""
    code = (code or "").strip().upper()
    country, _, subdivision = code.partition("-")
    known = holidays.list_supported_countries()
    if country not in known or (subdivision and subdivision not in known[country]):
        raise Invalid(
            f"{code or 'An empty code'} is not a place whose bank holidays are known; "
            "give its ISO code, e.g. GB-ENG or DE.",
            "unknown_country",
            "holiday_country",
        )
    return code


@cache
def _bank_holidays(code: str) -> holidays.HolidayBase:
    country, _, subdivision = code.partition("-")
    # Grows year by year as dates are asked about.
    return holidays.country_holidays(country, subdiv=subdivision or None)


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days count as working days in the alliance's country."""

    country: str = DEFAULT_COUNTRY

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < SATURDAY and day not in _bank_holidays(self.country)

    def add_working_days(self, start: date, count: int) -> date:
        """The day `count` working days after `start` (start itself does not count)."""
        day = start
        while count > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative when end is earlier."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(
            1 for n in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(n))
        )


def default_decision_due(clock: Clock, calendar: WorkingCalendar) -> date:
    """Ten working days from today, today being the day in the alliance's zone."""
    return calendar.add_working_days(clock.today(), DEFAULT_WORKING_DAYS)


# ---- marking ready, changing the deadline, taking back ------------------------------------------


@dataclass(frozen=True)
class Readiness:
    """What the person marking a position ready gave."""

    decision_due: date
    note: str = ""
    external_deadline: date | None = None
    external_label: str = ""


def check_dates(readiness: Readiness, today: date) -> None:
    """The dates and words given with a ready position."""
    if len(readiness.note) > NOTE_MAX:
        raise Invalid(f"Keep the note to {NOTE_MAX} characters.", "note_too_long", "note")
    if len(readiness.external_label) > LABEL_MAX:
        raise Invalid(
            f"Keep the deadline's name to {LABEL_MAX} characters.",
            "label_too_long",
            "external_label",
        )
    check_year(readiness.decision_due, "decision_due")
    if readiness.decision_due < today:
        raise Invalid(
            "The decision date has passed; give today or a later day.",
            "decision_due_past",
            "decision_due",
        )
    if readiness.external_deadline is not None:
        check_year(readiness.external_deadline, "external_deadline")
    if readiness.external_label and readiness.external_deadline is None:
        raise Invalid(
            "Give the date of the external deadline you named.",
            "external_deadline_missing",
            "external_deadline",
        )


def check_mark_ready(
    status: PositionStatus, ready: bool, readiness: Readiness, today: date
) -> None:
    if not open_for_work(status):
        raise Conflict("This position is closed: it cannot be put up for sign-off.", "closed")
    if ready:
        raise Conflict(
            "This position is already ready for sign-off; change its deadline instead.",
            "already_ready",
        )
    check_dates(readiness, today)


def check_change_deadline(ready: bool, readiness: Readiness, today: date) -> None:
    if not ready:
        raise Conflict(
            "This position is not ready for sign-off, so it has no decision date to change.",
            "not_ready",
        )
    check_dates(readiness, today)


def check_take_back(ready: bool) -> None:
    if not ready:
        raise Conflict("This position is already being drafted, not up for sign-off.", "not_ready")


# ---- the to-do list -------------------------------------------------------------------------


class Reason(StrEnum):
    """Why a position needs a partner's decision."""

    NEW = "new"  # never decided on it
    STALE = "stale"  # approved an earlier text
    ANSWERED = "answered"  # objected to an earlier text; a new revision answers it


REASON_LABELS = {
    Reason.NEW: "New request",
    Reason.STALE: "Your approval went stale",
    Reason.ANSWERED: "Your objection was answered by a new revision",
}


class Urgency(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    IN_TIME = "in_time"


URGENCY_LABELS = {Urgency.OVERDUE: "Overdue", Urgency.DUE_SOON: "Due soon", Urgency.IN_TIME: ""}


def reason_for(standing: PartnerStanding, current_number: int) -> Reason | None:
    """Why this partner must decide on the current text, or None when nothing waits on it.

    An objection on the current text stands until the partner changes its mind or the text
    changes: it is a decision made, not one waiting.
    """
    if standing.state is PartnerState.AWAITING:
        return Reason.NEW
    if standing.state is PartnerState.STALE:
        return Reason.STALE
    if standing.state is PartnerState.OBJECTED and (standing.revision_number or 0) < current_number:
        return Reason.ANSWERED
    return None


def urgency_of(due: date, today: date, calendar: WorkingCalendar) -> Urgency:
    if today > due:
        return Urgency.OVERDUE
    if calendar.working_days_between(today, due) <= DUE_SOON_WORKING_DAYS:
        return Urgency.DUE_SOON
    return Urgency.IN_TIME


@dataclass(frozen=True)
class Waiting:
    """One ready position and this partner's standing on it."""

    position_id: int
    decision_due: date
    ready_at: datetime
    standing: PartnerStanding
    current_number: int


@dataclass(frozen=True)
class Todo:
    position_id: int
    reason: Reason
    urgency: Urgency
    decision_due: date
    ready_at: datetime
    decided_number: int | None  # the revision this partner last decided on

    @property
    def why(self) -> str:
        return REASON_LABELS[self.reason]


def todo_list(waiting: Iterable[Waiting], today: date, calendar: WorkingCalendar) -> list[Todo]:
    """What needs this partner's decision: each position once, soonest deadline first (the
    oldest request first among equal deadlines)."""
    items = []
    for w in waiting:
        reason = reason_for(w.standing, w.current_number)
        if reason is None:
            continue
        items.append(
            Todo(
                w.position_id,
                reason,
                urgency_of(w.decision_due, today, calendar),
                w.decision_due,
                w.ready_at,
                w.standing.revision_number,
            )
        )
    return sorted(items, key=lambda t: (t.decision_due, t.ready_at, t.position_id))


def change_summary(inserted: int, deleted: int) -> str:
    """'+12 −3 words': what changed in the text since a partner last decided."""
    if not inserted and not deleted:
        return "Only formatting changed"
    return f"+{inserted} −{deleted} words"
