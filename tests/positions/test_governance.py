"""Undoing what all partners did together needs all partners; one partner's dissent is shown.

DESIGN: 'What all partners did together, no single partner (and no admin) undoes.'
"""

from datetime import date, datetime, timedelta

import pytest

from positions.consensus import Partner
from positions.consensus import PositionStatus as S
from positions.governance import (
    Confirmation,
    ConfirmationState,
    Motion,
    assess_motion,
    check_archivable,
    check_dissent,
    check_dissent_retractable,
    check_withdrawable,
    check_withdrawal_of,
    reopening_of,
    withdrawal_of,
)
from positions.refusals import Conflict
from positions.roles import (
    Actor,
    Role,
    can_archive,
    can_confirm_reopening,
    can_confirm_withdrawal,
    can_state_dissent,
)

DAY = date(2026, 11, 26)
T0 = datetime(2026, 11, 26, 9, 0)


def partners(n: int) -> list[Partner]:
    names = ["Harbourside", "Moorland", "Riverbank", "Upland", "Westvale", "Fenside", "Dales"]
    return [Partner(i + 1, names[i].lower(), names[i]) for i in range(n)]


def confirm(partner_id: int, subject, minutes: int = 0) -> Confirmation:
    return Confirmation(partner_id, subject, T0 + timedelta(minutes=minutes), minutes)


PUBLISHED = withdrawal_of(3, "a" * 64)


@pytest.mark.parametrize("n", [2, 3, 7])
def test_a_withdrawal_carries_only_when_every_partner_confirms(n):
    everyone = partners(n)
    given = []
    for partner in everyone[:-1]:
        given.append(confirm(partner.id, PUBLISHED, len(given)))
        state = assess_motion(everyone, given, PUBLISHED, DAY)
        assert not state.carried
    assert state.waiting == (everyone[-1],)
    given.append(confirm(everyone[-1].id, PUBLISHED, len(given)))
    assert assess_motion(everyone, given, PUBLISHED, DAY).carried


def test_no_single_partner_withdraws_alone():
    everyone = partners(3)
    state = assess_motion(everyone, [confirm(1, PUBLISHED)], PUBLISHED, DAY)
    assert not state.carried
    assert [p.slug for p in state.waiting] == ["moorland", "riverbank"]
    assert state.started


def test_with_no_active_partner_nothing_carries():
    inactive = [Partner(1, "a", "A", active=False)]
    assert not assess_motion(inactive, [confirm(1, PUBLISHED)], PUBLISHED, DAY).carried


def test_a_confirmation_of_another_text_is_stale_and_not_counted():
    earlier = withdrawal_of(2, "b" * 64)
    same_number_other_text = withdrawal_of(3, "c" * 64)
    everyone = partners(3)
    given = [confirm(1, earlier), confirm(2, same_number_other_text, 1), confirm(3, PUBLISHED, 2)]
    state = assess_motion(everyone, given, PUBLISHED, DAY)
    assert [s.state for s in state.standings] == [
        ConfirmationState.STALE,
        ConfirmationState.STALE,
        ConfirmationState.CONFIRMED,
    ]
    assert not state.carried


def test_only_the_latest_confirmation_per_partner_counts():
    everyone = partners(2)
    given = [
        confirm(1, PUBLISHED),
        confirm(1, withdrawal_of(2, "b" * 64), 5),
        confirm(2, PUBLISHED),
    ]
    assert not assess_motion(everyone, given, PUBLISHED, DAY).carried
    given.append(confirm(1, PUBLISHED, 9))
    assert assess_motion(everyone, given, PUBLISHED, DAY).carried


def test_confirmations_of_another_motion_are_ignored():
    everyone = partners(2)
    outcome = reopening_of(3, "a" * 64)  # same number and hash, different motion
    given = [confirm(1, outcome), confirm(2, outcome)]
    state = assess_motion(everyone, given, PUBLISHED, DAY)
    assert all(s.state is ConfirmationState.AWAITING for s in state.standings)
    assert assess_motion(everyone, given, outcome, DAY).carried
    assert outcome.motion is Motion.REOPEN


def test_a_partner_that_left_is_not_required():
    everyone = [*partners(2), Partner(3, "gone", "Gone", left_on=DAY)]
    given = [confirm(1, PUBLISHED), confirm(2, PUBLISHED)]
    assert assess_motion(everyone, given, PUBLISHED, DAY).carried


@pytest.mark.parametrize("status", list(S))
def test_only_a_published_text_not_yet_retired_is_withdrawable(status):
    if status in (S.WITHDRAWN, S.ARCHIVED):
        with pytest.raises(Conflict) as refused:
            check_withdrawable(status, 3)
        assert refused.value.code == "closed"
    else:
        assert check_withdrawable(status, 3) is None
    with pytest.raises(Conflict):
        check_withdrawable(status, None)


def test_a_withdrawal_names_the_published_revision():
    assert check_withdrawal_of(3, 3) is None
    with pytest.raises(Conflict) as refused:
        check_withdrawal_of(4, 3)
    assert (refused.value.code, refused.value.field) == ("not_published_revision", "revision")


@pytest.mark.parametrize("status", list(S))
def test_only_never_published_open_drafts_are_archived(status):
    if status in (S.DRAFT, S.AGREED, S.PUBLISHED):
        assert check_archivable(status, ever_published=False) is None
    else:
        with pytest.raises(Conflict) as refused:
            check_archivable(status, ever_published=False)
        assert refused.value.code == "closed"
    if status not in (S.WITHDRAWN, S.ARCHIVED, S.DIFFER):
        with pytest.raises(Conflict) as refused:
            check_archivable(status, ever_published=True)
        assert refused.value.code == "published"


def test_dissent_is_about_a_published_text_and_stated_once():
    assert check_dissent(S.PUBLISHED, published=True, already=False) is None
    assert check_dissent(S.DRAFT, published=True, already=False) is None  # new draft on top
    for status, published in [(S.DRAFT, False), (S.WITHDRAWN, True)]:
        with pytest.raises(Conflict) as refused:
            check_dissent(status, published, already=False)
        assert refused.value.code == "not_published"
    with pytest.raises(Conflict) as refused:
        check_dissent(S.PUBLISHED, published=True, already=True)
    assert refused.value.code == "already"
    with pytest.raises(Conflict):
        check_dissent_retractable(False)


def actor(*roles: Role, partner: int | None = 1, user: int = 7) -> Actor:
    return Actor(user, partner, frozenset(roles))


def test_only_a_partners_own_chief_officer_confirms_for_it():
    for check in (can_confirm_withdrawal, can_confirm_reopening, can_state_dissent):
        assert check(actor(Role.CHIEF_OFFICER), 1)
        assert not check(actor(Role.CHIEF_OFFICER), 2)
        assert not check(actor(Role.ADMIN, Role.CHIEF_OFFICER, partner=None), 1)
        for role in (Role.ADMIN, Role.POLICY_OFFICER, Role.COMMS):
            assert not check(actor(role), 1)


def test_a_draft_is_archived_by_its_author_or_any_chief_officer():
    assert can_archive(actor(Role.POLICY_OFFICER, user=7), author_id=7)
    assert can_archive(actor(Role.CHIEF_OFFICER, partner=2, user=8), author_id=7)
    for role in (Role.POLICY_OFFICER, Role.ADMIN, Role.COMMS):
        assert not can_archive(actor(role, user=8), author_id=7)
