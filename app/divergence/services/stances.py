"""Each partner's working stance on a position: who holds which view, and how it moved."""

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.alliance.models import Partner
from app.alliance.settings import settings_of
from app.audit import services as audit
from app.divergence.models import Stance
from app.drafting.services.consensus import get_position
from app.web.rendering import render_bounded
from positions import divergence as rules
from positions.consensus import PositionStatus
from positions.refusals import Forbidden, NotFound
from positions.roles import can_set_stance
from positions.text import long_text


def latest_stances(session: Session, position_ids: Sequence[int]) -> dict[int, dict[int, Stance]]:
    """Each partner's current stance on each position, in one query."""
    if not position_ids:
        return {}
    latest_ids = (
        select(func.max(Stance.id))
        .where(Stance.position_id.in_(position_ids))
        .group_by(Stance.position_id, Stance.partner_id)
    )
    found: dict[int, dict[int, Stance]] = {pid: {} for pid in position_ids}
    for stance in session.execute(select(Stance).where(Stance.id.in_(latest_ids))).scalars():
        found[stance.position_id][stance.partner_id] = stance
    return found


def find_partner(session: Session, slug: str) -> Partner:
    partner = session.execute(select(Partner).where(Partner.slug == slug)).scalar_one_or_none()
    if partner is None:
        raise NotFound(f"There is no partner {slug!r}.", code="unknown_partner", field="partner")
    return partner


def set_stance(
    session: Session, user: User, position_id: int, partner_slug: str, *, view: str, rationale: str
) -> Stance:
    """Record a partner's stance; only that partner's own officers may."""
    partner = find_partner(session, partner_slug)
    if not can_set_stance(user.actor, partner.id):
        raise Forbidden(f"Only {partner.name}'s own policy and chief officers set its stance.")
    chosen = rules.parse_view(view)
    rationale = long_text(rationale)
    position = get_position(session, position_id)
    previous = latest_stances(session, [position.id])[position.id].get(partner.id)
    rules.check_stance(
        PositionStatus(position.status),
        chosen,
        rationale,
        (previous.view, previous.rationale) if previous else None,
        settings_of(session).max_body_bytes,
    )
    stance = Stance(
        position_id=position.id,
        partner_id=partner.id,
        view=chosen.value,
        rationale=rationale.strip(),
        rationale_html=render_bounded(rationale, field="rationale"),
        user_id=user.id,
    )
    session.add(stance)
    session.flush()
    audit.record(
        session,
        "stance.set",
        actor=user,
        object_type="position",
        object_id=position.id,
        details={
            "partner": partner.slug,
            "from": previous.view if previous else None,
            "to": chosen.value,
        },
    )
    return stance


def stance_history(session: Session, position_id: int) -> list[Stance]:
    return list(
        session.execute(
            select(Stance).where(Stance.position_id == position_id).order_by(Stance.id.desc())
        ).scalars()
    )
