"""Sign-offs and publication: the consensus rules applied to stored positions."""

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.alliance.models import Partner
from app.alliance.settings import clock_of
from app.audit import services as audit
from app.deputies import services as deputations
from app.drafting import signals
from app.drafting.models import Position, Publication, SignOff
from app.drafting.services import cycle
from app.drafting.services.locking import lock_position
from app.extensions import utcnow
from app.figures import services as figures
from positions import consensus as core
from positions.deputies import may_sign_for
from positions.refusals import Forbidden, Invalid, NotFound
from positions.roles import can_publish, can_sign_for
from positions.text import long_text


def all_partners(session: Session) -> list[core.Partner]:
    rows = session.execute(select(Partner)).scalars()
    return core.neutral_order(p.as_core() for p in rows)


def latest_signoffs(session: Session, position_ids: Sequence[int]) -> dict[int, list[SignOff]]:
    """Each partner's latest sign-off on each position, in one query."""
    if not position_ids:
        return {}
    latest_ids = (
        select(func.max(SignOff.id))
        .where(SignOff.position_id.in_(position_ids))
        .group_by(SignOff.position_id, SignOff.partner_id)
    )
    by_position: dict[int, list[SignOff]] = {pid: [] for pid in position_ids}
    for signoff in session.execute(select(SignOff).where(SignOff.id.in_(latest_ids))).scalars():
        by_position[signoff.position_id].append(signoff)
    return by_position


def consensus_for_many(
    session: Session, positions: Sequence[Position]
) -> dict[int, core.Consensus]:
    """The consensus on each position's current revision, with a fixed number of queries."""
    partners = all_partners(session)
    signoffs = latest_signoffs(session, [p.id for p in positions])
    day = clock_of(session).today()
    return {
        p.id: core.assess(
            partners,
            [s.as_core() for s in signoffs[p.id]],
            p.current_revision.as_core(),
            day,
        )
        for p in positions
    }


def consensus_for(session: Session, position: Position) -> core.Consensus:
    return consensus_for_many(session, [position])[position.id]


def refresh_status(session: Session, position: Position) -> core.Consensus:
    consensus = consensus_for(session, position)
    published = position.published_revision
    position.status = core.status_of(
        consensus,
        published.number if published else None,
        core.PositionStatus(position.status) if position.status else None,
    )
    return consensus


def ensure_open(position: Position) -> None:
    core.check_open_for_work(core.PositionStatus(position.status))


def sign_off(
    session: Session,
    signer: User,
    position_id: int,
    *,
    revision_number: int,
    decision: str,
    comment: str = "",
) -> SignOff:
    """Record the signer's decision for their own partner on the exact current revision."""
    try:
        choice = core.Decision(decision)
    except ValueError:
        raise Invalid(
            "Choose approve or object.", code="invalid_decision", field="decision"
        ) from None
    partner = session.get(Partner, signer.partner_id) if signer.partner_id else None
    today = clock_of(session).today()
    acting = (
        None
        if partner is None or can_sign_for(signer.actor, partner.id)
        else deputations.acting_deputation(session, signer, today)
    )
    if partner is None or not may_sign_for(signer.actor, partner.id, acting):
        message = (
            "Only a partner's own chief officer, or its deputy while a deputation is in force, "
            "can sign off for that partner."
        )
    elif not core.is_member_on(partner.as_core(), today):
        message = f"{partner.name} is not an active partner of the alliance."
    else:
        message = None
    if message:
        # A refused sign-off is itself on the record, and the record is kept.
        audit.record(
            session,
            "signoff.refused",
            actor=signer,
            object_type="position",
            object_id=position_id,
            details={"revision": revision_number, "decision": decision},
        )
        raise Forbidden(message, audited=True)
    partner_id = partner.id
    position = lock_position(session, position_id)
    ensure_open(position)
    current = position.current_revision
    comment = long_text(comment)
    core.check_signoff(revision_number, current.as_core(), choice, comment)
    signoff = SignOff(
        position_id=position.id,
        revision_id=current.id,
        partner_id=partner_id,
        user_id=signer.id,
        decision=choice.value,
        comment=comment.strip(),
        content_hash=current.content_hash,
        deputation_id=acting.id if acting else None,
    )
    session.add(signoff)
    session.flush()
    standing = refresh_status(session, position)
    if position.ready:
        figures.unanimity(session, position.id, standing.publishable, signoff.created_at)
    audit.record(
        session,
        f"signoff.{choice.value}",
        actor=signer,
        object_type="position",
        object_id=position.id,
        details={
            "partner": partner.slug,
            "revision": current.number,
            "hash": current.content_hash,
            "comment": signoff.comment,
            # Who decided, and in which capacity: a deputy acts for the partner's chief officer.
            "decided_by": signer.name,
            "acting_for": partner.slug if acting else None,
            "deputation": acting.id if acting else None,
        },
    )
    signals.signed_off.send(session=session, signoff=signoff)
    return signoff


def publish(
    session: Session, publisher: User, position_id: int, *, revision_number: int
) -> Publication:
    """Publish the current revision, checked with the position locked so nothing races it."""
    if not can_publish(publisher.actor):
        raise Forbidden("Only communications staff, chief officers and admins publish.")
    position = lock_position(session, position_id)
    ensure_open(position)
    consensus = consensus_for(session, position)
    published = position.published_revision
    core.check_publish(consensus, revision_number, published.number if published else None)
    signatory_ids = [s.decision.sequence for s in consensus.standings]
    publication = Publication(
        position_id=position.id,
        revision_id=position.current_revision_id,
        published_by_id=publisher.id,
        published_at=utcnow(),
        signatories=list(
            session.execute(select(SignOff).where(SignOff.id.in_(signatory_ids))).scalars()
        ),
    )
    session.add(publication)
    session.flush()
    position.publication = publication
    position.status = core.status_of(
        consensus, revision_number, core.PositionStatus(position.status)
    )
    audit.record(
        session,
        "position.publish",
        actor=publisher,
        object_type="position",
        object_id=position.id,
        details={
            "revision": revision_number,
            "hash": position.current_revision.content_hash,
            "signatories": sorted(signatory_ids),
        },
    )
    cycle.end_cycle(session, position)
    signals.standing_changed.send(session=session, position_id=position.id, actor_id=publisher.id)
    return publication


def get_position(session: Session, position_id: int) -> Position:
    position = session.get(Position, position_id)
    if position is None:
        raise NotFound(f"There is no position {position_id}.")
    return position


def latest_signoff_id(session: Session, position_id: int) -> int | None:
    """The newest sign-off on a position: sign-offs are only added, so this dates them all."""
    return session.execute(
        select(func.max(SignOff.id)).where(SignOff.position_id == position_id)
    ).scalar_one()


def signoff_history(session: Session, position_id: int) -> list[SignOff]:
    return list(
        session.execute(
            select(SignOff).where(SignOff.position_id == position_id).order_by(SignOff.id.desc())
        ).scalars()
    )
