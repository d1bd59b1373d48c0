"""Set-up and administration of the alliance: partners, policy areas, settings. All audited.

`actor` is the admin acting in the app or the API; None is the command line, whose user is
whoever holds the server (recorded as "system").
"""

from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts import services as accounts
from app.accounts.models import User
from app.alliance.models import AllianceSettings, Partner, PolicyArea
from app.alliance.settings import adopt_stored, settings_of
from app.audit import services as audit
from app.drafting.models import Position
from app.meetings.models import Flag, mandate_areas, meeting_areas
from positions import alliance as core
from positions.cycle import check_country
from positions.refusals import Conflict, Forbidden, Invalid, NotFound
from positions.roles import can_administer_alliance

UNCHANGED = object()  # an optional argument not given, as opposed to given as None


def _check_admin(actor: User | None) -> None:
    if actor is not None and not can_administer_alliance(actor.actor):
        raise Forbidden("Only admins change the alliance's partners, areas and settings.")


def check_time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(
            f"{name!r} is not a time zone; use a name like Europe/London.", field="time_zone"
        ) from None
    return name


# ---- set-up ----------------------------------------------------------------------------------


def has_partners(session: Session) -> bool:
    return session.execute(select(Partner.id).limit(1)).first() is not None


def has_admin(session: Session) -> bool:
    return (
        session.execute(
            select(User.id).where(User.active, User.roles.contains("admin")).limit(1)
        ).first()
        is not None
    )


def set_up(
    session: Session,
    *,
    name: str,
    time_zone: str,
    partners: list[tuple[str, str | None]],
    areas: list[str],
    admin_email: str,
    admin_name: str,
    add: bool = False,
) -> User:
    """A working alliance from nothing: settings, partners, areas and its first admin.

    The admin gets no usable password; the caller hands them a set-password link. A database
    that already has partners is refused unless `add` says to add to it."""
    if has_partners(session) and not add:
        raise Conflict(
            "This database already has partners; add to it on purpose (--add) or use an empty one.",
            code="not_empty",
        )
    save_settings(session, None, name=name, time_zone=time_zone)
    for partner_name, slug in partners:
        add_partner(session, None, name=partner_name, slug=slug)
    for area_name in areas:
        add_area(session, None, name=area_name)
    existing = accounts.find_by_email(session, admin_email)
    if existing is not None and add:
        return existing
    return accounts.invite_user(
        session, None, email=admin_email, name=admin_name, roles=["admin"], partner_slug=None
    )


# ---- settings --------------------------------------------------------------------------------


def stored_settings(session: Session) -> AllianceSettings | None:
    return session.get(AllianceSettings, 1)


def settings_for(session: Session, actor: User | None) -> AllianceSettings:
    """The stored settings as they stand (the configured ones until set-up saves them)."""
    _check_admin(actor)
    row = stored_settings(session)
    if row is None:
        current = settings_of(session)
        row = AllianceSettings(
            id=1,
            name=current.name,
            time_zone=current.time_zone.key,
            holiday_country=current.holiday_country,
            public_introduction="",
        )  # not added: a read never writes
    return row


def save_settings(
    session: Session,
    actor: User | None,
    *,
    name=UNCHANGED,
    time_zone=UNCHANGED,
    holiday_country=UNCHANGED,
    public_introduction=UNCHANGED,
    accountable_partner=UNCHANGED,
) -> AllianceSettings:
    """Change what is given; the first save creates the row (from the configured values)."""
    _check_admin(actor)
    row = stored_settings(session)
    if row is None:
        current = settings_of(session)
        row = AllianceSettings(
            id=1,
            name=current.name,
            time_zone=current.time_zone.key,
            holiday_country=current.holiday_country,
            public_introduction="",
        )
        session.add(row)
    changed = {}
    if name is not UNCHANGED:
        row.name = changed["name"] = core.clean_name(name, what="the alliance's name")
    if time_zone is not UNCHANGED:
        row.time_zone = changed["time_zone"] = check_time_zone((time_zone or "").strip())
    if holiday_country is not UNCHANGED:
        row.holiday_country = changed["holiday_country"] = check_country(holiday_country)
    if public_introduction is not UNCHANGED:
        row.public_introduction = changed["public_introduction"] = (public_introduction or "")[
            :5000
        ]
    if accountable_partner is not UNCHANGED:
        partner = find_partner(session, accountable_partner) if accountable_partner else None
        row.accountable_partner = partner
        changed["accountable_partner"] = partner.slug if partner else None
    session.flush()
    adopt_stored(session, row)
    audit.record(
        session,
        "alliance.settings",
        actor=actor,
        object_type="alliance",
        object_id=1,
        details=changed,
    )
    return row


# ---- partners --------------------------------------------------------------------------------


def find_partner(session: Session, slug: str) -> Partner:
    partner = session.execute(select(Partner).where(Partner.slug == slug)).scalar_one_or_none()
    if partner is None:
        raise NotFound(f"There is no partner {slug!r}.", code="unknown_partner", field="partner")
    return partner


def _check_name_free(session: Session, model, name: str, own_id: int | None = None) -> None:
    clash = session.execute(
        select(model.id).where(model.name == name, model.id != (own_id or 0))
    ).first()
    if clash:
        raise Conflict(f"{name!r} is already taken.", code="name_taken", field="name")


def add_partner(
    session: Session,
    actor: User | None,
    *,
    name: str,
    slug: str | None = None,
    joined_on: date | None = None,
) -> Partner:
    """A new partner; from its join date (today when none is given) it must sign everything."""
    _check_admin(actor)
    name = core.clean_name(name, what="the partner's name")
    _check_name_free(session, Partner, name)
    taken = set(session.execute(select(Partner.slug)).scalars())
    partner = Partner(
        name=name,
        slug=core.choose_slug(name, slug, taken),
        active=True,
        joined_on=joined_on,
    )
    session.add(partner)
    session.flush()
    audit.record(
        session,
        "partner.create",
        actor=actor,
        object_type="partner",
        object_id=partner.id,
        details={"name": name, "slug": partner.slug, "joined_on": _iso(joined_on)},
    )
    return partner


def update_partner(
    session: Session,
    actor: User | None,
    slug: str,
    *,
    name=UNCHANGED,
    joined_on=UNCHANGED,
    left_on=UNCHANGED,
) -> Partner:
    """Rename (the slug stays: it is the partner's address) or record its join or leave date."""
    _check_admin(actor)
    partner = find_partner(session, slug)
    changed = {}
    if name is not UNCHANGED:
        _rename(session, partner, name, what="the partner's name", changed=changed)
    new_joined = partner.joined_on if joined_on is UNCHANGED else joined_on
    new_left = partner.left_on if left_on is UNCHANGED else left_on
    core.check_membership(new_joined, new_left)
    if new_joined != partner.joined_on:
        changed["joined_on"] = [_iso(partner.joined_on), _iso(new_joined)]
        partner.joined_on = new_joined
    if new_left != partner.left_on:
        changed["left_on"] = [_iso(partner.left_on), _iso(new_left)]
        partner.left_on = new_left
    if changed:
        session.flush()
        audit.record(
            session,
            "partner.update",
            actor=actor,
            object_type="partner",
            object_id=partner.id,
            details=changed,
        )
    return partner


def _rename(session: Session, row: Partner | PolicyArea, name: str, *, what: str, changed: dict):
    """A new name for a partner or an area, if it differs and no other has it (the slug stays:
    it is the address); `changed` gets the before and after for the record."""
    name = core.clean_name(name, what=what)
    if name != row.name:
        _check_name_free(session, type(row), name, row.id)
        changed["name"] = [row.name, name]
        row.name = name


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# ---- policy areas ----------------------------------------------------------------------------


def all_areas(session: Session) -> list[PolicyArea]:
    return list(session.execute(select(PolicyArea).order_by(PolicyArea.name)).scalars())


def find_area(session: Session, slug: str, *, field: str = "area") -> PolicyArea:
    area = session.execute(select(PolicyArea).where(PolicyArea.slug == slug)).scalar_one_or_none()
    if area is None:
        raise NotFound(f"There is no policy area {slug!r}.", code="unknown_area", field=field)
    return area


def add_area(session: Session, actor: User | None, *, name: str) -> PolicyArea:
    _check_admin(actor)
    name = core.clean_name(name, what="the area's name")
    _check_name_free(session, PolicyArea, name)
    taken = set(session.execute(select(PolicyArea.slug)).scalars())
    area = PolicyArea(name=name, slug=core.choose_slug(name, None, taken), retired=False)
    session.add(area)
    session.flush()
    audit.record(
        session,
        "area.create",
        actor=actor,
        object_type="area",
        object_id=area.id,
        details={"name": name, "slug": area.slug},
    )
    return area


def update_area(
    session: Session, actor: User | None, slug: str, *, name=UNCHANGED, retired=UNCHANGED
) -> PolicyArea:
    """Rename (the slug stays) or retire an area: retired, it stays on its positions."""
    _check_admin(actor)
    area = find_area(session, slug)
    changed = {}
    if name is not UNCHANGED:
        _rename(session, area, name, what="the area's name", changed=changed)
    if retired is not UNCHANGED and bool(retired) != area.retired:
        area.retired = changed["retired"] = bool(retired)
    if changed:
        session.flush()
        audit.record(
            session,
            "area.update",
            actor=actor,
            object_type="area",
            object_id=area.id,
            details=changed,
        )
    return area


def merge_areas(session: Session, actor: User | None, slug: str, *, into: str) -> PolicyArea:
    """Everything filed under one area moves to another; the emptied area is retired."""
    _check_admin(actor)
    source, target = find_area(session, slug), find_area(session, into, field="into")
    core.check_merge(source.as_core(), target.as_core())
    moved = session.execute(
        update(Position).where(Position.area_id == source.id).values(area_id=target.id)
    ).rowcount
    session.execute(update(Flag).where(Flag.area_id == source.id).values(area_id=target.id))
    for table, owner in ((meeting_areas, "meeting_id"), (mandate_areas, "mandate_id")):
        _move_links(session, table, owner, source.id, target.id)
    source.retired = True
    session.flush()
    audit.record(
        session,
        "area.merge",
        actor=actor,
        object_type="area",
        object_id=source.id,
        details={"from": source.slug, "into": target.slug, "positions": moved},
    )
    return target


def _move_links(session: Session, table, owner: str, source_id: int, target_id: int) -> None:
    """Re-point a many-to-many link table; a row already linked to the target just goes."""
    owner_column = table.c[owner]
    has_target = select(owner_column).where(table.c.area_id == target_id)
    session.execute(
        table.delete().where(table.c.area_id == source_id, owner_column.in_(has_target))
    )
    session.execute(table.update().where(table.c.area_id == source_id).values(area_id=target_id))
