"""Deputies: who may name one, every refusal with its message, and signing under a deputation."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from positions import deputies
from positions.consensus import Partner
from positions.deputies import Deputation, Person
from positions.refusals import Conflict, Forbidden, Invalid
from positions.roles import Actor, Role

RIVERBANK = Partner(1, "riverbank", "Riverbank", joined_on=date(2020, 1, 1))
MOOR = Partner(2, "moor", "Moor Group")
CHIEF = Actor(10, 1, frozenset({Role.CHIEF_OFFICER}))
ADMIN = Actor(11, None, frozenset({Role.ADMIN}))
JO = Person(12, "Jo Smith", 1)
TODAY = date(2026, 6, 1)
JUNE = (date(2026, 6, 1), date(2026, 6, 30))


def check(actor=CHIEF, partner=RIVERBANK, deputy=JO, period=JUNE, existing=()):
    deputies.check_deputation(actor, partner, deputy, *period, existing, TODAY)


def refusal(kind, **kw):
    with pytest.raises(kind) as refused:
        check(**kw)
    return refused.value


def test_the_partners_chief_officer_names_a_deputy_in_force_at_once():
    check()
    assert deputies.confirmed_on_naming(CHIEF, RIVERBANK.id)


def test_an_admin_names_one_pending_the_chief_officers_confirmation():
    check(actor=ADMIN)
    assert not deputies.confirmed_on_naming(ADMIN, RIVERBANK.id)


def test_a_deputy_cannot_name_further_deputies():
    deputy = Actor(JO.id, 1, frozenset({Role.POLICY_OFFICER}))
    assert refusal(Forbidden, actor=deputy).code == "not_deputy_granter"


def test_another_partners_chief_officer_cannot_name_one():
    other = Actor(20, MOOR.id, frozenset({Role.CHIEF_OFFICER}))
    assert refusal(Forbidden, actor=other).code == "not_deputy_granter"


def test_a_deputy_from_another_partner_is_refused():
    error = refusal(Invalid, deputy=Person(21, "Sam Lee", MOOR.id))
    assert error.code == "deputy_other_partner"
    assert "Sam Lee is not one of Riverbank's people" in error.message


def test_alliance_staff_are_nobodys_deputy():
    assert refusal(Invalid, deputy=Person(22, "Staff", None)).code == "deputy_other_partner"


def test_a_partner_that_has_left_is_refused():
    left = replace(RIVERBANK, active=False, left_on=date(2026, 5, 1))
    error = refusal(Conflict, partner=left)
    assert error.code == "partner_left"
    assert "Riverbank is no longer a partner" in error.message


def test_a_partner_leaving_before_the_period_starts_is_refused():
    leaving = replace(RIVERBANK, left_on=date(2026, 6, 10))
    later = (date(2026, 6, 15), date(2026, 6, 20))
    assert refusal(Conflict, partner=leaving, period=later).code == "partner_left"


def test_a_period_ending_before_it_starts_is_refused():
    error = refusal(Invalid, period=(date(2026, 6, 30), date(2026, 6, 1)))
    assert error.code == "period_reversed"
    assert error.field == "ends_on"


def test_a_period_already_over_is_refused():
    assert refusal(Invalid, period=(date(2026, 5, 1), date(2026, 5, 2))).code == "period_past"


def test_an_inactive_person_is_refused():
    assert refusal(Invalid, deputy=replace(JO, active=False)).code == "deputy_inactive"


@pytest.mark.parametrize(
    "period",
    [
        (date(2026, 6, 30), date(2026, 7, 10)),  # touches the last day
        (date(2026, 5, 20), date(2026, 6, 1)),  # touches the first day
        (date(2026, 6, 10), date(2026, 6, 12)),  # inside
        (date(2026, 5, 1), date(2026, 7, 31)),  # around
    ],
)
def test_overlapping_deputations_are_refused(period):
    existing = [Deputation(1, 1, 30, *JUNE)]
    error = refusal(Conflict, period=period, existing=existing)
    assert error.code == "deputation_overlaps"
    assert "already has a deputy from 1 Jun 2026 to 30 Jun 2026" in error.message


def test_a_revoked_deputation_leaves_its_period_free():
    revoked = Deputation(1, 1, 30, *JUNE, revoked_at=datetime(2026, 6, 2, tzinfo=UTC))
    check(existing=[revoked])


def test_the_next_period_is_free():
    check(existing=[Deputation(1, 1, 30, *JUNE)], period=(date(2026, 7, 1), date(2026, 7, 2)))


def test_a_deputy_signs_only_during_a_confirmed_unrevoked_period():
    in_force = Deputation(1, 1, JO.id, *JUNE)
    jo = Actor(JO.id, 1, frozenset({Role.POLICY_OFFICER}))
    assert deputies.acting_deputation([in_force], JO.id, 1, date(2026, 6, 15)) == in_force
    assert deputies.acting_deputation([in_force], JO.id, 1, date(2026, 7, 1)) is None
    pending = replace(in_force, confirmed=False)
    assert deputies.acting_deputation([pending], JO.id, 1, date(2026, 6, 15)) is None
    revoked = replace(in_force, revoked_at=datetime(2026, 6, 2, tzinfo=UTC))
    assert deputies.acting_deputation([revoked], JO.id, 1, date(2026, 6, 15)) is None
    assert deputies.may_sign_for(jo, 1, in_force)
    assert not deputies.may_sign_for(jo, 2, in_force)  # never for another partner
    assert not deputies.may_sign_for(jo, 1, None)
    assert deputies.may_sign_for(CHIEF, 1, None)


def test_confirming_is_for_the_partners_chief_officer_once():
    pending = Deputation(1, 1, JO.id, *JUNE, confirmed=False)
    deputies.check_confirm(CHIEF, pending, "Riverbank")
    with pytest.raises(Forbidden):
        deputies.check_confirm(ADMIN, pending, "Riverbank")
    with pytest.raises(Conflict):
        deputies.check_confirm(CHIEF, replace(pending, confirmed=True), "Riverbank")


def test_revoking_once_by_the_chief_officer_or_an_admin():
    in_force = Deputation(1, 1, JO.id, *JUNE)
    deputies.check_revoke(CHIEF, in_force, "Riverbank")
    deputies.check_revoke(ADMIN, in_force, "Riverbank")
    with pytest.raises(Forbidden):
        deputies.check_revoke(Actor(JO.id, 1, frozenset({Role.POLICY_OFFICER})), in_force, "R")
    with pytest.raises(Conflict):
        deputies.check_revoke(CHIEF, replace(in_force, revoked_at=datetime.now(UTC)), "R")


def test_the_record_says_in_which_capacity():
    assert deputies.capacity("Jo Smith", "Riverbank", True) == (
        "Jo Smith, acting for the chief officer of Riverbank"
    )
    assert deputies.capacity("Ann Chief", "Riverbank", False) == "Ann Chief"
