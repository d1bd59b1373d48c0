"""The dashboard: what needs this person now, each list found in SQL and stopping at ten."""

from dataclasses import dataclass, field

from sqlalchemy import exists, func, or_, select, tuple_
from sqlalchemy.orm import Session, aliased, joinedload

from app.accounts.models import User
from app.alliance.settings import calendar_of, clock_of
from app.deputies import services as deputations
from app.discussion.models import Thread
from app.discussion.services import visible_to
from app.drafting.models import (
    Dissent,
    MotionConfirmation,
    Position,
    Publication,
    Revision,
    SignOff,
)
from app.drafting.queries.comparing import word_counts
from app.drafting.queries.lists import with_texts
from app.drafting.services.consensus import all_partners, consensus_for_many
from app.web.pagination import in_order, rows_by_id
from positions import alliance as alliance_core
from positions import consensus as core
from positions import cycle
from positions import governance as gov
from positions.divergence import review_overdue
from positions.roles import can_sign_for

OPEN_STATUSES = core.IN_PROGRESS_STATUSES
TODO_LIMIT = 25


@dataclass(frozen=True)
class Dashboard:
    awaiting_my_partner: list[Position]
    objections: list[Position]
    ready_to_publish: list[Position]
    due_for_review: list[Position]
    overdue_for_review: set[int]  # ids of those due whose review day has passed
    recently_published: list[Publication]
    consensus: dict[int, core.Consensus]
    membership_news: list[str]  # a partner joining or leaving, and what it does to drafts
    # Published texts a partner has said it no longer supports (the text stays public).
    no_longer_supported: list[Dissent] = field(default_factory=list)
    # Withdrawals another partner has confirmed that await this person's partner.
    withdrawals_awaiting: list[Position] = field(default_factory=list)
    # What needs this person's partner's decision, when this person signs for it (todo.py).
    todo: list["TodoRow"] = field(default_factory=list)
    todo_more: bool = False  # more than the list shows
    signs_for_partner: bool = False
    acting: bool = False  # signs as a deputy


@dataclass(frozen=True)
class TodoRow:
    position: Position
    item: cycle.Todo
    age_days: int  # since it was marked ready, or since the text last changed while ready
    changed: str | None  # what changed since my partner last decided; None if it never did
    open_threads: int = 0  # unresolved discussion threads this person may read


def dashboard(session: Session, user: User, limit: int = 10) -> Dashboard:
    """What needs this user now: each list the `limit` most recently changed, found in SQL.

    Each list is one query that walks the open positions newest first and stops at `limit`:
    the cost does not grow with the number of positions. The conditions are the consensus
    rules (positions/consensus.py) said in SQL, with "each partner's latest decision" as the
    newest sign-off of that partner on that position.
    """
    day = clock_of(session).today()
    partners = all_partners(session)
    required = [p.id for p in core.required_signatories(partners, day)]

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

    load = rows_by_id(session, with_texts(select(Position)))

    def newest_open(*conditions) -> list[Position]:
        newest = (Position.updated_at.desc(), Position.id.desc())
        # The ids first (the database stops at `limit`), then those rows with what they show:
        # asked in one statement, PostgreSQL would join every position before choosing ten.
        ids = select(Position.id).where(Position.status.in_(OPEN_STATUSES), *conditions)
        chosen = list(session.execute(ids.order_by(*newest).limit(limit)).scalars())
        return in_order(chosen, load(chosen)) if chosen else []

    mine = user.partner_id
    settled = or_(  # my partner has approved this text, or objects to it (a veto that carries)
        deciding(partner=mine, decision=core.Decision.APPROVE, current=True),
        deciding(partner=mine, decision=core.Decision.OBJECT),
    )
    awaiting = newest_open(~settled) if mine in required else []
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
    disputed = list(
        session.execute(
            select(Dissent)
            .join(Position, Dissent.position_id == Position.id)
            .where(Dissent.retracted_at.is_(None), Position.publicly_visible)
            .options(joinedload(Dissent.position))
            .order_by(Dissent.created_at.desc(), Dissent.id.desc())
            .limit(limit)
        )
        .unique()
        .scalars()
    )
    withdrawals = _withdrawals_awaiting(session, mine, limit) if mine in required else []
    signs = mine in required and (
        can_sign_for(user.actor, mine)
        or deputations.acting_deputation(session, user, day) is not None
    )
    todo_positions: list[Position] = []
    if signs:
        # Ready texts my partner has not settled, soonest deadline first; one more than shown
        # tells whether there are more.
        soonest = (Position.decision_due, Position.ready_at, Position.id)
        ids = select(Position.id).where(
            Position.ready_at.is_not(None),
            Position.status == core.PositionStatus.DRAFT,
            # Decided on this very text; an objection to an earlier one waits for an answer.
            ~deciding(partner=mine, current=True),
        )
        chosen = list(session.execute(ids.order_by(*soonest).limit(TODO_LIMIT + 1)).scalars())
        todo_positions = in_order(chosen, load(chosen)) if chosen else []
    # Each position appears once: what is on my partner's to-do list leaves the objections card.
    listed = {p.id for p in todo_positions[:TODO_LIMIT]}
    objections = [p for p in objections if p.id not in listed]
    shown = {p.id: p for p in awaiting + objections + ready + todo_positions}
    consensus = consensus_for_many(session, list(shown.values()))
    todo = _todo_rows(session, user, todo_positions[:TODO_LIMIT], consensus) if signs else []
    return Dashboard(
        membership_news=membership_news(session, partners, day),
        due_for_review=due,
        overdue_for_review={p.id for p in due if review_overdue(p.review_by, day)},
        awaiting_my_partner=awaiting,
        objections=objections,
        ready_to_publish=[p for p in ready if consensus[p.id].publishable],
        recently_published=recent,
        consensus=consensus,
        no_longer_supported=disputed,
        withdrawals_awaiting=withdrawals,
        todo=todo,
        todo_more=len(todo_positions) > TODO_LIMIT,
        signs_for_partner=bool(signs),
        acting=bool(signs) and not can_sign_for(user.actor, mine),
    )


def _todo_rows(
    session: Session, user: User, positions: list[Position], consensus: dict
) -> list[TodoRow]:
    """The to-do list in the core's order, each with its age, what changed since my
    partner's last decision (the texts it decided on: one query) and its open threads (one)."""
    if not positions:
        return []
    partner_id = user.partner_id
    threads = dict(
        session.execute(
            select(Thread.position_id, func.count())
            .where(
                Thread.position_id.in_([p.id for p in positions]),
                Thread.resolved_at.is_(None),
                visible_to(user),
            )
            .group_by(Thread.position_id)
        ).all()
    )
    clock, calendar = clock_of(session), calendar_of(session)
    by_id = {p.id: p for p in positions}
    waiting = [
        cycle.Waiting(
            p.id,
            p.decision_due,
            p.ready_at,
            next(s for s in consensus[p.id].standings if s.partner.id == partner_id),
            p.current_revision.number,
        )
        for p in positions
    ]
    items = cycle.todo_list(waiting, clock.today(), calendar)
    decided = [(i.position_id, i.decided_number) for i in items if i.decided_number]
    earlier = {}
    if decided:
        earlier = {
            (r.position_id, r.number): r
            for r in session.execute(
                select(Revision).where(tuple_(Revision.position_id, Revision.number).in_(decided))
            ).scalars()
        }
    rows = []
    for item in items:
        position = by_id[item.position_id]
        old = earlier.get((item.position_id, item.decided_number))
        changed = None
        if old is not None:
            counts = word_counts(old.body, position.current_revision.body)
            changed = cycle.change_summary(counts["inserted"], counts["deleted"])
        age = (clock.today() - clock.local_date(position.ready_at)).days
        rows.append(TodoRow(position, item, age, changed, threads.get(position.id, 0)))
    return rows


def _withdrawals_awaiting(session: Session, partner_id: int, limit: int) -> list[Position]:
    """Published positions some partner has confirmed withdrawing and `partner_id` has not.

    A confirmation counts when it names the published revision and its hash (positions/
    governance.py); confirmations are only ever of the current published text, so 'has not'
    is: no confirmation of that text from this partner.
    """

    def confirmed(*where) -> object:
        c = aliased(MotionConfirmation)
        return (
            exists()
            .where(
                c.position_id == Position.id,
                c.motion == gov.Motion.WITHDRAW,
                c.subject_number == Revision.number,
                c.content_hash == Revision.content_hash,
                *[w(c) for w in where],
            )
            .correlate(Position, Revision)
        )

    return list(
        session.execute(
            select(Position)
            .join(Publication, Publication.id == Position.publication_id)
            .join(Revision, Revision.id == Publication.revision_id)
            .where(
                Position.status.not_in(core.RETIRED_STATUSES),
                confirmed(),
                ~confirmed(lambda c: c.partner_id == partner_id),
            )
            .order_by(Position.updated_at.desc(), Position.id.desc())
            .limit(limit)
        ).scalars()
    )


def membership_news(session: Session, partners, day) -> list[str]:
    """Partners joining or leaving about now, each with what it does to the drafts in flight."""
    changes = alliance_core.membership_changes(partners, day)
    if not changes:
        return []  # the usual case: no query at all
    in_flight = session.execute(
        select(func.count(Position.id)).where(Position.status.in_(OPEN_STATUSES))
    ).scalar_one()
    return [alliance_core.describe_for_drafts(change, in_flight) for change in changes]
