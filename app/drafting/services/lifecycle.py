"""Withdrawing and archiving positions (never deleting them), and review dates."""

from datetime import date

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit import services as audit
from app.drafting import signals
from app.drafting.models import Position
from app.drafting.services.locking import lock_position
from app.extensions import utcnow
from positions import consensus as core
from positions.refusals import Forbidden
from positions.roles import can_set_review_date, can_withdraw


def close(session: Session, user: User, position_id: int, *, action: str, reason: str) -> Position:
    """Withdraw or archive a position. Its revisions, decisions and publications all stay."""
    status = core.closing_status(action)
    if not can_withdraw(user.actor):
        raise Forbidden("Only chief officers and admins withdraw or archive positions.")
    reason = core.closing_reason(reason)
    position = lock_position(session, position_id)
    core.check_closable(core.PositionStatus(position.status))
    position.status = status
    if status is core.PositionStatus.WITHDRAWN:
        position.withdrawn_at = utcnow()
    audit.record(
        session,
        f"position.{action}",
        actor=user,
        object_type="position",
        object_id=position.id,
        details={"reason": reason},
    )
    signals.standing_changed.send(session=session, position_id=position.id)
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
