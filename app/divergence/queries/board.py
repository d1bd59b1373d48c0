"""The divergence board: positions by partners, where views diverge; a fixed number of queries."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.alliance.models import PolicyArea
from app.alliance.settings import clock_of
from app.divergence.models import (
    Stance,
)
from app.drafting.models import Position
from app.drafting.services.consensus import all_partners, consensus_for_many
from app.drafting.services.governance import standing_dissents
from positions import consensus as core
from positions import divergence as rules


@dataclass(frozen=True)
class Cell:
    partner: core.Partner
    view: rules.View
    state: core.PartnerState
    no_longer_supports: bool = False  # said of the published text (positions/governance.py)


@dataclass(frozen=True)
class BoardRow:
    position: Position
    cells: tuple[Cell, ...]
    divergence: rules.Divergence
    trend: rules.Trend


@dataclass(frozen=True)
class Board:
    partners: list[core.Partner]
    rows: list[BoardRow]
    summary: dict[str, dict[rules.Trend, int]]  # area name → trend → count
    page: int = 1
    pages: int = 1
    total: int = 0

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def divergence_board(
    session: Session,
    *,
    area_id: int | None = None,
    status: str | None = None,
    sort: str = "apart",
    page: int | None = None,
    per_page: int = 50,
) -> Board:
    """Every position's place on the board; with `page`, the full rows of one page only.

    Ordering and the per-area summary need every position's views, so those come from two light
    queries (plain tuples: ids, titles, statuses, the latest view of each partner); the heavy
    part (positions, revisions, consensus) is loaded for the rows shown.
    """
    where = [Position.status.not_in([core.PositionStatus.WITHDRAWN])]
    if area_id:
        where.append(Position.area_id == area_id)
    if status:
        where.append(Position.status == status)
    light = session.execute(
        select(Position.id, Position.title, Position.status, PolicyArea.name)
        .join(PolicyArea, PolicyArea.id == Position.area_id)
        .where(*where)
    ).all()
    partners = core.required_signatories(all_partners(session), clock_of(session).today())
    latest = (
        select(func.max(Stance.id))
        .join(Position, Position.id == Stance.position_id)
        .where(*where)
        .group_by(Stance.position_id, Stance.partner_id)
    )
    view_of = {v.value: v for v in rules.View}
    views: dict[int, dict[int, rules.View]] = {}
    for position_id, partner_id, view in session.execute(
        select(Stance.position_id, Stance.partner_id, Stance.view).where(Stance.id.in_(latest))
    ).all():
        views.setdefault(position_id, {})[partner_id] = view_of[view]
    # Thousands of rows share a few combinations of status and views: judge each combination once.
    judged: dict[tuple, tuple[rules.Divergence, rules.Trend, tuple]] = {}
    no_views: dict[int, rules.View] = {}
    partner_ids = [p.id for p in partners]
    placed = []
    summary: dict[str, dict[rules.Trend, int]] = {}
    for position_id, title, position_status, area_name in light:
        held = views.get(position_id, no_views)
        key = (position_status, *map(held.get, partner_ids))
        found = judged.get(key)
        if found is None:
            divergence = rules.divergence(held, partners)
            found = judged[key] = (
                divergence,
                rules.trend(core.PositionStatus(position_status), held, partners),
                rules.sort_key(divergence, "")[0],  # how far apart, as the board sorts it
            )
        placed.append((position_id, title, found[0], found[1], found[2]))
        area = summary.get(area_name)
        if area is None:
            area = summary[area_name] = dict.fromkeys(rules.Trend, 0)
        area[found[1]] += 1
    if sort == "title":
        placed.sort(key=lambda p: (p[1].casefold(), p[0]))
    else:
        placed.sort(key=lambda p: (p[4], p[1].casefold(), p[0]))  # rules.sort_key, then id
    total, pages = len(placed), 1
    if page is not None:
        pages = max(1, -(-total // per_page))
        page = min(max(1, page), pages)
        placed = placed[(page - 1) * per_page : page * per_page]
    shown = {
        p.id: p
        for p in session.execute(
            select(Position)
            .options(joinedload(Position.current_revision), joinedload(Position.area))
            .where(*where if page is None else [Position.id.in_([p[0] for p in placed])])
        )
        .unique()
        .scalars()
    }
    consensus = consensus_for_many(session, list(shown.values()))
    dissents = standing_dissents(session, list(shown))
    rows = []
    for position_id, _, divergence, trend, _ in placed:
        held = views.get(position_id, no_views)
        states = {s.partner.id: s.state for s in consensus[position_id].standings}
        dissenting = {d.partner_id for d in dissents[position_id]}
        cells = tuple(
            Cell(p, held.get(p.id, rules.View.UNDECIDED), states[p.id], p.id in dissenting)
            for p in partners
        )
        rows.append(BoardRow(shown[position_id], cells, divergence, trend))
    return Board(partners, rows, dict(sorted(summary.items())), page or 1, pages, total)
