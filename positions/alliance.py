"""The alliance's own shape: its partners, its policy areas and how they may change.

Plain values in, plain values (or a refusal) out, so the rules are tested without a database.
"""

from dataclasses import dataclass
from datetime import date

from positions.refusals import Conflict, Invalid
from positions.validation import slugify

MAX_NAME = 120
MAX_SLUG = 60


def clean_name(name: str, *, field: str = "name", what: str = "a name") -> str:
    """A name with its outer spaces gone; empty or over-long is refused."""
    name = " ".join((name or "").split())
    if not name:
        raise Invalid(f"Enter {what}.", code="missing_field", field=field)
    if len(name) > MAX_NAME:
        raise Invalid(f"Keep {what} to {MAX_NAME} characters.", field=field)
    return name


def choose_slug(name: str, wanted: str | None, taken: set[str], *, field: str = "slug") -> str:
    """The slug a new partner or area gets: the one asked for, else one made from its name.

    A slug is a partner's or area's stable address (API, URLs, the CLI), so one asked for must
    already be a clean slug and free; one made from the name gets a number when taken."""
    if wanted:
        if slugify(wanted, MAX_SLUG) != wanted:
            raise Invalid(
                f"{wanted!r} is not a slug: use lower-case letters, digits and hyphens.",
                field=field,
            )
        if wanted in taken:
            raise Conflict(f"The slug {wanted!r} is taken.", code="slug_taken", field=field)
        return wanted
    base = slugify(name, MAX_SLUG)
    slug, n = base, 2
    while slug in taken:
        slug = f"{base[: MAX_SLUG - len(str(n)) - 1]}-{n}"
        n += 1
    return slug


def parse_partner_spec(spec: str) -> tuple[str, str | None]:
    """`"Riverbank Trust=riverbank"` (or just a name) from the command line."""
    name, _, slug = spec.partition("=")
    return clean_name(name, field="partner", what="the partner's name"), slug.strip() or None


def check_membership(joined_on: date | None, left_on: date | None) -> None:
    """A partner leaves after it joins; the day it leaves it is no longer a signatory."""
    if joined_on and left_on and left_on <= joined_on:
        raise Invalid("A partner leaves after the day it joined.", field="left_on")


@dataclass(frozen=True)
class Area:
    id: int
    name: str
    retired: bool


def check_new_position_area(area: Area) -> None:
    """A retired area stays on the positions it has, but takes no new ones."""
    if area.retired:
        raise Invalid(
            f"The policy area {area.name!r} is retired; choose a current one.",
            code="retired_area",
            field="area",
        )


def check_merge(source: Area, target: Area) -> None:
    """Merging moves everything from source to target; source is then retired."""
    if source.id == target.id:
        raise Invalid("An area cannot be merged into itself.", field="into")
    if target.retired:
        raise Invalid(
            f"{target.name!r} is retired; merge into a current area.",
            code="retired_area",
            field="into",
        )


def remaining_admins(active_admin_ids: set[int], losing: int) -> set[int]:
    """Who would still administer the tool if `losing` stopped being an active admin."""
    return active_admin_ids - {losing}


def check_keeps_an_admin(active_admin_ids: set[int], losing: int) -> None:
    """The last active admin cannot be removed, or nobody could administer the tool again."""
    if losing in active_admin_ids and not remaining_admins(active_admin_ids, losing):
        raise Conflict(
            "This is the last active admin: make someone else an admin first.",
            code="last_admin",
        )


def check_roles_fit_partner(roles: "frozenset[str] | set[str]", has_partner: bool) -> None:
    """A chief officer speaks for a partner, so must belong to one."""
    if "chief_officer" in roles and not has_partner:
        raise Invalid(
            "A chief officer must belong to a partner; choose one.",
            code="chief_needs_partner",
            field="partner",
        )


# ---- what a partner joining or leaving does to positions in flight ----------------------------

NOTICE_DAYS = 30  # a join or leave is news for this long before and after its day


@dataclass(frozen=True)
class MembershipChange:
    partner: str
    joins: bool  # joins (becomes a signatory) or leaves (stops being one)
    on: date
    upcoming: bool


def membership_changes(partners, today: date, days: int = NOTICE_DAYS) -> list[MembershipChange]:
    """Joins and leaves near today, soonest first; `partners` are positions.consensus.Partner."""
    changes = []
    for partner in partners:
        for joins, on in ((True, partner.joined_on), (False, partner.left_on)):
            if on is not None and abs((on - today).days) <= days:
                changes.append(MembershipChange(partner.name, joins, on, upcoming=on > today))
    return sorted(changes, key=lambda c: (c.on, c.partner))


def describe_for_drafts(change: MembershipChange, count: int) -> str:
    """What the change does to the `count` positions in flight, in one plain sentence."""
    subject = f"{count} draft{'' if count == 1 else 's'}"
    return _sentence(change, subject, "needs" if count == 1 else "need")


def describe_for_position(change: MembershipChange) -> str:
    """The same news on one position in flight (a published text keeps its signatories)."""
    return _sentence(change, "this draft", "needs")


def standing(joined_on: date | None, left_on: date | None, today: date) -> str:
    """Where a partner stands today as a signatory, in a few words (its admin card)."""
    if left_on is not None and left_on <= today:
        return f"Left on {_long_day(left_on)}: no longer a signatory."
    if joined_on is not None and joined_on > today:
        return f"Joins on {_long_day(joined_on)}: a signatory from then."
    if left_on is not None:
        return f"A signatory until it leaves on {_long_day(left_on)}."
    return "A signatory."


def _long_day(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def _sentence(change: MembershipChange, subject: str, need: str) -> str:
    when = f"{change.on.day} {change.on.strftime('%B')}"
    if change.joins:
        head = f"{change.partner} {'joins' if change.upcoming else 'joined'} on {when}"
        effect = f"{'' if change.upcoming else 'now '}also {need} its approval"
    else:
        head = f"{change.partner} {'leaves' if change.upcoming else 'left'} on {when}"
        effect = f"no longer {need} its approval"
    return f"{head}: {'from then ' if change.upcoming else ''}{subject} {effect}."
