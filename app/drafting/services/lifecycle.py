"""Withdrawing and archiving positions (never deleting them), and review dates."""

from datetime import date

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit import services as audit
from app.drafting.models import Position
from app.drafting.services.locking import lock_position
from app.extensions import utcnow
from positions.consensus import PositionStatus
from positions.refusals import Conflict, Forbidden, Invalid
from positions.roles import can_set_review_date, can_withdraw

_CLOSING = {"withdraw": PositionStatus.WITHDRAWN, "archive": PositionStatus.ARCHIVED}


def close(session: Session, user: User, position_id: int, *, action: str, reason: str) -> Position:
    """Withdraw or archive a position. Its revisions, decisions and publications all stay."""
    if action not in _CLOSING:
        raise Invalid("Choose withdraw or archive.", code="invalid_action")
    if not can_withdraw(user.actor):
        raise Forbidden("Only chief officers and admins withdraw or archive positions.")
    if not reason.strip():
        raise Invalid("Say why, for the record.", code="reason_required", field="reason")
    position = lock_position(session, position_id)
    if position.status in (PositionStatus.WITHDRAWN, PositionStatus.ARCHIVED):
        raise Conflict(f"This position is already {position.status}.", code="closed")
    position.status = _CLOSING[action]
    if action == "withdraw":
        position.withdrawn_at = utcnow()
    audit.record(
        session,
        f"position.{action}",
        actor=user,
        object_type="position",
        object_id=position.id,
        details={"reason": reason.strip()},
    )
    return position


def set_review_date(
    session: Session, user: User, position_id: int, review_by: date | None
) -> Position:
    if not can_set_review_date(user.actor):
        raise Forbidden("Only policy officers and chief officers set review dates.")
    position = lock_position(session, position_id)
    position.review_by = review_by
    audit.record(
        session,
        "position.review_date",
        actor=user,
        object_type="position",
        object_id=position.id,
        details={"review_by": review_by.isoformat() if review_by else None},
    )
    return position
