"""The divergence rules, pure: stances, the divergence score, trends, amendments, agree-to-differ.

Every rule is checked for alliances of 2, 3 and 5 partners: the number is data, never a constant.
"""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from positions import divergence as rules
from positions.consensus import Partner, PartnerState, PositionStatus
from positions.divergence import (
    AmendmentFit,
    AmendmentStatus,
    Confirmation,
    Divergence,
    Statement,
    Trend,
    View,
    assess_differ,
    check_amendment,
    check_differ_confirmation,
    divergence,
    review_due,
    review_overdue,
    sort_key,
    statements_hash,
    trend,
)
from positions.refusals import Conflict, Invalid, TooLarge
from positions.roles import Actor, Role, can_confirm_differ, can_set_stance

DAY = date(2025, 6, 1)

# Ids deliberately out of alphabetical order, so neutral order has to be worked out by name.
NAMES = ["Riverbank", "Harbourside", "Moorland", "Eastgate", "Westfield"]


def alliance(n: int) -> list[Partner]:
    return [
        Partner(id=10 + i, slug=name.lower(), name=name, joined_on=date(2020, 1, 1))
        for i, name in enumerate(NAMES[:n])
    ]


def alphabetical(partners: list[Partner]) -> list[Partner]:
    return sorted(partners, key=lambda p: p.name)


SIZES = pytest.mark.parametrize("n", [2, 3, 5])


def actor(partner_id: int | None, *roles: Role) -> Actor:
    return Actor(user_id=1, partner_id=partner_id, roles=frozenset(roles))


def statements_for(partners, text="{name} holds its own view.") -> dict[int, Statement]:
    return {p.id: Statement(p.id, text.format(name=p.name)) for p in partners}


def confirmed_by(partners, statements) -> dict[int, Confirmation]:
    digest = statements_hash(statements.values())
    return {p.id: Confirmation(p.id, digest) for p in partners}


# ---- who sets a stance --------------------------------------------------------------------------


@SIZES
def test_a_partners_own_policy_and_chief_officers_set_its_stance(n):
    for partner in alliance(n):
        assert can_set_stance(actor(partner.id, Role.POLICY_OFFICER), partner.id)
        assert can_set_stance(actor(partner.id, Role.CHIEF_OFFICER), partner.id)


@SIZES
def test_nobody_else_sets_a_partners_stance(n):
    partners = alliance(n)
    for partner in partners:
        for other in partners:
            if other.id != partner.id:
                assert not can_set_stance(actor(other.id, Role.POLICY_OFFICER), partner.id)
                assert not can_set_stance(actor(other.id, Role.CHIEF_OFFICER), partner.id)
        # Own partner, but the wrong roles.
        assert not can_set_stance(actor(partner.id, Role.COMMS), partner.id)
        assert not can_set_stance(actor(partner.id, Role.ADMIN), partner.id)
        assert not can_set_stance(actor(partner.id), partner.id)
        # Alliance staff (no partner) never, whatever their roles.
        assert not can_set_stance(actor(None, *Role), partner.id)


@SIZES
def test_only_a_partners_own_chief_officer_confirms_agree_to_differ(n):
    partners = alliance(n)
    for partner in partners:
        assert can_confirm_differ(actor(partner.id, Role.CHIEF_OFFICER), partner.id)
        assert not can_confirm_differ(actor(partner.id, Role.POLICY_OFFICER), partner.id)
        assert not can_confirm_differ(actor(partner.id, Role.ADMIN, Role.COMMS), partner.id)
        assert not can_confirm_differ(actor(None, *Role), partner.id)
        for other in partners:
            if other.id != partner.id:
                assert not can_confirm_differ(actor(other.id, Role.CHIEF_OFFICER), partner.id)


# ---- divergence ---------------------------------------------------------------------------------


@SIZES
def test_all_support_is_no_spread(n):
    partners = alliance(n)
    div = divergence({p.id: View.SUPPORT for p in partners}, partners)
    assert div == Divergence(spread=0, opposing=0, reservations=0, undecided=0)


@SIZES
def test_one_opposing_partner_is_the_widest_spread(n):
    partners = alliance(n)
    views = {p.id: View.SUPPORT for p in partners} | {partners[-1].id: View.OPPOSE}
    assert divergence(views, partners) == Divergence(3, 1, 0, 0)


@SIZES
def test_reservations_are_closer_than_opposition(n):
    partners = alliance(n)
    views = {p.id: View.SUPPORT for p in partners} | {partners[0].id: View.RESERVATIONS}
    assert divergence(views, partners) == Divergence(1, 0, 1, 0)


def test_spread_runs_from_the_least_to_the_most_supportive_decided_view():
    a, b, c = alliance(3)
    assert divergence({a.id: View.RESERVATIONS, b.id: View.OPPOSE}, [a, b]).spread == 2
    assert divergence({a.id: View.RESERVATIONS, b.id: View.RESERVATIONS}, [a, b]).spread == 0
    views = {a.id: View.RESERVATIONS, b.id: View.OPPOSE, c.id: View.SUPPORT}
    assert divergence(views, [a, b, c]) == Divergence(3, 1, 1, 0)


@SIZES
def test_a_missing_stance_counts_as_undecided(n):
    partners = alliance(n)
    assert divergence({}, partners) == Divergence(0, 0, 0, n)
    views = {partners[0].id: View.OPPOSE}
    assert divergence(views, partners) == Divergence(0, 1, 0, n - 1)
    views[partners[1].id] = View.UNDECIDED
    assert divergence(views, partners).undecided == n - 1


@SIZES
def test_undecided_is_off_the_scale_but_counted(n):
    partners = alliance(n)
    views = {p.id: View.UNDECIDED for p in partners} | {partners[0].id: View.SUPPORT}
    assert divergence(views, partners) == Divergence(0, 0, 0, n - 1)


@SIZES
def test_only_the_partners_asked_about_count(n):
    partners = alliance(n)
    outsider = Partner(id=99, slug="gone", name="Gone")
    views = {p.id: View.SUPPORT for p in partners} | {outsider.id: View.OPPOSE}
    assert divergence(views, partners) == Divergence(0, 0, 0, 0)


# ---- trend --------------------------------------------------------------------------------------


@SIZES
def test_published_is_unified_whatever_the_working_views(n):
    partners = alliance(n)
    views = {p.id: View.OPPOSE for p in partners}
    assert trend(PositionStatus.PUBLISHED, views, partners) is Trend.UNIFIED


@SIZES
def test_agreed_to_differ_is_differ(n):
    partners = alliance(n)
    views = {p.id: View.SUPPORT for p in partners}
    assert trend(PositionStatus.DIFFER, views, partners) is Trend.DIFFER


@SIZES
@pytest.mark.parametrize("doubt", [View.OPPOSE, View.RESERVATIONS])
@pytest.mark.parametrize("status", [PositionStatus.DRAFT, PositionStatus.AGREED])
def test_any_opposition_or_reservation_is_diverging(n, doubt, status):
    partners = alliance(n)
    for doubter in partners:
        views = {p.id: View.SUPPORT for p in partners} | {doubter.id: doubt}
        assert trend(status, views, partners) is Trend.DIVERGING


@SIZES
def test_everyone_supporting_is_converging(n):
    partners = alliance(n)
    views = {p.id: View.SUPPORT for p in partners}
    assert trend(PositionStatus.DRAFT, views, partners) is Trend.CONVERGING


@SIZES
def test_views_still_forming_is_open(n):
    partners = alliance(n)
    assert trend(PositionStatus.DRAFT, {}, partners) is Trend.OPEN
    all_but_one = {p.id: View.SUPPORT for p in partners[1:]}
    assert trend(PositionStatus.DRAFT, all_but_one, partners) is Trend.OPEN
    all_but_one[partners[0].id] = View.UNDECIDED
    assert trend(PositionStatus.DRAFT, all_but_one, partners) is Trend.OPEN


def test_no_partners_is_open_not_converging():
    assert trend(PositionStatus.DRAFT, {}, []) is Trend.OPEN


# ---- sorting the board --------------------------------------------------------------------------


@SIZES
def test_sort_key_puts_the_furthest_apart_first(n):
    partners = alliance(n)
    support = {p.id: View.SUPPORT for p in partners}
    rows = {
        "Agreed": support,
        "Doubts": support | {partners[0].id: View.RESERVATIONS},
        "Split": support | {partners[0].id: View.OPPOSE},
        "Forming": {},
    }
    order = sorted(rows, key=lambda title: sort_key(divergence(rows[title], partners), title))
    assert order == ["Split", "Doubts", "Forming", "Agreed"]  # undecided counts as apart


def test_sort_key_orders_ties_alphabetically_ignoring_case():
    tie = Divergence(1, 0, 1, 0)
    titles = ["rents", "Allotments", "buses", "Zoning"]
    assert sorted(titles, key=lambda t: sort_key(tie, t)) == [
        "Allotments",
        "buses",
        "rents",
        "Zoning",
    ]


def test_sort_key_compares_opposition_then_reservations_then_undecided():
    keys = [
        Divergence(3, 2, 0, 0),
        Divergence(3, 1, 1, 0),
        Divergence(3, 1, 0, 1),
        Divergence(3, 1, 0, 0),
        Divergence(1, 0, 1, 0),
    ]
    shuffled = [keys[3], keys[0], keys[4], keys[2], keys[1]]
    assert sorted(shuffled, key=lambda d: sort_key(d, "same")) == keys


# ---- amendments ---------------------------------------------------------------------------------

BASE = "We ask the council for fair rents in every district.\n\nRents rise each year."
PROPOSED = "We ask the council for low rents in every district.\n\nRents rise each year."


def test_an_amendment_applies_when_the_text_is_unchanged():
    check = check_amendment(BASE, PROPOSED, BASE)
    assert check.fit is AmendmentFit.APPLIES
    assert check.merged_text == PROPOSED


def test_an_amendment_applies_onto_edits_elsewhere_and_keeps_both():
    current = BASE.replace("each year", "every spring")
    check = check_amendment(BASE, PROPOSED, current)
    assert check.fit is AmendmentFit.APPLIES
    assert "low rents" in check.merged_text and "fair" not in check.merged_text
    assert "every spring" in check.merged_text


def test_an_amendment_conflicts_when_the_same_words_changed():
    current = BASE.replace("fair rents", "affordable rents")
    check = check_amendment(BASE, PROPOSED, current)
    assert check.fit is AmendmentFit.CONFLICTS
    assert check.merged_text is None


def test_an_amendment_is_incorporated_when_the_text_already_says_it():
    check = check_amendment(BASE, PROPOSED, PROPOSED)
    assert check.fit is AmendmentFit.INCORPORATED
    assert check.merged_text is None


def test_incorporated_ignores_invisible_differences():
    current = PROPOSED.replace("\n", "\r\n") + "  \n"
    assert check_amendment(BASE, PROPOSED, current).fit is AmendmentFit.INCORPORATED


def test_an_amendment_already_made_among_other_edits_is_incorporated():
    current = PROPOSED.replace("each year", "every spring")
    assert check_amendment(BASE, PROPOSED, current).fit is AmendmentFit.INCORPORATED


# ---- agree to differ ----------------------------------------------------------------------------


@SIZES
def test_missing_statements_are_listed_in_neutral_order(n):
    partners = alliance(n)
    outcome = assess_differ(partners, {}, {}, DAY)
    assert outcome.missing_statements == tuple(alphabetical(partners))
    assert [s.partner for s in outcome.standings] == alphabetical(partners)
    first = alphabetical(partners)[0]
    outcome = assess_differ(partners, statements_for([first]), {}, DAY)
    assert outcome.missing_statements == tuple(alphabetical(partners)[1:])
    assert not outcome.publishable


@SIZES
def test_publishable_when_every_partner_has_a_statement_and_a_current_confirmation(n):
    partners = alliance(n)
    statements = statements_for(partners)
    confirmations = confirmed_by(partners, statements)
    outcome = assess_differ(partners, statements, confirmations, DAY)
    assert outcome.publishable
    assert {s.state for s in outcome.standings} == {PartnerState.APPROVED}
    assert outcome.statements_hash == statements_hash(statements.values())


@SIZES
def test_one_missing_confirmation_blocks_publication(n):
    partners = alliance(n)
    statements = statements_for(partners)
    for holdout in partners:
        confirmations = confirmed_by([p for p in partners if p != holdout], statements)
        outcome = assess_differ(partners, statements, confirmations, DAY)
        assert not outcome.publishable
        assert outcome.unconfirmed == (holdout,)


@SIZES
def test_confirmations_with_a_statement_missing_are_not_enough(n):
    partners = alliance(n)
    statements = statements_for(partners[1:])
    confirmations = confirmed_by(partners, statements)
    outcome = assess_differ(partners, statements, confirmations, DAY)
    assert outcome.missing_statements == (partners[0],)
    assert not outcome.publishable


@SIZES
def test_changing_any_statement_makes_every_earlier_confirmation_stale(n):
    partners = alliance(n)
    statements = statements_for(partners)
    confirmations = confirmed_by(partners, statements)
    for changed in partners:
        edited = statements | {changed.id: Statement(changed.id, "A different view.")}
        assert statements_hash(edited.values()) != statements_hash(statements.values())
        outcome = assess_differ(partners, edited, confirmations, DAY)
        assert not outcome.publishable
        assert {s.state for s in outcome.standings} == {PartnerState.STALE}


def test_statements_hash_ignores_order_and_invisible_differences():
    statements = list(statements_for(alliance(3)).values())
    invisible = [replace(s, text=s.text + "  \r\n") for s in statements]
    assert statements_hash(statements) == statements_hash(reversed(invisible))


def test_statements_hash_binds_each_text_to_its_partner():
    a, b = alliance(2)
    swapped = [Statement(a.id, "Yes."), Statement(b.id, "No.")]
    assert statements_hash(swapped) != statements_hash(
        [Statement(a.id, "No."), Statement(b.id, "Yes.")]
    )


@SIZES
def test_inactive_and_departed_partners_are_not_required(n):
    partners = alliance(n)
    gone = Partner(id=90, slug="gone", name="Gone", active=False)
    left = Partner(id=91, slug="left", name="Left", left_on=DAY - timedelta(days=1))
    statements = statements_for(partners)
    outcome = assess_differ(
        [*partners, gone, left], statements, confirmed_by(partners, statements), DAY
    )
    assert [s.partner for s in outcome.standings] == alphabetical(partners)
    assert outcome.publishable


@SIZES
def test_a_partner_that_joins_later_is_required_from_its_joining_day(n):
    partners = alliance(n)
    joiner = Partner(id=92, slug="newtown", name="Newtown", joined_on=DAY + timedelta(days=1))
    statements = statements_for(partners)
    confirmations = confirmed_by(partners, statements)
    everyone = [*partners, joiner]
    assert assess_differ(everyone, statements, confirmations, DAY).publishable
    later = assess_differ(everyone, statements, confirmations, DAY + timedelta(days=1))
    assert later.missing_statements == (joiner,)
    assert later.unconfirmed == (joiner,)
    assert not later.publishable


@SIZES
def test_check_differ_confirmation_names_the_missing_partners(n):
    partners = alliance(n)
    ordered = alphabetical(partners)
    outcome = assess_differ(partners, statements_for(ordered[1:]), {}, DAY)
    with pytest.raises(Conflict) as refused:
        check_differ_confirmation(outcome)
    assert refused.value.code == "statement_missing"
    assert refused.value.partners == (ordered[0].slug,)
    assert ordered[0].name in refused.value.message


@SIZES
def test_check_differ_confirmation_allows_once_every_statement_is_in(n):
    partners = alliance(n)
    outcome = assess_differ(partners, statements_for(partners), {}, DAY)
    check_differ_confirmation(outcome)  # raises nothing
    assert outcome.missing_statements == ()


def test_no_partners_is_never_publishable():
    assert not assess_differ([], {}, {}, DAY).publishable


# ---- what a stance, an amendment and a statement must be ----------------------------------------

S = PositionStatus
LIMIT = 100  # bytes


def test_a_stance_is_one_of_the_views():
    assert rules.parse_view("oppose") is View.OPPOSE
    with pytest.raises(Invalid) as refused:
        rules.parse_view("hostile")
    assert (refused.value.code, refused.value.field) == ("invalid_stance", "stance")
    assert all(v.value in refused.value.message for v in View)


@pytest.mark.parametrize("status", list(S))
def test_stances_stay_open_until_the_position_is_withdrawn_or_archived(status):
    if status in (S.WITHDRAWN, S.ARCHIVED):
        with pytest.raises(Conflict) as refused:
            rules.check_stance(status, View.SUPPORT, "", None, LIMIT)
        assert refused.value.code == "closed"
    else:  # agreed to differ included: views may move towards reopening
        assert rules.check_stance(status, View.SUPPORT, "", None, LIMIT) is None


def test_a_stance_must_change_something():
    previous = (View.RESERVATIONS, "Costs.")
    with pytest.raises(Invalid) as refused:
        rules.check_stance(S.DRAFT, View.RESERVATIONS, "  Costs. ", previous, LIMIT)
    assert refused.value.code == "no_change"
    assert rules.check_stance(S.DRAFT, View.OPPOSE, "Costs.", previous, LIMIT) is None
    assert rules.check_stance(S.DRAFT, View.RESERVATIONS, "Cost.", previous, LIMIT) is None


def test_a_rationale_is_limited_in_bytes():
    assert rules.check_stance(S.DRAFT, View.SUPPORT, "é" * (LIMIT // 2), None, LIMIT) is None
    with pytest.raises(TooLarge) as refused:
        rules.check_stance(S.DRAFT, View.SUPPORT, "é" * (LIMIT // 2 + 1), None, LIMIT)
    assert refused.value.field == "rationale"


def test_proposed_wording_says_why_fits_and_changes_the_text():
    assert rules.check_proposal("Old.", "New.", "  Clearer.  ", LIMIT) == "Clearer."
    with pytest.raises(Invalid) as refused:
        rules.check_proposal("Old.", "New.", " \n ", LIMIT)
    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
    with pytest.raises(TooLarge) as refused:
        rules.check_proposal("Old.", "x" * (LIMIT + 1), "Longer.", LIMIT)
    assert refused.value.field == "body"
    with pytest.raises(Invalid) as refused:
        rules.check_proposal("Same.", "Same.", "Why not.", LIMIT)
    assert (refused.value.code, refused.value.field) == ("no_change", "body")


def test_declining_an_amendment_says_why():
    assert rules.check_decline(" Out of scope. ") == "Out of scope."
    with pytest.raises(Invalid) as refused:
        rules.check_decline("   ")
    assert refused.value.code == "reason_required"


@pytest.mark.parametrize("status", [AmendmentStatus.ACCEPTED, AmendmentStatus.DECLINED])
def test_an_amendment_is_decided_once(status):
    assert rules.check_amendment_open(AmendmentStatus.OPEN) is None
    with pytest.raises(Conflict) as refused:
        rules.check_amendment_open(status)
    assert refused.value.code == "already_decided"


@pytest.mark.parametrize("status", list(S))
def test_statements_are_taken_until_the_partners_agree_to_differ(status):
    codes = {S.WITHDRAWN: "closed", S.ARCHIVED: "closed", S.DIFFER: "already_differ"}
    if status in codes:
        with pytest.raises(Conflict) as refused:
            rules.check_differ_open(status)
        assert refused.value.code == codes[status]
    else:
        assert rules.check_differ_open(status) is None


def test_a_statement_says_something_and_fits_the_limit():
    assert rules.check_statement("  Our view.  ", LIMIT) == "Our view."
    with pytest.raises(Invalid) as refused:
        rules.check_statement(" ", LIMIT)
    assert (refused.value.code, refused.value.field) == ("statement_required", "statement")
    with pytest.raises(TooLarge):
        rules.check_statement("x" * (LIMIT + 1), LIMIT)


@pytest.mark.parametrize("status", list(S))
def test_only_a_published_agree_to_differ_outcome_is_reopened(status):
    if status is S.DIFFER:
        assert rules.check_reopenable(status, outcome_published=True) is None
    for published in (False,) if status is S.DIFFER else (True, False):
        with pytest.raises(Conflict) as refused:
            rules.check_reopenable(status, outcome_published=published)
        assert refused.value.code == "not_differ"


# ---- review dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("review_by", "due"),
    [
        (None, False),
        (DAY + timedelta(days=1), False),
        (DAY, True),
        (DAY - timedelta(days=1), True),
        (DAY - timedelta(days=400), True),
    ],
)
def test_review_is_due_on_and_after_the_date(review_by, due):
    assert review_due(review_by, DAY) is due


def test_a_review_is_due_on_its_day_and_overdue_only_after():
    day = date(2026, 11, 26)
    assert review_due(day, day) and not review_overdue(day, day)
    assert review_overdue(date(2026, 11, 25), day)
    assert not review_due(None, day) and not review_overdue(None, day)
