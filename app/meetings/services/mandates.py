"""Mandates: who may speak for the alliance, on which policy areas, between which dates."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.accounts.models import User
from app.audit import services as audit
from app.meetings.models import Mandate
from app.meetings.services.appearances import as_core, find_speaker
from app.meetings.services.meetings import find_areas
from positions import mandate as core
from positions import roles
from positions.refusals import Forbidden, Invalid


def _date(value: object, name: str, *, required: bool) -> date | None:
    if value is None or value == "":
        if required:
            raise Invalid(f"Give the {name.replace('_', ' ')}.", code="missing_field", field=name)
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise Invalid(
            f"'{name}' must be a date such as 2026-04-01.", code="bad_field", field=name
        ) from None


def grant_mandate(
    session: Session,
    admin: User,
    *,
    user: object,
    areas: list,
    starts_on: object,
    ends_on: object = None,
    note: str = "",
) -> Mandate:
    """An admin records that someone may speak for the alliance on these areas, these dates."""
    if not roles.can_grant_mandates(admin.actor):
        raise Forbidden("Only an admin records who may speak for the alliance.")
    holder = find_speaker(session, user)
    start = _date(starts_on, "starts_on", required=True)
    end = _date(ends_on, "ends_on", required=False)
    found = find_areas(session, areas)
    note = (note or "").strip()
    core.check_mandate(start, end, [a.id for a in found], note)
    mandate = Mandate(
        user=holder,
        starts_on=start,
        ends_on=end,
        note=note,
        granted_by_id=admin.id,
        areas=found,
    )
    session.add(mandate)
    session.flush()
    audit.record(
        session,
        "mandate.grant",
        actor=admin,
        object_type="mandate",
        object_id=mandate.id,
        details={
            "user": holder.email,
            "areas": [a.slug for a in found],
            "starts_on": start.isoformat(),
            "ends_on": end.isoformat() if end else None,
            "note": note,
        },
    )
    from app.notifications.services import events as notification_events

    notification_events.mandate_granted(session, mandate)
    return mandate


def list_mandates(session: Session, *, user_id: int | None = None) -> list[Mandate]:
    """Every mandate, current and past: those still in force first, then by holder."""
    query = select(Mandate).options(selectinload(Mandate.areas))
    if user_id:
        query = query.where(Mandate.user_id == user_id)
    rows = list(session.execute(query).unique().scalars())
    return sorted(rows, key=lambda m: (-m.starts_on.toordinal(), m.user.name.casefold(), m.id))


def in_force(mandate: Mandate, day: date) -> bool:
    return core.mandate_in_force(as_core(mandate), day)
