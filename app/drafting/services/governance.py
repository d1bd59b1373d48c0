"""Undoing what all partners did together, archiving drafts, and one partner's dissent.

The rules are positions.governance; here they are applied to stored positions: a chief officer's
confirmation is written and audited, and the last one needed carries the motion.
"""

from collections.abc import Callable, Sequence

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.alliance.models import Partner
from app.alliance.settings import clock_of
from app.audit import services as audit
from app.drafting import signals
from app.drafting.models import Dissent, MotionConfirmation, Position, Publication
from app.drafting.services.consensus import all_partners
from app.drafting.services.locking import lock_position
from app.extensions import utcnow
from positions import consensus as core
from positions import governance as gov
from positions import roles
from positions.refusals import Conflict, Forbidden
from positions.roles import Actor


def acting_partner(
    session: Session, user: User, allowed: Callable[[Actor, int], bool], message: str
) -> Partner:
    """The partner this person decides for, refused unless it is theirs and taking part today."""
    partner = session.get(Partner, user.partner_id) if user.partner_id else None
    if partner is None or not allowed(user.actor, partner.id):
        raise Forbidden(message)
    if not core.is_member_on(partner.as_core(), clock_of(session).today()):
        raise Forbidden(f"{partner.name} is not an active partner of the alliance.")
    return partner


def motion_state(session: Session, position_id: int, subject: gov.Subject) -> gov.MotionState:
    """Every partner's latest confirmation of this kind of motion, assessed against `subject`."""
    latest_ids = (
        select(func.max(MotionConfirmation.id))
        .where(
            MotionConfirmation.position_id == position_id,
            MotionConfirmation.motion == subject.motion.value,
        )
        .group_by(MotionConfirmation.partner_id)
    )
    rows = session.execute(
        select(MotionConfirmation).where(MotionConfirmation.id.in_(latest_ids))
    ).scalars()
    return gov.assess_motion(
        all_partners(session), [r.as_core() for r in rows], subject, clock_of(session).today()
    )


def record_confirmation(
    session: Session,
    user: User,
    partner: Partner,
    position: Position,
    subject: gov.Subject,
    reason: str,
) -> gov.MotionState:
    """Write one partner's confirmation of `subject` (once) and return where the motion stands."""
    before = motion_state(session, position.id, subject)
    mine = next((s for s in before.standings if s.partner.id == partner.id), None)
    if mine is not None and mine.state is gov.ConfirmationState.CONFIRMED:
        raise Conflict(f"{partner.name} has already confirmed this.", "already_confirmed")
    session.add(
        MotionConfirmation(
            position_id=position.id,
            partner_id=partner.id,
            user_id=user.id,
            motion=subject.motion.value,
            subject_number=subject.number,
            content_hash=subject.content_hash,
            reason=reason,
        )
    )
    session.flush()
    audit.record(
        session,
        f"{subject.motion.value}.confirm",
        actor=user,
        object_type="position",
        object_id=position.id,
        details={
            "partner": partner.slug,
            "subject": subject.number,
            "hash": subject.content_hash,
            "reason": reason,
        },
    )
    return motion_state(session, position.id, subject)


# ---- withdrawing a published position -----------------------------------------------------------


def withdrawal_subject(position: Position) -> gov.Subject | None:
    published = position.published_revision
    return gov.withdrawal_of(published.number, published.content_hash) if published else None


def withdrawal_state(session: Session, position: Position) -> gov.MotionState | None:
    """Where a withdrawal of the published text stands; None when nothing is published."""
    subject = withdrawal_subject(position)
    return motion_state(session, position.id, subject) if subject else None


def confirm_withdrawal(
    session: Session, user: User, position_id: int, *, revision_number: int, reason: str
) -> gov.MotionState:
    """A chief officer confirms, for their partner, that the published text be withdrawn.

    The last confirmation needed withdraws it: the public page then says so and keeps the text.
    """
    partner = acting_partner(
        session,
        user,
        roles.can_confirm_withdrawal,
        "Only a partner's own chief officer confirms a withdrawal for that partner.",
    )
    reason = core.closing_reason(reason)
    position = lock_position(session, position_id)
    published = position.published_revision
    gov.check_withdrawable(
        core.PositionStatus(position.status), published.number if published else None
    )
    gov.check_withdrawal_of(revision_number, published.number)
    state = record_confirmation(
        session, user, partner, position, withdrawal_subject(position), reason
    )
    if state.carried:
        position.status = core.PositionStatus.WITHDRAWN
        position.withdrawn_at = utcnow()
        audit.record(
            session,
            "position.withdraw",
            actor=user,
            object_type="position",
            object_id=position.id,
            details={
                "revision": published.number,
                "hash": published.content_hash,
                "confirmations": sorted(s.confirmation.sequence for s in state.standings),
            },
        )
        signals.standing_changed.send(session=session, position_id=position.id, actor_id=user.id)
    return state


# ---- archiving a draft nobody published ---------------------------------------------------------


def archive(session: Session, user: User, position_id: int, *, reason: str) -> Position:
    """Tidy away a never-published draft (its author or any chief officer). Nothing is deleted."""
    position = lock_position(session, position_id)
    if not roles.can_archive(user.actor, position.created_by_id):
        raise Forbidden("Only the position's author or a chief officer archives a draft.")
    reason = core.closing_reason(reason)
    ever_published = session.execute(
        select(exists().where(Publication.position_id == position.id))
    ).scalar_one()
    gov.check_archivable(core.PositionStatus(position.status), ever_published)
    position.status = core.PositionStatus.ARCHIVED
    audit.record(
        session,
        "position.archive",
        actor=user,
        object_type="position",
        object_id=position.id,
        details={"reason": reason},
    )
    signals.standing_changed.send(session=session, position_id=position.id, actor_id=user.id)
    return position


# ---- one partner no longer supports a published text ------------------------------------------


def standing_dissents(session: Session, position_ids: Sequence[int]) -> dict[int, list[Dissent]]:
    """The dissents standing on each position (not retracted), partners in neutral order."""
    found: dict[int, list[Dissent]] = {pid: [] for pid in position_ids}
    if not position_ids:
        return found
    rows = session.execute(
        select(Dissent).where(Dissent.position_id.in_(position_ids), Dissent.retracted_at.is_(None))
    ).scalars()
    for row in rows:
        found[row.position_id].append(row)
    return {
        pid: core.neutral_order(held, partner=lambda d: d.partner) for pid, held in found.items()
    }


def _standing(session: Session, position_id: int, partner_id: int) -> Dissent | None:
    return session.execute(
        select(Dissent).where(
            Dissent.position_id == position_id,
            Dissent.partner_id == partner_id,
            Dissent.retracted_at.is_(None),
        )
    ).scalar_one_or_none()


def state_dissent(session: Session, user: User, position_id: int, *, reason: str) -> Dissent:
    """Say publicly, for one's own partner, that it no longer supports the published text."""
    partner = acting_partner(
        session,
        user,
        roles.can_state_dissent,
        "Only a partner's own chief officer says it no longer supports a position.",
    )
    reason = core.closing_reason(reason)
    position = lock_position(session, position_id)
    gov.check_dissent(
        core.PositionStatus(position.status),
        position.publication_id is not None,
        _standing(session, position.id, partner.id) is not None,
    )
    dissent = Dissent(
        position_id=position.id,
        partner_id=partner.id,
        publication_id=position.publication_id,
        user_id=user.id,
        reason=reason,
    )
    session.add(dissent)
    session.flush()
    audit.record(
        session,
        "dissent.state",
        actor=user,
        object_type="position",
        object_id=position.id,
        details={"partner": partner.slug, "reason": reason},
    )
    signals.standing_changed.send(session=session, position_id=position.id, actor_id=user.id)
    return dissent


def retract_dissent(session: Session, user: User, position_id: int) -> Dissent:
    """The partner supports the text again: its statement is closed, and kept for the record."""
    partner = acting_partner(
        session,
        user,
        roles.can_state_dissent,
        "Only a partner's own chief officer withdraws its statement.",
    )
    position = lock_position(session, position_id)
    dissent = _standing(session, position.id, partner.id)
    gov.check_dissent_retractable(dissent is not None)
    dissent.retracted_at = utcnow()
    dissent.retracted_by_id = user.id
    audit.record(
        session,
        "dissent.retract",
        actor=user,
        object_type="position",
        object_id=position.id,
        details={"partner": partner.slug},
    )
    signals.standing_changed.send(session=session, position_id=position.id, actor_id=user.id)
    return dissent
