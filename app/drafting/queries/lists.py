"""Lists of positions: one page at a time, newest change first, with each one's consensus."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.drafting.models import Position
from app.drafting.services.consensus import consensus_for_many
from app.web.pagination import Page, paginate, rows_by_id
from positions import consensus as core
from positions import text as text_rules


@dataclass
class PositionList(Page[Position]):
    consensus: dict[int, core.Consensus] = field(default_factory=dict)


def with_texts(query):
    """What a list row shows of a position: its current text, area and publication."""
    return query.options(
        joinedload(Position.current_revision),
        joinedload(Position.area),
        joinedload(Position.publication),
    )


def list_positions(
    session: Session,
    *,
    status: str | None = None,
    area_id: int | None = None,
    search: str | None = None,
    page: int = 1,
    per_page: int = 25,
) -> PositionList:
    ids = select(Position.id)
    if status:
        ids = ids.where(Position.status == status)
    if area_id:
        ids = ids.where(Position.area_id == area_id)
    if search:
        ids = ids.where(Position.title.ilike(f"%{search.strip()}%"))
    ids = ids.order_by(Position.updated_at.desc(), Position.id.desc())
    found = paginate(
        session,
        ids,
        rows_by_id(session, with_texts(select(Position))),
        page=page,
        per_page=per_page,
    )
    return PositionList(**found.__dict__, consensus=consensus_for_many(session, found.items))


def lookalike_titles(session: Session, title: str, *, excluding: int) -> list[str]:
    """Titles of other positions that read the same as `title` (a likely duplicate).

    Every title is compared, since a lookalike may differ in case, spacing or letter forms an
    index cannot see; this runs once per save, not per page.
    """
    others = session.execute(select(Position.id, Position.title).where(Position.id != excluding))
    return [other for _, other in text_rules.lookalikes(title, others.all())]
