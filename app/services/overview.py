"""Read-only views across positions: lists, the dashboard, the published record.

Each function runs a fixed number of queries however many positions there are.
"""

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.models import DifferOutcome, Position, Publication, SignOff, User
from app.services.consensus import consensus_for_many, today
from app.services.differ import active_outcome
from positions import consensus as core
from positions.divergence import review_due

OPEN_STATUSES = (core.PositionStatus.DRAFT, core.PositionStatus.AGREED)


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int
    consensus: dict[int, core.Consensus] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def _with_revisions(query):
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
) -> Page:
    query = select(Position)
    if status:
        query = query.where(Position.status == status)
    if area_id:
        query = query.where(Position.area_id == area_id)
    if search:
        query = query.where(Position.title.ilike(f"%{search.strip()}%"))
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    page = max(1, page)
    items = list(
        session.execute(
            _with_revisions(query)
            .order_by(Position.updated_at.desc(), Position.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
        .unique()
        .scalars()
    )
    return Page(items, total, page, per_page, consensus_for_many(session, items))


@dataclass(frozen=True)
class Dashboard:
    awaiting_my_partner: list[Position]
    my_stale_approvals: list[Position]
    objections: list[Position]
    ready_to_publish: list[Position]
    due_for_review: list[Position]
    recently_published: list[Publication]
    consensus: dict[int, core.Consensus]


def dashboard(session: Session, user: User, limit: int = 10) -> Dashboard:
    open_positions = list(
        session.execute(
            _with_revisions(select(Position).where(Position.status.in_(OPEN_STATUSES))).order_by(
                Position.updated_at.desc()
            )
        )
        .unique()
        .scalars()
    )
    consensus = consensus_for_many(session, open_positions)

    def partner_state(position: Position) -> core.PartnerState | None:
        for standing in consensus[position.id].standings:
            if standing.partner.id == user.partner_id:
                return standing.state
        return None

    def stale_by_me(position: Position) -> bool:
        return any(
            s.state is core.PartnerState.STALE and s.decision and s.decision.sequence in my_ids
            for s in consensus[position.id].standings
        )

    my_ids = (
        set(
            session.execute(
                select(SignOff.id).where(
                    SignOff.user_id == user.id,
                    SignOff.position_id.in_([p.id for p in open_positions]),
                )
            ).scalars()
        )
        if open_positions
        else set()
    )
    waiting = (core.PartnerState.AWAITING, core.PartnerState.STALE)
    recent = list(
        session.execute(
            select(Publication)
            .options(joinedload(Publication.revision))
            .order_by(Publication.published_at.desc())
            .limit(limit)
        )
        .unique()
        .scalars()
    )
    due = list(
        session.execute(
            select(Position)
            .where(
                Position.review_by <= today(),
                Position.status.not_in(
                    [core.PositionStatus.WITHDRAWN, core.PositionStatus.ARCHIVED]
                ),
            )
            .order_by(Position.review_by)
            .limit(limit)
        ).scalars()
    )
    return Dashboard(
        due_for_review=due,
        awaiting_my_partner=[p for p in open_positions if partner_state(p) in waiting][:limit],
        my_stale_approvals=[p for p in open_positions if stale_by_me(p)][:limit],
        objections=[p for p in open_positions if consensus[p.id].count(core.PartnerState.OBJECTED)][
            :limit
        ],
        ready_to_publish=[p for p in open_positions if consensus[p.id].publishable][:limit],
        recently_published=recent,
        consensus=consensus,
    )


def published_positions(session: Session, page: int = 1, per_page: int = 50) -> Page:
    """Positions whose published text is public, newest publication first."""
    query = (
        select(Position)
        .join(Publication, Position.publication_id == Publication.id)
        .where(Position.status != core.PositionStatus.WITHDRAWN)
    )
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    items = list(
        session.execute(
            query.options(joinedload(Position.publication))
            .order_by(Publication.published_at.desc())
            .offset((max(1, page) - 1) * per_page)
            .limit(per_page)
        )
        .unique()
        .scalars()
    )
    return Page(items, total, page, per_page)


@dataclass(frozen=True)
class PublicRecord:
    """What the public page of a position shows: one agreed text, or the partners' statements."""

    position: Position
    publication: Publication | None
    differ: DifferOutcome | None
    review_due: bool

    @property
    def withdrawn(self) -> bool:
        return self.position.status == core.PositionStatus.WITHDRAWN


def public_record(session: Session, slug: str) -> PublicRecord | None:
    position = (
        session.execute(
            select(Position).options(joinedload(Position.publication)).where(Position.slug == slug)
        )
        .unique()
        .scalar_one_or_none()
    )
    if position is None:
        return None
    outcome = None
    if position.status == core.PositionStatus.DIFFER:
        outcome = active_outcome(session, position.id)
    if outcome is None and position.publication is None:
        return None  # nothing about it has been made public
    return PublicRecord(
        position, position.publication, outcome, review_due(position.review_by, today())
    )


def differ_positions(session: Session) -> list[Position]:
    """Positions on which the partners have published that they agree to differ."""
    return list(
        session.execute(
            select(Position)
            .where(Position.status == core.PositionStatus.DIFFER)
            .order_by(Position.title)
        ).scalars()
    )
