"""Who a person is in the alliance, and what each role may do: every permission is named here."""

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


# ---- positions ---------------------------------------------------------------------------------


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


def can_confirm_withdrawal(actor: Actor, partner_id: int) -> bool:
    """Withdrawing a published text is a decision for each partner, like a sign-off."""
    return can_sign_for(actor, partner_id)


def can_archive(actor: Actor, author_id: int) -> bool:
    """A never-published draft is tidied away by its author or any chief officer."""
    return actor.user_id == author_id or actor.has(Role.CHIEF_OFFICER)


def can_state_dissent(actor: Actor, partner_id: int) -> bool:
    """Saying a partner no longer supports a published text speaks for it: its chief officer."""
    return can_sign_for(actor, partner_id)


def can_mark_ready(actor: Actor, author_id: int) -> bool:
    """A position is put up for sign-off (and taken back) by its author or any partner's
    policy officer."""
    return actor.user_id == author_id or (
        actor.has(Role.POLICY_OFFICER) and actor.partner_id is not None
    )


def can_set_review_date(actor: Actor) -> bool:
    """The people who write a position say when it is due for another look."""
    return actor.has(Role.POLICY_OFFICER, Role.CHIEF_OFFICER)


# ---- where the partners differ -------------------------------------------------------------


def can_set_stance(actor: Actor, partner_id: int) -> bool:
    """A partner's stance is set by its own policy officers and chief officer, nobody else."""
    return actor.partner_id == partner_id and actor.has(Role.POLICY_OFFICER, Role.CHIEF_OFFICER)


def can_propose_amendment(actor: Actor) -> bool:
    return actor.has(Role.POLICY_OFFICER, Role.CHIEF_OFFICER)


def can_decide_amendment(actor: Actor) -> bool:
    """Accepting wording makes a new revision and declining closes it: the drafters' call."""
    return actor.has(Role.POLICY_OFFICER, Role.CHIEF_OFFICER)


def can_write_differ_statement(actor: Actor, partner_id: int) -> bool:
    """A partner's own statement is written by those who set its stance."""
    return can_set_stance(actor, partner_id)


def can_confirm_differ(actor: Actor, partner_id: int) -> bool:
    """Confirming the outcome for a partner is a decision for it, like a sign-off."""
    return can_sign_for(actor, partner_id)


def can_confirm_reopening(actor: Actor, partner_id: int) -> bool:
    """Reopening an agreed-to-differ outcome undoes a joint decision: each partner confirms."""
    return can_sign_for(actor, partner_id)


# ---- discussion on the text ---------------------------------------------------------------------


def can_discuss(actor: Actor) -> bool:
    """Everyone who works on positions or speaks about them takes part in the discussion."""
    return actor.has(Role.POLICY_OFFICER, Role.CHIEF_OFFICER, Role.COMMS, Role.ADMIN)


def can_read_note(actor: Actor, partner_id: int | None) -> bool:
    """A partner's internal note: that partner's people only. Never the alliance team, nor comms
    or admins outside the partner, nor another partner (nor their API tokens)."""
    return actor.partner_id is not None and actor.partner_id == partner_id


# ---- the spokesperson log ----------------------------------------------------------------------


def can_manage_meetings(actor: Actor) -> bool:
    """Communications staff and admins record and edit meetings and any appearance."""
    return actor.has(Role.COMMS, Role.ADMIN)


def can_record_appearance(actor: Actor, speaker_id: int) -> bool:
    """Besides comms and admins, a speaker may record (and correct) their own appearances."""
    return can_manage_meetings(actor) or actor.user_id == speaker_id


def can_review_flags(actor: Actor) -> bool:
    return actor.has(Role.COMMS, Role.ADMIN)


def can_grant_mandates(actor: Actor) -> bool:
    """Only an admin (for example the programme director) says who speaks for the alliance."""
    return actor.has(Role.ADMIN)


def can_revoke_calendar_link(actor: Actor, owner_id: int) -> bool:
    """A private calendar link is its owner's; an admin may revoke any (a leaver's, a leak)."""
    return actor.user_id == owner_id or actor.has(Role.ADMIN)


# ---- the tool itself ---------------------------------------------------------------------------


def can_read_audit(actor: Actor) -> bool:
    return actor.has(Role.ADMIN)


def can_manage_people(actor: Actor) -> bool:
    return actor.has(Role.ADMIN)


def can_administer_alliance(actor: Actor) -> bool:
    """Partners, policy areas and the alliance's settings: the admins' (the tool's) work."""
    return actor.has(Role.ADMIN)


# ---- cycle figures -------------------------------------------------------------------------


def can_see_cycle_figures(actor: Actor) -> bool:
    """How long sign-off takes is for those who answer for it: the chief officers who decide,
    comms who publish and admins who run the alliance. (Policy officers see each position's own
    deadline where they work; the alliance-wide figures are a management view.)"""
    return actor.has(Role.ADMIN, Role.COMMS, Role.CHIEF_OFFICER)
