"""Review dates. (Withdrawing and archiving: app/drafting/services/governance.py.)"""

from datetime import date

from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit import services as audit
from app.drafting.models import Position
from app.drafting.services.locking import lock_position
from positions.refusals import Forbidden
from positions.roles import can_set_review_date


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
