"""Agreeing to differ: each partner's statement, every chief officer's confirmation, publication."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.alliance.settings import clock_of, settings_of
from app.audit import services as audit
from app.divergence.models import DifferConfirmation, DifferOutcome, DifferStatement
from app.drafting import signals
from app.drafting.services import governance
from app.drafting.services.consensus import all_partners, refresh_status
from app.drafting.services.locking import lock_position
from app.extensions import utcnow
from app.web.rendering import render_bounded
from positions import divergence as rules
from positions import roles
from positions.consensus import PositionStatus, closing_reason
from positions.governance import MotionState, reopening_of
from positions.refusals import Forbidden
from positions.text import long_text


@dataclass(frozen=True)
class DifferState:
    outcome: rules.DifferOutcome
    statements: dict[int, DifferStatement]  # partner id → latest statement
    published: DifferOutcome | None


def _latest(session: Session, model, position_id: int, since=None) -> dict:
    latest_ids = select(func.max(model.id)).where(model.position_id == position_id)
    if since is not None:
        latest_ids = latest_ids.where(model.created_at > since)
    latest_ids = latest_ids.group_by(model.partner_id)
    rows = session.execute(select(model).where(model.id.in_(latest_ids))).scalars()
    return {row.partner_id: row for row in rows}


def active_outcome(session: Session, position_id: int) -> DifferOutcome | None:
    return session.execute(
        select(DifferOutcome)
        .where(DifferOutcome.position_id == position_id, DifferOutcome.reopened_at.is_(None))
        .order_by(DifferOutcome.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def differ_state(session: Session, position_id: int) -> DifferState:
    statements = _latest(session, DifferStatement, position_id)
    # Confirmations given before the position was last reopened no longer count.
    reopened = session.execute(
        select(func.max(DifferOutcome.reopened_at)).where(DifferOutcome.position_id == position_id)
    ).scalar_one()
    confirmations = _latest(session, DifferConfirmation, position_id, since=reopened)
    outcome = rules.assess_differ(
        all_partners(session),
        {pid: rules.Statement(pid, s.text) for pid, s in statements.items()},
        {pid: rules.Confirmation(pid, c.statements_hash) for pid, c in confirmations.items()},
        clock_of(session).today(),
    )
    return DifferState(outcome, statements, active_outcome(session, position_id))


def write_statement(
    session: Session, user: User, position_id: int, *, text: str
) -> DifferStatement:
    """A partner's own statement of its view, for publication beside the others'."""
    partner_id = user.partner_id
    if partner_id is None or not roles.can_write_differ_statement(user.actor, partner_id):
        raise Forbidden("Only a partner's own policy and chief officers write its statement.")
    text = long_text(text)
    stripped = rules.check_statement(text, settings_of(session).max_body_bytes)
    text_html = render_bounded(text, field="text")  # before the lock: nobody waits on Markdown
    position = lock_position(session, position_id)
    rules.check_differ_open(PositionStatus(position.status))
    statement = DifferStatement(
        position_id=position.id,
        partner_id=partner_id,
        text=stripped,
        text_html=text_html,
        user_id=user.id,
    )
    session.add(statement)
    session.flush()
    audit.record(
        session,
        "differ.statement",
        actor=user,
        object_type="position",
        object_id=position.id,
        details={"partner": user.partner.slug},
    )
    return statement


def confirm(session: Session, user: User, position_id: int) -> DifferState:
    """A chief officer confirms the outcome for their partner; the last one publishes it."""
    partner_id = user.partner_id
    if partner_id is None or not roles.can_confirm_differ(user.actor, partner_id):
        raise Forbidden("Only a partner's own chief officer confirms for that partner.")
    position = lock_position(session, position_id)
    rules.check_differ_open(PositionStatus(position.status))
    state = differ_state(session, position_id)
    rules.check_differ_confirmation(state.outcome)
    session.add(
        DifferConfirmation(
            position_id=position.id,
            partner_id=partner_id,
            user_id=user.id,
            statements_hash=state.outcome.statements_hash,
        )
    )
    session.flush()
    audit.record(
        session,
        "differ.confirm",
        actor=user,
        object_type="position",
        object_id=position.id,
        details={"partner": user.partner.slug, "statements": state.outcome.statements_hash},
    )
    state = differ_state(session, position_id)
    if state.outcome.publishable:
        outcome = DifferOutcome(
            position_id=position.id,
            statements_hash=state.outcome.statements_hash,
            published_at=utcnow(),
            statements=list(state.statements.values()),
        )
        session.add(outcome)
        position.status = PositionStatus.DIFFER
        session.flush()
        audit.record(
            session,
            "differ.publish",
            actor=user,
            object_type="position",
            object_id=position.id,
            details={"statements": outcome.statements_hash},
        )
        signals.standing_changed.send(session=session, position_id=position.id, actor_id=user.id)
        state = differ_state(session, position_id)
    return state


def reopening_state(session: Session, position_id: int) -> MotionState | None:
    """Where reopening the standing agree-to-differ outcome stands; None when none stands."""
    outcome = active_outcome(session, position_id)
    if outcome is None:
        return None
    subject = reopening_of(outcome.id, outcome.statements_hash)
    return governance.motion_state(session, position_id, subject)


def confirm_reopening(
    session: Session, user: User, position_id: int, *, reason: str
) -> MotionState:
    """A chief officer confirms, for their partner, that the outcome be reopened.

    The partners agreed to differ together, so only all of them reopen it: the last confirmation
    needed sends the position back to work towards one text; the outcome's record stays.
    """
    partner = governance.acting_partner(
        session,
        user,
        roles.can_confirm_reopening,
        "Only a partner's own chief officer confirms reopening for that partner.",
    )
    reason = closing_reason(reason)
    position = lock_position(session, position_id)
    outcome = active_outcome(session, position_id)
    rules.check_reopenable(PositionStatus(position.status), outcome is not None)
    subject = reopening_of(outcome.id, outcome.statements_hash)
    state = governance.record_confirmation(session, user, partner, position, subject, reason)
    if state.carried:
        outcome.reopened_at = utcnow()
        outcome.reopened_by_id = user.id
        position.status = PositionStatus.DRAFT
        refresh_status(session, position)
        audit.record(
            session,
            "differ.reopen",
            actor=user,
            object_type="position",
            object_id=position.id,
            details={"outcome": outcome.id, "statements": outcome.statements_hash},
        )
        signals.standing_changed.send(session=session, position_id=position.id, actor_id=user.id)
    return state
