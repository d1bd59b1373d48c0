"""Who may do what: only a partner's own chief officer signs for that partner."""

import pytest

from positions import roles
from positions.roles import (
    Actor,
    Role,
    can_draft,
    can_publish,
    can_read_audit,
    can_record_appearance,
    can_revoke_calendar_link,
    can_sign_for,
    parse_roles,
)

MOORLAND, RIVERBANK = 1, 2


def actor(*roles: Role, partner: int | None = MOORLAND) -> Actor:
    return Actor(user_id=7, partner_id=partner, roles=frozenset(roles))


def test_a_chief_officer_signs_for_their_own_partner():
    assert can_sign_for(actor(Role.CHIEF_OFFICER), MOORLAND)


def test_a_chief_officer_never_signs_for_another_partner():
    assert not can_sign_for(actor(Role.CHIEF_OFFICER), RIVERBANK)


@pytest.mark.parametrize("partner", [MOORLAND, RIVERBANK, 0, None])
def test_alliance_staff_never_sign(partner):
    assert not can_sign_for(actor(*Role, partner=None), partner)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.POLICY_OFFICER, Role.COMMS])
def test_other_roles_of_the_same_partner_do_not_sign(role):
    assert not can_sign_for(actor(role), MOORLAND)


def test_every_role_but_chief_officer_together_still_cannot_sign():
    others = [role for role in Role if role is not Role.CHIEF_OFFICER]
    assert not can_sign_for(actor(*others), MOORLAND)


@pytest.mark.parametrize(
    ("role", "drafts", "publishes", "reads_audit"),
    [
        (Role.POLICY_OFFICER, True, False, False),
        (Role.CHIEF_OFFICER, True, True, False),
        (Role.COMMS, False, True, False),
        (Role.ADMIN, False, True, True),
    ],
)
def test_what_each_role_may_do(role, drafts, publishes, reads_audit):
    for partner in (MOORLAND, None):
        person = actor(role, partner=partner)
        assert (can_draft(person), can_publish(person), can_read_audit(person)) == (
            drafts,
            publishes,
            reads_audit,
        )


# Each permission by name, and the roles that hold it (whether or not they belong to a partner).
P, C, M, A = Role.POLICY_OFFICER, Role.CHIEF_OFFICER, Role.COMMS, Role.ADMIN
HOLDERS = {
    "can_draft": {P, C},
    "can_publish": {C, M, A},
    "can_set_review_date": {P, C},
    "can_propose_amendment": {P, C},
    "can_decide_amendment": {P, C},
    "can_manage_meetings": {M, A},
    "can_review_flags": {M, A},
    "can_grant_mandates": {A},
    "can_read_audit": {A},
    "can_manage_people": {A},
}


@pytest.mark.parametrize("name", sorted(HOLDERS))
@pytest.mark.parametrize("role", list(Role))
def test_each_permission_is_held_by_exactly_its_roles(name, role):
    check = getattr(roles, name)
    for partner in (MOORLAND, None):
        assert check(actor(role, partner=partner)) is (role in HOLDERS[name])


def test_a_speaker_records_only_their_own_appearances():
    officer = Actor(user_id=5, partner_id=MOORLAND, roles=frozenset({Role.POLICY_OFFICER}))
    assert can_record_appearance(officer, 5)
    assert not can_record_appearance(officer, 6)
    assert can_record_appearance(actor(Role.COMMS), 6)


def test_a_calendar_link_is_revoked_by_its_owner_or_an_admin_only():
    owner = 7  # actor()'s user id
    assert can_revoke_calendar_link(actor(Role.POLICY_OFFICER), owner)
    assert can_revoke_calendar_link(actor(Role.ADMIN, partner=None), owner + 1)
    for role in (Role.POLICY_OFFICER, Role.CHIEF_OFFICER, Role.COMMS):
        assert not can_revoke_calendar_link(actor(role), owner + 1)


def test_a_person_without_roles_may_do_nothing():
    nobody = actor()
    assert not any(getattr(roles, name)(nobody) for name in HOLDERS)
    assert not can_sign_for(nobody, MOORLAND)


def test_several_roles_combine():
    person = actor(Role.POLICY_OFFICER, Role.COMMS)
    assert can_draft(person) and can_publish(person)


def test_parse_roles_reads_names_and_ignores_surrounding_space():
    parsed = parse_roles(["chief_officer", " comms ", "comms"])
    assert parsed == frozenset({Role.CHIEF_OFFICER, Role.COMMS})


def test_parse_roles_of_nothing_is_empty():
    assert parse_roles([]) == frozenset()


@pytest.mark.parametrize("name", ["owner", "Admin", "", "chief officer"])
def test_parse_roles_rejects_unknown_names_with_a_message(name):
    with pytest.raises(ValueError, match=r"Unknown role") as refused:
        parse_roles(["comms", name])
    assert repr(name) in str(refused.value)
    assert all(role.value in str(refused.value) for role in Role)


def test_a_position_is_put_up_for_sign_off_by_its_author_or_a_partners_policy_officer():
    assert roles.can_mark_ready(actor(Role.CHIEF_OFFICER), author_id=7)  # the author
    assert roles.can_mark_ready(actor(Role.POLICY_OFFICER), author_id=99)
    assert not roles.can_mark_ready(actor(Role.CHIEF_OFFICER), author_id=99)
    assert not roles.can_mark_ready(actor(Role.COMMS, Role.ADMIN), author_id=99)
    assert not roles.can_mark_ready(actor(Role.POLICY_OFFICER, partner=None), author_id=99)
