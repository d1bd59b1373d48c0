"""The sign-off cycle on stored positions: ready for sign-off, deadline changes, taking back."""

from datetime import date

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.alliance.settings import calendar_of, clock_of
from app.audit import services as audit
from app.drafting import signals
from app.drafting.models import Position
from app.drafting.services.locking import lock_position
from app.figures import services as figures
from app.figures.models import Outcome
from positions import cycle
from positions.consensus import PositionStatus
from positions.refusals import Forbidden
from positions.roles import can_mark_ready
from positions.text import one_line


def default_decision_due(session: Session) -> date:
    return cycle.default_decision_due(clock_of(session), calendar_of(session))


def _readiness(
    session: Session,
    decision_due: date | None,
    note: str,
    external_deadline: date | None,
    external_label: str,
) -> cycle.Readiness:
    return cycle.Readiness(
        decision_due or default_decision_due(session),
        one_line(note or ""),
        external_deadline,
        one_line(external_label or ""),
    )


def _locked_for(session: Session, user: User, position_id: int, doing: str) -> Position:
    position = lock_position(session, position_id)
    if not can_mark_ready(user.actor, position.created_by_id):
        raise Forbidden(f"Only the position's author or a partner's policy officer {doing}.")
    return position


def _details(position: Position) -> dict:
    return {
        "revision": position.current_revision.number,
        "decision_due": position.decision_due.isoformat(),
        "note": position.ready_note,
        "external_deadline": (
            position.external_deadline.isoformat() if position.external_deadline else None
        ),
        "external_label": position.external_label,
    }


def _apply(position: Position, readiness: cycle.Readiness) -> None:
    position.decision_due = readiness.decision_due
    position.ready_note = readiness.note
    position.external_deadline = readiness.external_deadline
    position.external_label = readiness.external_label


def mark_ready(
    session: Session,
    user: User,
    position_id: int,
    *,
    decision_due: date | None = None,
    note: str = "",
    external_deadline: date | None = None,
    external_label: str = "",
) -> Position:
    """Put the current text up for the chief officers' decision, by a date (ten working days
    from today unless given)."""
    position = _locked_for(session, user, position_id, "puts it up for sign-off")
    readiness = _readiness(session, decision_due, note, external_deadline, external_label)
    clock = clock_of(session)
    cycle.check_mark_ready(
        PositionStatus(position.status), position.ready, readiness, clock.today()
    )
    _apply(position, readiness)
    position.ready_at = clock.now()
    figures.started(session, position.id, position.current_revision.number, position.ready_at)
    audit.record(
        session,
        "position.ready",
        actor=user,
        object_type="position",
        object_id=position.id,
        details=_details(position),
    )
    signals.readiness_changed.send(session=session, position_id=position.id, ready=True)
    return position


def change_deadline(
    session: Session,
    user: User,
    position_id: int,
    *,
    decision_due: date | None = None,
    note: str = "",
    external_deadline: date | None = None,
    external_label: str = "",
) -> Position:
    position = _locked_for(session, user, position_id, "changes its deadline")
    readiness = _readiness(session, decision_due, note, external_deadline, external_label)
    cycle.check_change_deadline(position.ready, readiness, clock_of(session).today())
    _apply(position, readiness)
    audit.record(
        session,
        "position.deadline",
        actor=user,
        object_type="position",
        object_id=position.id,
        details=_details(position),
    )
    return position


def _clear(position: Position) -> None:
    position.ready_at = None
    position.decision_due = None
    position.ready_note = ""
    position.external_deadline = None
    position.external_label = ""


def take_back(session: Session, user: User, position_id: int) -> Position:
    """Back to drafting: out of every chief officer's to-do list until marked ready again."""
    position = _locked_for(session, user, position_id, "takes it back to drafting")
    cycle.check_take_back(position.ready)
    _clear(position)
    figures.ended(session, position.id, Outcome.TAKEN_BACK, clock_of(session).now())
    audit.record(
        session,
        "position.take_back",
        actor=user,
        object_type="position",
        object_id=position.id,
        details={"revision": position.current_revision.number},
    )
    signals.readiness_changed.send(session=session, position_id=position.id, ready=False)
    return position


def restart_clock(session: Session, user: User, position: Position) -> None:
    """A new revision of a ready text stays ready; its age counts from the new text."""
    if not position.ready:
        return
    position.ready_at = clock_of(session).now()
    # Approvals of the earlier text went stale: unanimity, if it held, no longer does.
    figures.unanimity(session, position.id, False, position.ready_at)
    audit.record(
        session,
        "position.clock_restart",
        actor=user,
        object_type="position",
        object_id=position.id,
        details={"revision": position.current_revision.number},
    )


def end_cycle(session: Session, position: Position) -> None:
    """Published: the cycle is over, and a later edit starts drafting afresh."""
    if position.ready:
        _clear(position)
        figures.ended(session, position.id, Outcome.PUBLISHED, clock_of(session).now())
        signals.readiness_changed.send(session=session, position_id=position.id, ready=False)
