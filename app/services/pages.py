"""Everything one position page shows, gathered in a fixed number of queries."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.models import Position, SignOff, User
from app.services.consensus import consensus_for, get_position, signoff_history
from app.services.drafting import revision_count
from positions import consensus as core
from positions.roles import can_draft, can_publish, can_sign_for


@dataclass(frozen=True)
class PositionPage:
    position: Position
    consensus: core.Consensus
    signoffs: list[SignOff]
    revision_count: int
    my_standing: core.PartnerStanding | None
    may_sign: bool
    may_publish: bool
    may_edit: bool

    @property
    def changes_since_my_approval(self) -> int | None:
        """The revision my partner approved, when that approval has gone stale."""
        standing = self.my_standing
        if standing and standing.state is core.PartnerState.STALE:
            return standing.revision_number
        return None


def position_page(session: Session, user: User, position_id: int) -> PositionPage:
    position = get_position(session, position_id)
    state = consensus_for(session, position)
    actor = user.actor
    mine = next((s for s in state.standings if s.partner.id == user.partner_id), None)
    open_for_work = position.status not in (
        core.PositionStatus.WITHDRAWN,
        core.PositionStatus.ARCHIVED,
    )
    published = position.published_revision
    return PositionPage(
        position=position,
        consensus=state,
        signoffs=signoff_history(session, position_id),
        revision_count=revision_count(session, position_id),
        my_standing=mine,
        may_sign=open_for_work and mine is not None and can_sign_for(actor, mine.partner.id),
        may_publish=(
            open_for_work
            and can_publish(actor)
            and state.publishable
            and (published is None or published.number != state.revision.number)
        ),
        may_edit=open_for_work and can_draft(actor),
    )
