"""The alliance's shape: slugs, membership dates, retired areas, merges, the last admin."""

from datetime import date

import pytest

from positions import alliance as core
from positions.refusals import Conflict, Invalid


def test_a_slug_is_made_from_the_name_and_numbered_when_taken():
    assert core.choose_slug("Harbourside Trust", None, set()) == "harbourside-trust"
    assert core.choose_slug("Harbourside Trust", None, {"harbourside-trust"}) == (
        "harbourside-trust-2"
    )


def test_a_slug_asked_for_must_be_clean_and_free():
    assert core.choose_slug("Anything", "riverbank", set()) == "riverbank"
    with pytest.raises(Invalid) as bad:
        core.choose_slug("Anything", "River Bank", set())
    assert bad.value.field == "slug"
    with pytest.raises(Conflict):
        core.choose_slug("Anything", "riverbank", {"riverbank"})


def test_a_partner_spec_from_the_command_line():
    assert core.parse_partner_spec("Riverbank Trust=riverbank") == ("Riverbank Trust", "riverbank")
    assert core.parse_partner_spec("  Moor   Group ") == ("Moor Group", None)
    with pytest.raises(Invalid):
        core.parse_partner_spec("=slug-only")


def test_a_partner_leaves_after_it_joined():
    core.check_membership(date(2024, 1, 1), date(2024, 1, 2))
    core.check_membership(None, date(2024, 1, 2))
    with pytest.raises(Invalid) as bad:
        core.check_membership(date(2024, 1, 2), date(2024, 1, 2))
    assert bad.value.field == "left_on"


def test_a_retired_area_takes_no_new_position():
    core.check_new_position_area(core.Area(1, "Housing", retired=False))
    with pytest.raises(Invalid) as bad:
        core.check_new_position_area(core.Area(1, "Housing", retired=True))
    assert bad.value.code == "retired_area"


def test_an_area_merges_into_another_current_one():
    housing, rivers = core.Area(1, "Housing", False), core.Area(2, "Rivers", False)
    core.check_merge(housing, rivers)
    with pytest.raises(Invalid):
        core.check_merge(housing, housing)
    with pytest.raises(Invalid):
        core.check_merge(housing, core.Area(3, "Old", True))


def test_the_last_active_admin_stays():
    core.check_keeps_an_admin({1, 2}, 1)
    core.check_keeps_an_admin({2}, 1)  # not an admin: nothing lost
    with pytest.raises(Conflict) as last:
        core.check_keeps_an_admin({1}, 1)
    assert last.value.code == "last_admin"


def test_names_are_tidied_and_required():
    assert core.clean_name("  Moor \n Group ") == "Moor Group"
    with pytest.raises(Invalid):
        core.clean_name("   ")
    with pytest.raises(Invalid):
        core.clean_name("x" * 121)


def test_joins_and_leaves_near_today_are_news_and_say_what_they_do():
    from positions.consensus import Partner

    today = date(2026, 3, 10)
    partners = [
        Partner(1, "harbourside", "Harbourside", True, date(2026, 3, 3), None),
        Partner(2, "moorland", "Moorland", True, date(2020, 1, 1), date(2026, 4, 1)),
        Partner(3, "riverbank", "Riverbank", True, date(2020, 1, 1), None),  # old news
    ]
    joined, leaving = core.membership_changes(partners, today)
    assert core.describe_for_drafts(joined, 4) == (
        "Harbourside joined on 3 March: 4 drafts now also need its approval."
    )
    assert core.describe_for_drafts(leaving, 1) == (
        "Moorland leaves on 1 April: from then 1 draft no longer needs its approval."
    )
    assert core.describe_for_position(joined) == (
        "Harbourside joined on 3 March: this draft now also needs its approval."
    )
    assert core.membership_changes(partners, date(2026, 6, 1)) == []


def test_a_partners_standing_says_whether_it_signs_today():
    today = date(2027, 3, 3)
    assert core.standing(None, None, today) == "A signatory."
    assert core.standing(date(2027, 3, 3), None, today) == "A signatory."
    assert core.standing(date(2027, 3, 4), None, today) == (
        "Joins on 4 March 2027: a signatory from then."
    )
    assert core.standing(None, date(2027, 3, 4), today) == (
        "A signatory until it leaves on 4 March 2027."
    )
    assert core.standing(None, date(2027, 3, 3), today) == (
        "Left on 3 March 2027: no longer a signatory."
    )
