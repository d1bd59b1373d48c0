"""Naming, confirming and revoking deputies (the rules: positions/deputies.py)."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.alliance.models import Partner
from app.alliance.settings import clock_of
from app.audit import services as audit
from app.deputies.models import Deputation
from positions import deputies as core
from positions.refusals import NotFound
from positions.roles import Role


def acting_deputation(session: Session, user: User, day: date) -> core.Deputation | None:
    """The deputation in force under which this person signs for their partner today."""
    if user.partner_id is None:
        return None
    rows = session.execute(
        select(Deputation).where(
            Deputation.deputy_id == user.id,
            Deputation.partner_id == user.partner_id,
            Deputation.revoked_at.is_(None),
            Deputation.starts_on <= day,
            Deputation.ends_on >= day,
        )
    ).scalars()
    return core.acting_deputation((d.as_core() for d in rows), user.id, user.partner_id, day)


def _partner(session: Session, partner_id: int) -> Partner:
    partner = session.get(Partner, partner_id)
    if partner is None:
        raise NotFound(f"There is no partner {partner_id}.", "unknown_partner", "partner")
    return partner


def _person(session: Session, user_id: int) -> User:
    person = session.get(User, user_id)
    if person is None:
        raise NotFound(f"There is no person {user_id}.", "unknown_person", "deputy")
    return person


def get_deputation(session: Session, deputation_id: int) -> Deputation:
    row = session.get(Deputation, deputation_id)
    if row is None:
        raise NotFound(f"There is no deputation {deputation_id}.")
    return row


def _details(row: Deputation) -> dict:
    return {
        "partner": row.partner.slug,
        "deputy": row.deputy_id,
        "deputy_name": row.deputy.name,
        "starts_on": row.starts_on.isoformat(),
        "ends_on": row.ends_on.isoformat(),
    }


def name_deputy(
    session: Session,
    granter: User,
    *,
    partner_id: int,
    deputy_id: int,
    starts_on: date,
    ends_on: date,
) -> Deputation:
    """A partner's chief officer names a deputy (in force at once); an admin's naming waits for
    that chief officer's confirmation."""
    partner = _partner(session, partner_id)
    deputy = _person(session, deputy_id)
    existing = session.execute(
        select(Deputation).where(
            Deputation.partner_id == partner.id, Deputation.revoked_at.is_(None)
        )
    ).scalars()
    clock = clock_of(session)
    core.check_deputation(
        granter.actor,
        partner.as_core(),
        core.Person(deputy.id, deputy.name, deputy.partner_id, deputy.active),
        starts_on,
        ends_on,
        [d.as_core() for d in existing],
        clock.today(),
    )
    confirmed = core.confirmed_on_naming(granter.actor, partner.id)
    row = Deputation(
        partner=partner,
        deputy=deputy,
        granted_by=granter,
        starts_on=starts_on,
        ends_on=ends_on,
        confirmed_at=clock.now() if confirmed else None,
        confirmed_by_id=granter.id if confirmed else None,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        "deputation.name",
        actor=granter,
        object_type="deputation",
        object_id=row.id,
        details={**_details(row), "confirmed": confirmed},
    )
    return row


def confirm(session: Session, user: User, deputation_id: int) -> Deputation:
    row = get_deputation(session, deputation_id)
    core.check_confirm(user.actor, row.as_core(), row.partner.name)
    # The period may have been taken meanwhile by a deputation the chief officer named.
    others = session.execute(
        select(Deputation).where(
            Deputation.partner_id == row.partner_id,
            Deputation.revoked_at.is_(None),
            Deputation.id != row.id,
            Deputation.confirmed_at.is_not(None),
        )
    ).scalars()
    core.check_deputation(
        user.actor,
        row.partner.as_core(),
        core.Person(row.deputy.id, row.deputy.name, row.deputy.partner_id, row.deputy.active),
        row.starts_on,
        row.ends_on,
        [d.as_core() for d in others],
        clock_of(session).today(),
    )
    row.confirmed_at = clock_of(session).now()
    row.confirmed_by_id = user.id
    audit.record(
        session,
        "deputation.confirm",
        actor=user,
        object_type="deputation",
        object_id=row.id,
        details=_details(row),
    )
    return row


def revoke(session: Session, user: User, deputation_id: int) -> Deputation:
    """Ends a deputation now; what the deputy decided under it stays valid."""
    row = get_deputation(session, deputation_id)
    core.check_revoke(user.actor, row.as_core(), row.partner.name)
    row.revoked_at = clock_of(session).now()
    row.revoked_by_id = user.id
    audit.record(
        session,
        "deputation.revoke",
        actor=user,
        object_type="deputation",
        object_id=row.id,
        details=_details(row),
    )
    return row


def deputations_for(session: Session, user: User) -> list[Deputation]:
    """What the person may see and manage: their partner's deputations; an admin sees all."""
    query = select(Deputation).order_by(Deputation.starts_on.desc(), Deputation.id.desc())
    if not user.actor.has(Role.ADMIN):
        if user.partner_id is None:
            return []
        query = query.where(Deputation.partner_id == user.partner_id)
    return list(session.execute(query).scalars())


def people_of(session: Session, partner_id: int) -> list[User]:
    return list(
        session.execute(
            select(User)
            .where(User.partner_id == partner_id, User.active.is_(True))
            .order_by(User.name)
        ).scalars()
    )
