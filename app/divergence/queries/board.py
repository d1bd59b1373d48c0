"""The divergence board and a position's timeline: read-only, a fixed number of queries."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.alliance.models import PolicyArea
from app.alliance.settings import clock_of
from app.divergence.models import (
    Amendment,
    DifferConfirmation,
    DifferOutcome,
    DifferStatement,
    Stance,
)
from app.drafting.models import Position, Publication, Revision, SignOff
from app.drafting.services.consensus import all_partners, consensus_for_many
from positions import consensus as core
from positions import divergence as rules


@dataclass(frozen=True)
class Cell:
    partner: core.Partner
    view: rules.View
    state: core.PartnerState


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
    rows = []
    for position_id, _, divergence, trend, _ in placed:
        held = views.get(position_id, no_views)
        states = {s.partner.id: s.state for s in consensus[position_id].standings}
        cells = tuple(Cell(p, held.get(p.id, rules.View.UNDECIDED), states[p.id]) for p in partners)
        rows.append(BoardRow(shown[position_id], cells, divergence, trend))
    return Board(partners, rows, dict(sorted(summary.items())), page or 1, pages, total)


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str  # revision, stance, amendment, signoff, publication, differ
    who: str
    partner: str | None
    text: str
    revision: int | None = None


def timeline(session: Session, position_id: int) -> list[Event]:
    """Everything that happened to a position, oldest first."""

    def rows(model, *options):
        query = select(model).where(model.position_id == position_id)
        return session.execute(query.options(*options)).unique().scalars()

    events: list[Event] = []
    for r in rows(Revision):
        note = f": {r.note}" if r.note else ""
        events.append(
            Event(
                r.created_at,
                "revision",
                r.author.name,
                None,
                f"Saved revision {r.number}{note}",
                r.number,
            )
        )
    for s in rows(Stance):
        label = rules.VIEW_LABELS[rules.View(s.view)]
        events.append(
            Event(s.created_at, "stance", s.user.name, s.partner.name, f"Stance set to “{label}”")
        )
    for a in rows(Amendment):
        events.append(
            Event(
                a.created_at,
                "amendment",
                a.proposed_by.name,
                a.credit,
                f"Proposed amendment {a.number}: {a.reason}",
                a.base_revision.number,
            )
        )
        if a.decided_at:
            verb = "Accepted" if a.status == rules.AmendmentStatus.ACCEPTED else "Declined"
            events.append(
                Event(
                    a.decided_at,
                    "amendment",
                    a.decided_by.name,
                    None,
                    f"{verb} amendment {a.number}",
                )
            )
    for s in rows(SignOff):
        verb = "Approved" if s.decision == core.Decision.APPROVE else "Objected to"
        events.append(
            Event(
                s.created_at,
                "signoff",
                s.user.name,
                s.partner.name,
                f"{verb} revision {s.revision.number}",
                s.revision.number,
            )
        )
    for p in rows(Publication, joinedload(Publication.published_by)):
        events.append(
            Event(
                p.published_at,
                "publication",
                p.published_by.name,
                None,
                f"Published revision {p.revision.number}",
                p.revision.number,
            )
        )
    for s in rows(DifferStatement):
        events.append(
            Event(
                s.created_at,
                "differ",
                s.user.name,
                s.partner.name,
                "Wrote the partner's agree-to-differ statement",
            )
        )
    for c in rows(DifferConfirmation):
        events.append(
            Event(
                c.created_at,
                "differ",
                c.user.name,
                c.partner.name,
                "Confirmed the agree-to-differ outcome",
            )
        )
    for o in rows(DifferOutcome):
        events.append(
            Event(
                o.published_at,
                "differ",
                "—",
                None,
                "Published as agreed to differ: no alliance position",
            )
        )
        if o.reopened_at:
            events.append(Event(o.reopened_at, "differ", "—", None, "Reopened towards one text"))
    events.sort(key=lambda e: e.at)
    return events
