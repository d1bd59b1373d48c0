"""Row locks that make check-then-write atomic on both databases."""

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.drafting.models import Position
from positions.refusals import NotFound


def lock_position(session: Session, position_id: int) -> Position:
    """Load a position for writing, holding its row until the transaction ends.

    PostgreSQL: SELECT ... FOR UPDATE. SQLite has no row locks, so a no-op write takes the
    database's write lock up front; either way no other writer can change the position (or its
    sign-offs, which lock it too) between our check and our write.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(Position).where(Position.id == position_id).values(id=Position.id))
    position = session.execute(
        select(Position)
        .where(Position.id == position_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if position is None:
        raise NotFound(f"There is no position {position_id}.")
    return position
