"""Signatory power comes from the partner: who confirms an appointment or a reset, and when an
appointment takes effect at once."""

from positions.roles import Actor, Role
from positions.signatories import (
    RequestKind,
    appointment_is_direct,
    can_decide_request,
    confirmer_hands_over_a_link,
    is_signatory,
    reset_confirmers,
)

HARBOURSIDE, MOORLAND = 1, 2


def chief(user_id: int, partner: int | None = HARBOURSIDE) -> Actor:
    return Actor(user_id, partner, frozenset({Role.CHIEF_OFFICER}))


def test_the_first_chief_officer_of_a_partner_takes_office_at_once():
    assert appointment_is_direct(set(), appointee_id=None)
    assert appointment_is_direct({5}, appointee_id=5)  # already the only one: nothing changes


def test_a_second_chief_officer_waits_for_the_partner():
    assert not appointment_is_direct({5}, appointee_id=None)
    assert not appointment_is_direct({5}, appointee_id=9)


def test_only_another_chief_officer_of_the_same_partner_decides():
    assert can_decide_request(chief(5), partner_id=HARBOURSIDE, person_id=9)
    assert not can_decide_request(chief(5, MOORLAND), partner_id=HARBOURSIDE, person_id=9)
    assert not can_decide_request(chief(9), partner_id=HARBOURSIDE, person_id=9)


def test_an_admin_never_decides_for_a_partner():
    admin = Actor(3, None, frozenset({Role.ADMIN}))
    admin_at_partner = Actor(3, HARBOURSIDE, frozenset({Role.ADMIN, Role.POLICY_OFFICER}))
    assert not can_decide_request(admin, partner_id=HARBOURSIDE, person_id=9)
    assert not can_decide_request(admin_at_partner, partner_id=HARBOURSIDE, person_id=9)


def test_a_reset_of_a_chief_officer_is_confirmed_by_the_others_only():
    assert is_signatory(frozenset({Role.CHIEF_OFFICER, Role.POLICY_OFFICER}))
    assert not is_signatory(frozenset({Role.ADMIN}))
    assert reset_confirmers({5, 9}, person_id=9) == {5}
    assert reset_confirmers({9}, person_id=9) == set()


def test_every_confirmation_ends_with_a_link_only_the_confirmer_sees():
    # An appointment too: the account's earlier holder (say an admin shown its invitation
    # link) must not carry on as the partner's new chief officer.
    assert all(confirmer_hands_over_a_link(kind) for kind in RequestKind)
