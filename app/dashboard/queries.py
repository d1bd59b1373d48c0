"""Read-only views across positions: lists, the dashboard, the published record.

Each function runs a fixed number of queries however many positions there are.
"""

from dataclasses import dataclass, field

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload

from app.accounts.models import User
from app.alliance.settings import clock_of
from app.divergence.models import DifferOutcome
from app.divergence.services.differ import active_outcome
from app.drafting.models import Position, Publication, SignOff
from app.drafting.services.consensus import all_partners, consensus_for_many
from positions import consensus as core
from positions.divergence import review_due

OPEN_STATUSES = core.IN_PROGRESS_STATUSES


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


def _by_ids(session: Session, ids: list[int]) -> list[Position]:
    """Positions in the order of `ids`, with their revisions, area and publication."""
    query = _with_revisions(select(Position).where(Position.id.in_(ids)))
    found = {p.id: p for p in session.execute(query).unique().scalars()}
    return [found[i] for i in ids if i in found]


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
    ids = select(Position.id)
    if status:
        ids = ids.where(Position.status == status)
    if area_id:
        ids = ids.where(Position.area_id == area_id)
    if search:
        ids = ids.where(Position.title.ilike(f"%{search.strip()}%"))
    total = session.execute(select(func.count()).select_from(ids.subquery())).scalar_one()
    page = max(1, page)
    newest = (Position.updated_at.desc(), Position.id.desc())
    # The page's ids first, from the index alone (a deep page skips index entries, not rows),
    # then those rows in full (one statement would have PostgreSQL join every position first).
    chosen = ids.order_by(*newest).offset((page - 1) * per_page).limit(per_page)
    items = _by_ids(session, list(session.execute(chosen).scalars()))
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
    """What needs this user now: each list the `limit` most recently changed, found in SQL.

    Each list is one query that walks the open positions newest first and stops at `limit`:
    the cost does not grow with the number of positions. The conditions are the consensus
    rules (positions/consensus.py) said in SQL, with "each partner's latest decision" as the
    newest sign-off of that partner on that position.
    """
    day = clock_of(session).today()
    required = [p.id for p in core.required_signatories(all_partners(session), day)]

    def latest(partner_id) -> object:
        newest = aliased(SignOff)
        return (
            select(func.max(newest.id))
            .where(newest.position_id == Position.id, newest.partner_id == partner_id)
            .correlate_except(newest)
            .scalar_subquery()
        )

    def deciding(**where) -> tuple:
        """A partner's latest decision on the position, matching `where`."""
        s = aliased(SignOff)
        conditions = [s.position_id == Position.id, s.id == latest(s.partner_id)]
        if where.get("partner") is not None:
            conditions.append(s.partner_id == where["partner"])
        else:
            conditions.append(s.partner_id.in_(required))
        if where.get("decision"):
            conditions.append(s.decision == where["decision"])
        if where.get("user") is not None:
            conditions.append(s.user_id == where["user"])
        if where.get("current") is True:
            conditions.append(s.revision_id == Position.current_revision_id)
        if where.get("current") is False:
            conditions.append(s.revision_id != Position.current_revision_id)
        return exists().where(*conditions).correlate_except(s)

    def newest_open(*conditions) -> list[Position]:
        newest = (Position.updated_at.desc(), Position.id.desc())
        # The ids first (the database stops at `limit`), then those rows with what they show:
        # asked in one statement, PostgreSQL would join every position before choosing ten.
        ids = select(Position.id).where(Position.status.in_(OPEN_STATUSES), *conditions)
        chosen = list(session.execute(ids.order_by(*newest).limit(limit)).scalars())
        return _by_ids(session, chosen)

    mine = user.partner_id
    settled = or_(  # my partner has approved this text, or objects to it (a veto that carries)
        deciding(partner=mine, decision=core.Decision.APPROVE, current=True),
        deciding(partner=mine, decision=core.Decision.OBJECT),
    )
    awaiting = newest_open(~settled) if mine in required else []
    # (Checked first, once: has this user ever approved anything? Most people never sign.)
    ever_approved = exists().where(
        SignOff.user_id == user.id, SignOff.decision == core.Decision.APPROVE
    )
    stale = newest_open(
        ever_approved, deciding(user=user.id, decision=core.Decision.APPROVE, current=False)
    )
    # Objections are few: found from the objecting sign-offs, each checked to be its partner's
    # latest (so the planner never walks every open position looking for one).
    objecting = aliased(SignOff)
    newest = aliased(SignOff)
    still_latest = (
        select(func.max(newest.id))
        .where(
            newest.position_id == objecting.position_id,
            newest.partner_id == objecting.partner_id,
        )
        .correlate(objecting)
        .scalar_subquery()
    )
    objections = newest_open(
        Position.id.in_(
            select(objecting.position_id).where(
                objecting.decision == core.Decision.OBJECT,
                objecting.partner_id.in_(required),
                objecting.id == still_latest,
            )
        )
    )
    # Every partner approving this text is what "agreed" means: the status, kept by every
    # sign-off and edit, finds them by index; the rules confirm each one below.
    ready = newest_open(Position.status == core.PositionStatus.AGREED) if required else []
    recent = list(
        session.execute(
            select(Publication)
            .join(Position, Publication.position_id == Position.id)
            .where(Position.publicly_visible)
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
                Position.review_by <= day,
                Position.status.not_in(core.RETIRED_STATUSES),
            )
            .order_by(Position.review_by)
            .limit(limit)
        ).scalars()
    )
    shown = {p.id: p for p in awaiting + stale + objections + ready}
    consensus = consensus_for_many(session, list(shown.values()))
    return Dashboard(
        due_for_review=due,
        awaiting_my_partner=awaiting,
        my_stale_approvals=stale,
        objections=objections,
        ready_to_publish=[p for p in ready if consensus[p.id].publishable],
        recently_published=recent,
        consensus=consensus,
    )


def published_positions(session: Session, page: int = 1, per_page: int = 50) -> Page:
    """Positions whose published text is public, newest publication first."""
    ids = (
        select(Position.id)
        .join(Publication, Position.publication_id == Publication.id)
        .where(Position.publicly_visible)
    )
    total = session.execute(select(func.count()).select_from(ids.subquery())).scalar_one()
    newest = (Publication.published_at.desc(), Publication.id.desc())
    chosen = ids.order_by(*newest).offset((max(1, page) - 1) * per_page).limit(per_page)
    chosen = chosen.subquery()
    items = list(
        session.execute(
            select(Position)
            .join(chosen, chosen.c.id == Position.id)
            .join(Publication, Position.publication_id == Publication.id)
            .options(contains_eager(Position.publication))
            .order_by(*newest)
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


def public_version(session: Session, slug: str) -> tuple | None:
    """Everything the public page of a position depends on, in one small query.

    Publications, their revisions and signatories, and agree-to-differ outcomes never change
    once written; what can change is which of them the position points at, its status, title,
    area and review date. None when there is no such position, or nothing of it is public.
    """
    outcome = (
        select(func.max(DifferOutcome.id))
        .where(DifferOutcome.position_id == Position.id, DifferOutcome.reopened_at.is_(None))
        .correlate(Position)
        .scalar_subquery()
    )
    row = session.execute(
        select(
            Position.id,
            Position.status,
            Position.publication_id,
            outcome,
            Position.title,
            Position.area_id,
            Position.review_by,
            Position.withdrawn_at,
        ).where(Position.slug == slug)
    ).first()
    if row is None:
        return None
    differs = row.status == core.PositionStatus.DIFFER and row[3] is not None
    if row.publication_id is None and not differs:
        return None  # nothing about it has been made public
    return (*row, review_due(row.review_by, clock_of(session).today()))


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
        position,
        position.publication,
        outcome,
        review_due(position.review_by, clock_of(session).today()),
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
