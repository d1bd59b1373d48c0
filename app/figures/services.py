"""Keeping the sign-off cycles: called by the cycle and consensus services, in their transaction.

Nothing here is a person's action of its own (each call follows one that is already on the
audit chain), so nothing here appends an audit event.
"""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.figures.models import Outcome, SignoffCycle


def _open(session: Session, position_id: int) -> SignoffCycle | None:
    return session.execute(
        select(SignoffCycle)
        .where(SignoffCycle.position_id == position_id, SignoffCycle.ended_at.is_(None))
        .order_by(SignoffCycle.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def started(session: Session, position_id: int, revision: int, at: datetime) -> SignoffCycle:
    """Marked ready: a cycle begins (one left open by an older database ends here)."""
    stale = _open(session, position_id)
    if stale is not None:
        stale.ended_at, stale.outcome = at, Outcome.TAKEN_BACK
    row = SignoffCycle(position_id=position_id, revision=revision, started_at=at)
    session.add(row)
    return row


def unanimity(session: Session, position_id: int, unanimous: bool, at: datetime) -> None:
    """After a decision or a new revision: when unanimity came, or that it no longer holds."""
    row = _open(session, position_id)
    if row is None:
        return
    if not unanimous:
        row.unanimous_at = None
    elif row.unanimous_at is None:
        row.unanimous_at = at


def ended(session: Session, position_id: int, outcome: str, at: datetime) -> None:
    row = _open(session, position_id)
    if row is not None:
        row.ended_at, row.outcome = at, outcome
