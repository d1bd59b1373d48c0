"""Everything one position page shows, gathered in a fixed number of queries."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.alliance.settings import calendar_of, clock_of
from app.deputies import services as deputations
from app.divergence.models import Amendment, Stance
from app.divergence.services.differ import reopening_state
from app.divergence.services.stances import latest_stances
from app.drafting.models import Dissent, Position, SignOff
from app.drafting.services import governance
from app.drafting.services.consensus import (
    all_partners,
    consensus_for,
    get_position,
    signoff_history,
)
from app.drafting.services.cycle import default_decision_due
from app.drafting.services.editing import revision_count
from positions import alliance as alliance_rules
from positions import consensus as core
from positions import cycle, roles
from positions import divergence as rules
from positions.governance import ConfirmationState, MotionState


@dataclass(frozen=True)
class StanceCell:
    partner: core.Partner
    stance: Stance | None

    @property
    def view(self) -> rules.View:
        return rules.View(self.stance.view) if self.stance else rules.View.UNDECIDED


@dataclass(frozen=True)
class PositionPage:
    position: Position
    consensus: core.Consensus
    signoffs: list[SignOff]
    revision_count: int
    stances: list[StanceCell]
    open_amendments: list[Amendment]
    my_standing: core.PartnerStanding | None
    may_sign: bool
    may_publish: bool
    may_edit: bool
    may_set_stance: bool
    may_propose: bool
    may_set_review_date: bool
    retired: bool  # withdrawn or archived
    review_due: bool
    review_overdue: bool
    # Undoing what all partners did together (positions/governance.py).
    withdrawal: MotionState | None  # of the published text, while it may be withdrawn
    may_confirm_withdrawal: bool
    reopening: MotionState | None  # of a standing agree-to-differ outcome
    may_confirm_reopening: bool
    may_archive: bool
    dissents: list[Dissent]  # partners that no longer support the published text
    may_state_dissent: bool
    may_retract_dissent: bool
    membership_news: list[str]  # partners joining or leaving about now, while it is in flight
    verdict: core.Verdict  # what the consensus panel says about publishing
    # The sign-off cycle (positions/cycle.py).
    acting: bool = False  # this person signs as their partner's deputy
    may_mark_ready: bool = False  # put up for sign-off, change its deadline, take it back
    default_due: date | None = None  # what the ready form offers
    urgency: str = ""  # overdue / due_soon, while ready

    @property
    def changes_since_my_approval(self) -> int | None:
        """The revision my partner approved, when that approval has gone stale."""
        standing = self.my_standing
        if standing and standing.state is core.PartnerState.STALE:
            return standing.revision_number
        return None

    @property
    def changes_since_my_objection(self) -> int | None:
        """The revision my partner objected to, when the text has changed since."""
        standing = self.my_standing
        if standing and standing.state is core.PartnerState.OBJECTED:
            return core.changed_since_decision(standing, self.consensus.revision)
        return None


def page_version(session: Session, position_id: int) -> int | None:
    """The position's version: while it stands still, nothing its page shows has changed."""
    return session.execute(select(Position.version).where(Position.id == position_id)).scalar()


def position_page(session: Session, user: User, position_id: int) -> PositionPage:
    position = get_position(session, position_id)
    state = consensus_for(session, position)
    actor = user.actor
    mine = next((s for s in state.standings if s.partner.id == user.partner_id), None)
    status = core.PositionStatus(position.status)
    working = core.open_for_work(status)
    published = position.published_revision
    held = latest_stances(session, [position.id])[position.id]
    withdrawable = published is not None and not core.is_retired(status)
    withdrawal = governance.withdrawal_state(session, position) if withdrawable else None
    reopening = None
    if status is core.PositionStatus.DIFFER:
        reopening = reopening_state(session, position.id)
    dissents = governance.standing_dissents(session, [position.id])[position.id]
    mine_dissents = mine is not None and any(d.partner_id == mine.partner.id for d in dissents)
    chief_here = mine is not None and roles.can_sign_for(actor, mine.partner.id)
    acting = (
        working
        and mine is not None
        and not chief_here
        and deputations.acting_deputation(session, user, clock_of(session).today()) is not None
    )
    marks_ready = working and roles.can_mark_ready(actor, position.created_by_id)
    return PositionPage(
        position=position,
        consensus=state,
        signoffs=signoff_history(session, position_id),
        revision_count=revision_count(session, position_id),
        stances=[StanceCell(s.partner, held.get(s.partner.id)) for s in state.standings],
        open_amendments=list(
            session.execute(
                select(Amendment)
                .where(Amendment.position_id == position.id, Amendment.status == "open")
                .order_by(Amendment.number)
            ).scalars()
        ),
        my_standing=mine,
        may_sign=working and mine is not None and (chief_here or acting),
        acting=acting,
        may_mark_ready=marks_ready,
        default_due=default_decision_due(session) if marks_ready and not position.ready else None,
        urgency=(
            cycle.urgency_of(
                position.decision_due, clock_of(session).today(), calendar_of(session)
            ).value
            if position.ready and working
            else ""
        ),
        may_publish=(
            working
            and roles.can_publish(actor)
            and state.publishable
            and (published is None or published.number != state.revision.number)
        ),
        may_edit=working and roles.can_draft(actor),
        may_set_stance=working
        and mine is not None
        and roles.can_set_stance(actor, mine.partner.id),
        may_propose=working and roles.can_propose_amendment(actor),
        may_set_review_date=working and roles.can_set_review_date(actor),
        retired=core.is_retired(status),
        review_due=rules.review_due(position.review_by, clock_of(session).today()),
        review_overdue=rules.review_overdue(position.review_by, clock_of(session).today()),
        withdrawal=withdrawal,
        may_confirm_withdrawal=withdrawal is not None
        and chief_here
        and not _confirmed(withdrawal, mine.partner.id),
        reopening=reopening,
        may_confirm_reopening=reopening is not None
        and chief_here
        and not _confirmed(reopening, mine.partner.id),
        may_archive=working
        and published is None
        and roles.can_archive(actor, position.created_by_id),
        dissents=dissents,
        may_state_dissent=withdrawable and chief_here and not mine_dissents,
        may_retract_dissent=chief_here and mine_dissents,
        verdict=core.verdict(state, status, published.number if published else None),
        membership_news=(
            [
                alliance_rules.describe_for_position(change)
                for change in alliance_rules.membership_changes(
                    all_partners(session), clock_of(session).today()
                )
            ]
            # A draft or agreed text: a published one keeps the signatories it had.
            if core.in_progress(status)
            else []
        ),
    )


def _confirmed(state: MotionState, partner_id: int) -> bool:
    return any(
        s.partner.id == partner_id and s.state is ConfirmationState.CONFIRMED
        for s in state.standings
    )
