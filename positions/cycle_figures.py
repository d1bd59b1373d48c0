"""Cycle figures: how long the partners take from "ready for sign-off" to a decision.

The issue's goal is a typical position going from ready to unanimous in five working days or
fewer; these figures show whether that holds, without ranking the partners against each other.

How things are counted (the page and the API say the same):

- **Durations are in working days**, the unit the deadlines use: only time that passes on a working
  day counts (weekends and the bank holidays of the alliance's country do not), read as
  wall-clock time in the alliance's zone. A position ready on Friday at 16:00 and unanimous on
  Monday at 10:00 took 0.75 working days (8 hours of Friday, 10 of Monday). A working day is the
  whole calendar day, not office hours: chief officers decide in the evening too.
- **Median and 90th percentile by the nearest-rank method**: the value at rank ⌈q·n⌉ of the n
  durations sorted, so each figure is a time one real position took, never a blend of two.
- **A cycle** runs from marking ready to publication or taking back. "Ready to unanimous" ends
  when every partner's latest decision approves the current text (a later edit or objection
  before publication undoes it, and the time counts from the same start until unanimity holds
  again). "Ready to first decision" ends at a partner's first approval or objection in the cycle.
- **A window** (the last quarter, the last year) holds what *ended* in it: the cycles that became
  unanimous, the decisions made, in the alliance's days.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from positions.consensus import Partner, neutral_order
from positions.cycle import WorkingCalendar

MEDIAN, P90 = 0.5, 0.9
TARGET_WORKING_DAYS = 5  # the goal: ready to unanimous in five working days or fewer
MONTHS_SHOWN = 12


def working_days(
    start: datetime, end: datetime, zone: ZoneInfo, calendar: WorkingCalendar
) -> float:
    """The working days between two moments, in fractions of a day (see the module's note)."""
    begin = start.astimezone(zone).replace(tzinfo=None)
    finish = end.astimezone(zone).replace(tzinfo=None)
    total = timedelta()
    day = begin.date()
    while day <= finish.date():
        if calendar.is_working_day(day):
            midnight = datetime.combine(day, time())
            lo, hi = max(begin, midnight), min(finish, midnight + timedelta(days=1))
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total / timedelta(days=1)


def nearest_rank(values: Sequence[float], q: float) -> float | None:
    """The q-quantile (0 < q ≤ 1) by nearest rank: the ⌈q·n⌉-th smallest value; None if empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(round(q * len(ordered), 9)))  # round: 0.9 * 10 is 9.000000000000002
    return ordered[rank - 1]


@dataclass(frozen=True)
class Spread:
    """How many durations, their median and 90th percentile (None when there are none)."""

    count: int
    median: float | None
    p90: float | None


def spread(values: Sequence[float]) -> Spread:
    return Spread(len(values), nearest_rank(values, MEDIAN), nearest_rank(values, P90))


# ---- the facts a figure is made of ----------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    partner_id: int
    at: datetime
    decision: str  # approve or object
    revision: int
    decided_by: str = ""


@dataclass(frozen=True)
class Cycle:
    """One stay of a position in sign-off, with the partners' decisions made during it."""

    position_id: int
    title: str
    started_at: datetime
    revision: int  # the revision marked ready
    unanimous_at: datetime | None = None
    ended_at: datetime | None = None
    outcome: str | None = None  # published, taken back; None while open
    decision_due: date | None = None  # while open: the deadline now
    decisions: tuple[Decision, ...] = ()
    # The position was archived, withdrawn or agreed to differ while up for sign-off: no longer
    # waiting for anyone, though its cycle was never published or taken back.
    closed: bool = False

    def first_decisions(self) -> dict[int, datetime]:
        """Each partner's first decision in this cycle."""
        first: dict[int, datetime] = {}
        for d in sorted(self.decisions, key=lambda d: d.at):
            first.setdefault(d.partner_id, d.at)
        return first


@dataclass(frozen=True)
class Window:
    name: str  # "quarter", "year"
    label: str  # "Last quarter"
    start: date  # first day, inclusive
    end: date  # last day, inclusive (today)

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (next_month - timedelta(days=1)).day))


def windows(today: date) -> tuple[Window, Window]:
    """The last quarter and the last year, each up to and including today."""
    return (
        Window("quarter", "Last quarter", months_before(today, 3) + timedelta(days=1), today),
        Window("year", "Last year", months_before(today, 12) + timedelta(days=1), today),
    )


# ---- figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerSpread:
    partner: Partner
    spread: Spread


@dataclass(frozen=True)
class WindowFigures:
    window: Window
    to_unanimous: Spread
    to_first_decision: tuple[PartnerSpread, ...]  # alphabetical, never ranked


@dataclass(frozen=True)
class Measure:
    """Measures moments in working days, in the alliance's zone."""

    zone: ZoneInfo
    calendar: WorkingCalendar

    def days(self, start: datetime, end: datetime) -> float:
        return working_days(start, end, self.zone, self.calendar)

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()


def window_figures(
    cycles: Iterable[Cycle], partners: Iterable[Partner], window: Window, measure: Measure
) -> WindowFigures:
    cycles = list(cycles)
    to_unanimous = [
        measure.days(c.started_at, c.unanimous_at)
        for c in cycles
        if c.unanimous_at is not None and window.holds(measure.local_date(c.unanimous_at))
    ]
    by_partner: dict[int, list[float]] = {}
    for c in cycles:
        for partner_id, at in c.first_decisions().items():
            if window.holds(measure.local_date(at)):
                by_partner.setdefault(partner_id, []).append(measure.days(c.started_at, at))
    return WindowFigures(
        window,
        spread(to_unanimous),
        tuple(PartnerSpread(p, spread(by_partner.get(p.id, []))) for p in neutral_order(partners)),
    )


@dataclass(frozen=True)
class MonthFigures:
    month: date  # its first day
    to_unanimous: Spread

    @property
    def label(self) -> str:
        return self.month.strftime("%b %Y")


def month_starts(today: date, months: int = MONTHS_SHOWN) -> list[date]:
    """The first days of the last `months` calendar months, oldest first, this month last."""
    this_month = today.replace(day=1)
    return [months_before(this_month, n) for n in range(months - 1, -1, -1)]


def by_month(
    cycles: Iterable[Cycle], today: date, measure: Measure, months: int = MONTHS_SHOWN
) -> list[MonthFigures]:
    """Ready-to-unanimous times by the month unanimity came, for the last `months` months."""
    starts = month_starts(today, months)
    durations: dict[date, list[float]] = {m: [] for m in starts}
    for c in cycles:
        if c.unanimous_at is None:
            continue
        month = measure.local_date(c.unanimous_at).replace(day=1)
        if month in durations:
            durations[month].append(measure.days(c.started_at, c.unanimous_at))
    return [MonthFigures(m, spread(durations[m])) for m in starts]


# ---- overdue now ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OverduePosition:
    position_id: int
    title: str
    decision_due: date
    waiting_for: tuple[Partner, ...]  # alphabetical: the partners whose decision is overdue

    def days_late(self, today: date, calendar: WorkingCalendar) -> int:
        return calendar.working_days_between(self.decision_due, today)


@dataclass(frozen=True)
class PartnerShare:
    partner: Partner
    count: int
    share: float  # of all overdue decisions, 0..1

    @property
    def percent(self) -> int:
        return round(self.share * 100)


@dataclass(frozen=True)
class Overdue:
    positions: tuple[OverduePosition, ...]  # longest overdue first: what to chase first
    shares: tuple[PartnerShare, ...]  # alphabetical, every partner, never ranked
    decisions: int = field(default=0)  # overdue decisions in all


def overdue(
    positions: Iterable[OverduePosition], partners: Iterable[Partner], today: date
) -> Overdue:
    """Positions past their decision date with partners still to decide, and each partner's
    share of the decisions overdue. Partners stay in alphabetical order whatever their share:
    the figure shows where the waiting is, not who to blame."""
    late = sorted(
        (p for p in positions if p.decision_due < today and p.waiting_for),
        key=lambda p: (p.decision_due, p.position_id),
    )
    counts: dict[int, int] = {}
    for p in late:
        for partner in p.waiting_for:
            counts[partner.id] = counts.get(partner.id, 0) + 1
    total = sum(counts.values())
    shown = {p.id: p for p in partners}
    for p in late:  # a partner that has since left still owes what was overdue
        shown.update({w.id: w for w in p.waiting_for})
    shares = tuple(
        PartnerShare(p, counts.get(p.id, 0), counts.get(p.id, 0) / total if total else 0.0)
        for p in neutral_order(shown.values())
    )
    return Overdue(tuple(late), shares, total)


# ---- one position's timeline -----------------------------------------------------------------


@dataclass(frozen=True)
class Mark:
    at: datetime
    decision: str
    revision: int
    decided_by: str
    working_days: float  # since ready


@dataclass(frozen=True)
class Lane:
    partner: Partner
    marks: tuple[Mark, ...]  # oldest first


@dataclass(frozen=True)
class Timeline:
    """From ready to each partner's decisions: what the small per-position chart draws."""

    position_id: int
    title: str
    started_at: datetime
    until: datetime  # the right edge: the end of the cycle, or now
    decision_due: date | None
    unanimous_at: datetime | None
    outcome: str | None
    lanes: tuple[Lane, ...]  # alphabetical
    length: float  # working days from ready to `until`
    due_at: float | None  # working days from ready to the end of the decision date
    unanimous_after: float | None = None  # working days from ready to unanimity


def timeline(
    cycle: Cycle, partners: Iterable[Partner], now: datetime, measure: Measure
) -> Timeline:
    """The partners required (and any that decided) each get a lane, in alphabetical order."""
    until = cycle.ended_at or now
    deciders = {d.partner_id for d in cycle.decisions}
    lanes = tuple(
        Lane(
            p,
            tuple(
                Mark(
                    d.at, d.decision, d.revision, d.decided_by, measure.days(cycle.started_at, d.at)
                )
                for d in sorted(cycle.decisions, key=lambda d: d.at)
                if d.partner_id == p.id
            ),
        )
        for p in neutral_order(partners)
        if p.active or p.id in deciders
    )
    due_at = None
    if cycle.decision_due is not None:
        end_of_due = datetime.combine(
            cycle.decision_due + timedelta(days=1), time(), tzinfo=measure.zone
        )
        due_at = measure.days(cycle.started_at, end_of_due)
    return Timeline(
        cycle.position_id,
        cycle.title,
        cycle.started_at,
        until,
        cycle.decision_due,
        cycle.unanimous_at,
        cycle.outcome,
        lanes,
        measure.days(cycle.started_at, until),
        due_at,
        measure.days(cycle.started_at, cycle.unanimous_at) if cycle.unanimous_at else None,
    )


def describe_days(value: float | None) -> str:
    """'2.5 working days', '1 working day', '–' for no figure."""
    if value is None:
        return "–"
    rounded = round(value, 1)
    number = f"{rounded:g}"
    return f"{number} working day" + ("" if rounded == 1 else "s")
