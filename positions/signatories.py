"""Signatory power comes from the partner: who may make someone a chief officer, and who confirms.

An admin administers the tool but never gains a partner's voice. So, once a partner has an
active chief officer, making anyone else its chief officer, or resetting a chief officer's
password, waits for another of that partner's chief officers to confirm it.
"""

from enum import StrEnum

from positions.roles import Actor, Role, can_sign_for


class RequestKind(StrEnum):
    APPOINT = "appoint"  # make someone the partner's chief officer
    RESET = "reset"  # a password reset for one of its chief officers


def confirmer_hands_over_a_link(kind: RequestKind) -> bool:
    """Both kinds end with the confirming chief officer handing the person a new set-password
    link: for an appointment too, since whoever held the account's credentials before (an admin
    shown its invitation or reset link) must not become able to sign for the partner."""
    return kind in (RequestKind.APPOINT, RequestKind.RESET)


def appointment_is_direct(active_chief_ids: set[int], appointee_id: int | None) -> bool:
    """The first chief officer of a partner (none active besides the appointee) takes office at
    once: there is nobody yet who could confirm, so set-up can happen at all."""
    return not (set(active_chief_ids) - {appointee_id})


def is_signatory(roles: "frozenset[Role] | set[Role]") -> bool:
    """A signatory's password reset needs the partner's confirmation."""
    return Role.CHIEF_OFFICER in roles


def reset_confirmers(active_chief_ids: set[int], person_id: int) -> set[int]:
    """Who may confirm a chief officer's password reset: the partner's other chief officers."""
    return set(active_chief_ids) - {person_id}


def can_decide_request(actor: Actor, *, partner_id: int, person_id: int) -> bool:
    """Only an active chief officer of that same partner, and never the person concerned
    (nobody confirms their own appointment or their own reset)."""
    return can_sign_for(actor, partner_id) and actor.user_id != person_id
