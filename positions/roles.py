"""Who a person is in the alliance, and what each role may do."""

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    CHIEF_OFFICER = "chief_officer"
    POLICY_OFFICER = "policy_officer"
    COMMS = "comms"


def parse_roles(names: "list[str] | tuple[str, ...] | set[str]") -> frozenset[Role]:
    """Roles from their names; an unknown name is a ValueError naming it."""
    roles = set()
    for name in names:
        try:
            roles.add(Role(name.strip()))
        except ValueError:
            known = ", ".join(r.value for r in Role)
            raise ValueError(f"Unknown role {name!r}; known roles: {known}.") from None
    return frozenset(roles)


@dataclass(frozen=True)
class Actor:
    """The person acting: their id, their partner (None for the alliance team) and roles."""

    user_id: int
    partner_id: int | None
    roles: frozenset[Role]

    def has(self, *roles: Role) -> bool:
        return any(role in self.roles for role in roles)


def can_draft(actor: Actor) -> bool:
    """Policy and chief officers write positions."""
    return actor.has(Role.POLICY_OFFICER, Role.CHIEF_OFFICER)


def can_sign_for(actor: Actor, partner_id: int) -> bool:
    """Only a partner's own chief officer decides for that partner; alliance staff never sign."""
    return (
        actor.has(Role.CHIEF_OFFICER)
        and actor.partner_id is not None
        and actor.partner_id == partner_id
    )


def can_publish(actor: Actor) -> bool:
    return actor.has(Role.COMMS, Role.CHIEF_OFFICER, Role.ADMIN)


def can_read_audit(actor: Actor) -> bool:
    return actor.has(Role.ADMIN)


def can_withdraw(actor: Actor) -> bool:
    """Withdrawing or archiving takes a position off the alliance's record (it is never erased)."""
    return actor.has(Role.ADMIN, Role.CHIEF_OFFICER)


def can_manage_people(actor: Actor) -> bool:
    return actor.has(Role.ADMIN)
