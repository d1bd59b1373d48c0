"""Deputies: a person of a partner who signs for it, for a period, while its chief officer is away.

A deputation is named by the partner's chief officer (in force at once) or by an admin (pending
until that chief officer confirms it: signatory power comes from the partner, never from the
alliance staff). A deputy cannot name further deputies; revoking ends a deputation early, and
the decisions made under it stay valid.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from positions.clock import check_year
from positions.consensus import Partner, is_member_on
from positions.refusals import Conflict, Forbidden, Invalid
from positions.roles import Actor, Role, can_sign_for


@dataclass(frozen=True)
class Deputation:
    id: int
    partner_id: int
    deputy_id: int
    starts_on: date
    ends_on: date
    confirmed: bool = True
    revoked_at: datetime | None = None

    def in_force_on(self, day: date) -> bool:
        return self.confirmed and self.revoked_at is None and self.starts_on <= day <= self.ends_on

    def overlaps(self, starts_on: date, ends_on: date) -> bool:
        return self.revoked_at is None and self.starts_on <= ends_on and starts_on <= self.ends_on


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    partner_id: int | None
    active: bool = True


def may_name_deputy(actor: Actor, partner_id: int) -> bool:
    """The partner's own chief officer, or an admin (whose naming waits for that chief officer).
    A deputy is not a chief officer, so it names nobody."""
    own_chief = actor.has(Role.CHIEF_OFFICER) and actor.partner_id == partner_id
    return own_chief or actor.has(Role.ADMIN)


def confirmed_on_naming(actor: Actor, partner_id: int) -> bool:
    return actor.has(Role.CHIEF_OFFICER) and actor.partner_id == partner_id


def check_deputation(
    actor: Actor,
    partner: Partner,
    deputy: Person,
    starts_on: date,
    ends_on: date,
    existing: Iterable[Deputation],
    today: date,
) -> None:
    """Every reason a deputation cannot be named, each with a message a person can act on."""
    if not may_name_deputy(actor, partner.id):
        raise Forbidden(
            f"Only the chief officer of {partner.name} (or an admin, for that chief officer to "
            "confirm) names its deputies.",
            "not_deputy_granter",
        )
    if not partner.active or not is_member_on(partner, max(today, starts_on)):
        raise Conflict(
            f"{partner.name} is no longer a partner of the alliance: it has nobody to sign for.",
            "partner_left",
            "partner",
        )
    check_year(starts_on, "starts_on")
    check_year(ends_on, "ends_on")
    if ends_on < starts_on:
        raise Invalid(
            f"The period ends ({ends_on:%-d %b %Y}) before it starts ({starts_on:%-d %b %Y}).",
            "period_reversed",
            "ends_on",
        )
    if ends_on < today:
        raise Invalid("The period is over already; give one that has not ended.", "period_past")
    if deputy.partner_id != partner.id:
        raise Invalid(
            f"{deputy.name} is not one of {partner.name}'s people: a deputy comes from the "
            "partner they sign for.",
            "deputy_other_partner",
            "deputy",
        )
    if not deputy.active:
        raise Invalid(f"{deputy.name} can no longer sign in.", "deputy_inactive", "deputy")
    if deputy.id == actor.user_id:
        raise Invalid("A chief officer does not need to deputise for themselves.", "self", "deputy")
    clash = next((d for d in existing if d.overlaps(starts_on, ends_on)), None)
    if clash is not None:
        raise Conflict(
            f"{partner.name} already has a deputy from {clash.starts_on:%-d %b %Y} to "
            f"{clash.ends_on:%-d %b %Y}; revoke that deputation first or choose another period.",
            "deputation_overlaps",
            "starts_on",
        )


def check_confirm(actor: Actor, deputation: Deputation, partner_name: str) -> None:
    if not confirmed_on_naming(actor, deputation.partner_id):
        raise Forbidden(
            f"Only the chief officer of {partner_name} confirms its deputies.", "not_partner_chief"
        )
    if deputation.confirmed:
        raise Conflict("This deputation is confirmed already.", "already_confirmed")
    if deputation.revoked_at is not None:
        raise Conflict("This deputation was revoked.", "revoked")


def check_revoke(actor: Actor, deputation: Deputation, partner_name: str) -> None:
    if not may_name_deputy(actor, deputation.partner_id):
        raise Forbidden(
            f"Only the chief officer of {partner_name} or an admin revokes its deputies.",
            "not_deputy_granter",
        )
    if deputation.revoked_at is not None:
        raise Conflict("This deputation was revoked already.", "revoked")


def acting_deputation(
    deputations: Iterable[Deputation], user_id: int, partner_id: int | None, day: date
) -> Deputation | None:
    """The deputation under which this person signs for their partner today, if any."""
    return next(
        (
            d
            for d in deputations
            if d.deputy_id == user_id and d.partner_id == partner_id and d.in_force_on(day)
        ),
        None,
    )


def acting_for(partner_name: str) -> str:
    return f"the chief officer of {partner_name}"


def capacity(decided_by: str, partner_name: str, acting: bool) -> str:
    """How the record names who decided: 'Jo Smith, acting for the chief officer of Riverbank'."""
    if acting:
        return f"{decided_by}, acting for {acting_for(partner_name)}"
    return decided_by


def may_sign_for(actor: Actor, partner_id: int, acting: Deputation | None) -> bool:
    """A partner's own chief officer, or its deputy during a deputation in force."""
    if can_sign_for(actor, partner_id):
        return True
    return acting is not None and acting.partner_id == partner_id and actor.partner_id == partner_id
