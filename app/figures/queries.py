"""Read models for the cycle figures: a fixed number of SQL statements however many positions.

The page costs five statements (partners, cycles, their decisions, overdue positions, their
latest decisions); a timeline image three, the monthly chart three. Every rule is
positions/cycle_figures.py's.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.alliance.settings import calendar_of, clock_of
from app.drafting.models import Position, Revision, SignOff
from app.drafting.services.consensus import all_partners, latest_signoffs
from app.figures.models import SignoffCycle
from positions import consensus as core
from positions import cycle as cycle_rules
from positions import cycle_figures as figures
from positions.deputies import capacity
from positions.refusals import Forbidden, NotFound
from positions.roles import can_see_cycle_figures

TIMELINES_SHOWN = 6  # the open positions with the soonest deadlines; the rest are counted


def check_may_see(user: User) -> None:
    if not can_see_cycle_figures(user.actor):
        raise Forbidden("The cycle figures are for chief officers, communications and admins.")


@dataclass(frozen=True)
class CycleFigures:
    today: date
    windows: tuple[figures.WindowFigures, ...]
    months: list[figures.MonthFigures]
    overdue: figures.Overdue
    timelines: list[figures.Timeline]  # open cycles, soonest deadline first
    open_cycles: int
    target: float = figures.TARGET_WORKING_DAYS


def _measure(session: Session) -> figures.Measure:
    return figures.Measure(clock_of(session).zone, calendar_of(session))


def _since(session: Session, today: date) -> datetime:
    """The first moment the figures look at: the start of the year's window."""
    return clock_of(session).day_start(figures.windows(today)[1].start)


def _cycles(session: Session, partners: list[core.Partner], *where) -> list[figures.Cycle]:
    """Cycles with their positions' titles and deadlines and the decisions made in each: two
    statements, whatever the number."""
    rows = session.execute(
        select(SignoffCycle, Position.title, Position.decision_due, Position.status)
        .join(Position, Position.id == SignoffCycle.position_id)
        .where(*where)
        .order_by(SignoffCycle.id)
    ).all()
    during = and_(
        SignOff.position_id == SignoffCycle.position_id,
        SignOff.created_at >= SignoffCycle.started_at,
        or_(SignoffCycle.ended_at.is_(None), SignOff.created_at <= SignoffCycle.ended_at),
    )
    decided = session.execute(
        select(
            SignoffCycle.id,
            SignOff.partner_id,
            SignOff.created_at,
            SignOff.decision,
            Revision.number,
            User.name,
            SignOff.deputation_id,
        )
        .join(SignOff, during)
        .join(Position, Position.id == SignoffCycle.position_id)
        .join(Revision, Revision.id == SignOff.revision_id)
        .join(User, User.id == SignOff.user_id)
        .where(*where)
        .order_by(SignOff.created_at, SignOff.id)
    ).all()
    names = {p.id: p.name for p in partners}
    decisions: dict[int, list[figures.Decision]] = {}
    for cycle_id, partner_id, at, decision, number, person, deputation in decided:
        who = capacity(person, names.get(partner_id, ""), deputation is not None)
        decisions.setdefault(cycle_id, []).append(
            figures.Decision(partner_id, at, decision, number, who)
        )
    return [
        figures.Cycle(
            position_id=row.position_id,
            title=title,
            started_at=row.started_at,
            revision=row.revision,
            unanimous_at=row.unanimous_at,
            ended_at=row.ended_at,
            outcome=row.outcome,
            decision_due=due if row.ended_at is None else None,
            decisions=tuple(decisions.get(row.id, ())),
            closed=core.PositionStatus(status) in core.CLOSED_STATUSES,
        )
        for row, title, due, status in rows
    ]


def _overdue(
    session: Session, partners: list[core.Partner], today: date
) -> list[figures.OverduePosition]:
    """Ready positions past their decision date, and the partners whose decision they wait for
    (the to-do list's rule: positions/cycle.py `reason_for`)."""
    rows = session.execute(
        select(
            Position.id,
            Position.title,
            Position.decision_due,
            Revision.number,
            Revision.content_hash,
        )
        .join(Revision, Revision.id == Position.current_revision_id)
        .where(
            Position.ready_at.is_not(None),
            Position.decision_due < today,
            Position.status.not_in(core.CLOSED_STATUSES),
        )
    ).all()
    signoffs = latest_signoffs(session, [r.id for r in rows])
    late = []
    for pid, title, due, number, content_hash in rows:
        current = core.Revision(number, content_hash)
        consensus = core.assess(partners, [s.as_core() for s in signoffs[pid]], current, today)
        waiting = tuple(
            s.partner for s in consensus.standings if cycle_rules.reason_for(s, number) is not None
        )
        late.append(figures.OverduePosition(pid, title, due, waiting))
    return late


def _shown_partners(
    partners: list[core.Partner], cycles: list[figures.Cycle], today: date
) -> list[core.Partner]:
    """The partners taking part today, and any that decided in the period (one since left)."""
    decided = {d.partner_id for c in cycles for d in c.decisions}
    return [p for p in partners if core.is_member_on(p, today) or p.id in decided]


def cycle_figures(session: Session, user: User) -> CycleFigures:
    check_may_see(user)
    clock, measure = clock_of(session), _measure(session)
    today, now = clock.today(), clock.now()
    partners = all_partners(session)
    cycles = _cycles(
        session,
        partners,
        or_(SignoffCycle.ended_at.is_(None), SignoffCycle.ended_at >= _since(session, today)),
    )
    shown = _shown_partners(partners, cycles, today)
    open_cycles = sorted(
        (c for c in cycles if c.ended_at is None and not c.closed),
        key=lambda c: (c.decision_due or date.max, c.started_at, c.position_id),
    )
    required = core.required_signatories(partners, today)
    return CycleFigures(
        today=today,
        windows=tuple(
            figures.window_figures(cycles, shown, w, measure) for w in figures.windows(today)
        ),
        months=figures.by_month(cycles, today, measure),
        overdue=figures.overdue(_overdue(session, partners, today), required, today),
        timelines=[figures.timeline(c, shown, now, measure) for c in open_cycles[:TIMELINES_SHOWN]],
        open_cycles=len(open_cycles),
    )


def months(session: Session, user: User) -> list[figures.MonthFigures]:
    """Only what the month-by-month chart draws."""
    check_may_see(user)
    today = clock_of(session).today()
    since = clock_of(session).day_start(figures.month_starts(today)[0])
    cycles = _cycles(session, all_partners(session), SignoffCycle.unanimous_at >= since)
    return figures.by_month(cycles, today, _measure(session))


def position_timeline(session: Session, user: User, position_id: int) -> figures.Timeline:
    """The latest cycle of one position: from ready to each partner's decisions."""
    check_may_see(user)
    latest = (
        select(SignoffCycle.id)
        .where(SignoffCycle.position_id == position_id)
        .order_by(SignoffCycle.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    partners = all_partners(session)
    cycles = _cycles(session, partners, SignoffCycle.id == latest)
    if not cycles:
        raise NotFound(f"Position {position_id} has not been up for sign-off.")
    clock = clock_of(session)
    partners = _shown_partners(partners, cycles, clock.today())
    return figures.timeline(cycles[0], partners, clock.now(), _measure(session))
