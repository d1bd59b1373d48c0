"""The spokesperson-log rules: mandates, what stood at a date, and the three flags. No app."""

from datetime import UTC, date, datetime, timedelta

import pytest

from positions import mandate as m
from positions.refusals import Invalid

T0 = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
HOUSING, TRANSPORT = 1, 2
SPEAKER = 7


def history(pid=10, area=HOUSING, publications=(), differ=(), withdrawn_at=None):
    return m.PositionHistory(pid, area, tuple(publications), tuple(differ), withdrawn_at)


def facts(*positions, capacity=m.Capacity.ALLIANCE, areas=(HOUSING,), at=T0):
    return m.AppearanceFacts(SPEAKER, capacity, at, at.date(), frozenset(areas), positions)


def kinds(findings):
    return [(f.kind, f.subject) for f in findings]


MANDATE = m.Mandate(SPEAKER, frozenset({HOUSING}), date(2026, 1, 1), date(2026, 12, 31))


# ---- speaking for a partner ------------------------------------------------------------------


def test_people_speak_only_for_their_own_partner():
    assert m.may_speak_for_partner(1, 1)
    assert not m.may_speak_for_partner(1, 2)
    assert not m.may_speak_for_partner(None, 1)


# ---- mandates -------------------------------------------------------------------------------


def test_a_mandate_covers_its_areas_between_its_dates_inclusive():
    assert m.mandate_covers(MANDATE, HOUSING, date(2026, 1, 1))
    assert m.mandate_covers(MANDATE, HOUSING, date(2026, 12, 31))
    assert not m.mandate_covers(MANDATE, HOUSING, date(2025, 12, 31))
    assert not m.mandate_covers(MANDATE, HOUSING, date(2027, 1, 1))
    assert not m.mandate_covers(MANDATE, TRANSPORT, date(2026, 6, 1))


def test_an_open_ended_mandate_runs_until_further_notice():
    open_ended = m.Mandate(SPEAKER, frozenset({HOUSING}), date(2026, 1, 1))
    assert m.mandate_covers(open_ended, HOUSING, date(2040, 1, 1))


def test_has_mandate_looks_only_at_the_speakers_mandates():
    assert m.has_mandate([MANDATE], SPEAKER, HOUSING, date(2026, 3, 1))
    assert not m.has_mandate([MANDATE], SPEAKER + 1, HOUSING, date(2026, 3, 1))


def test_mandate_dates_reversed_or_no_area_refused():
    with pytest.raises(Invalid) as refused:
        m.check_mandate(date(2026, 5, 1), date(2026, 4, 1), [HOUSING])
    assert refused.value.code == "dates_reversed" and refused.value.field == "ends_on"
    with pytest.raises(Invalid) as refused:
        m.check_mandate(date(2026, 5, 1), None, [])
    assert refused.value.code == "areas_required"
    m.check_mandate(date(2026, 5, 1), date(2026, 5, 1), [HOUSING])  # one day is fine


def test_mandates_for_a_briefing():
    other = m.Mandate(8, frozenset({TRANSPORT}), date(2026, 1, 1))
    assert m.mandates_for([MANDATE, other], [HOUSING], date(2026, 3, 1)) == [MANDATE]
    assert m.mandates_for([MANDATE, other], [HOUSING], date(2027, 3, 1)) == []
    # Any one of the meeting's areas will do; the last day of a mandate still counts.
    both = m.mandates_for([MANDATE, other], [TRANSPORT, HOUSING], date(2026, 12, 31))
    assert both == [MANDATE, other]
    assert m.mandates_for([MANDATE, other], [], date(2026, 3, 1)) == []


# ---- what stood at a date -------------------------------------------------------------------


def test_the_revision_published_at_a_date_is_the_latest_before_it():
    first = m.Publication(100, 1, T0 - timedelta(days=30))
    second = m.Publication(101, 2, T0 + timedelta(days=5))
    h = history(publications=[second, first])
    assert m.published_revision_at(h, T0) == first
    assert m.published_revision_at(h, T0 + timedelta(days=6)) == second
    assert m.standing_at(h, T0 - timedelta(days=31)).state is m.TextState.UNPUBLISHED


def test_agreed_to_differ_means_no_unified_text_until_reopened():
    pub = m.Publication(100, 1, T0 - timedelta(days=30))
    period = m.DifferPeriod(T0 - timedelta(days=10), T0 + timedelta(days=10))
    h = history(publications=[pub], differ=[period])
    assert m.standing_at(h, T0).state is m.TextState.DIFFER
    assert m.standing_at(h, T0).publication is None
    assert m.standing_at(h, T0 + timedelta(days=11)).state is m.TextState.PUBLISHED
    still_open = history(differ=[m.DifferPeriod(T0 - timedelta(days=1))])
    assert m.standing_at(still_open, NOW).state is m.TextState.DIFFER


def test_withdrawn_by_then_means_no_unified_text():
    pub = m.Publication(100, 1, T0 - timedelta(days=30))
    h = history(publications=[pub], withdrawn_at=T0 - timedelta(days=1))
    assert m.standing_at(h, T0).state is m.TextState.WITHDRAWN


# ---- the three flags ------------------------------------------------------------------------


PUBLISHED = history(publications=[m.Publication(100, 1, T0 - timedelta(days=30))])


def test_speaking_for_a_partner_is_never_flagged():
    draft = history()
    assert m.check_appearance(facts(draft, capacity=m.Capacity.PARTNER), [], NOW) == ()


def test_a_clean_alliance_appearance_raises_nothing():
    assert m.check_appearance(facts(PUBLISHED), [MANDATE], NOW) == ()


def test_a_no_mandate_for_the_area_of_a_cited_position():
    transport = history(pid=11, area=TRANSPORT, publications=PUBLISHED.publications)
    found = m.check_appearance(facts(PUBLISHED, transport), [MANDATE], NOW)
    assert kinds(found) == [(m.FlagKind.NO_MANDATE, f"area:{TRANSPORT}")]
    assert found[0].area_id == TRANSPORT


def test_a_without_positions_the_meetings_areas_count():
    assert m.check_appearance(facts(areas=(HOUSING,)), [MANDATE], NOW) == ()
    found = m.check_appearance(facts(areas=(TRANSPORT,)), [MANDATE], NOW)
    assert kinds(found) == [(m.FlagKind.NO_MANDATE, f"area:{TRANSPORT}")]


def test_a_with_no_areas_at_all_any_mandate_in_force_will_do():
    assert m.check_appearance(facts(areas=()), [MANDATE], NOW) == ()
    found = m.check_appearance(facts(areas=()), [], NOW)
    assert kinds(found) == [(m.FlagKind.NO_MANDATE, "any")]


def test_a_mandate_outside_its_dates_does_not_count():
    later = facts(PUBLISHED, at=datetime(2027, 2, 1, tzinfo=UTC))
    found = m.check_appearance(later, [MANDATE], datetime(2027, 3, 1, tzinfo=UTC))
    assert (m.FlagKind.NO_MANDATE, f"area:{HOUSING}") in kinds(found)


def test_b_citing_a_draft_or_a_differ_position():
    draft = history(pid=12)
    differ = history(pid=13, publications=PUBLISHED.publications, differ=[m.DifferPeriod(T0)])
    found = m.check_appearance(facts(draft, differ), [MANDATE], NOW)
    assert kinds(found) == [
        (m.FlagKind.NO_UNIFIED_TEXT, "position:12"),
        (m.FlagKind.NO_UNIFIED_TEXT, "position:13"),
    ]
    assert "draft" in found[0].detail and "differ" in found[1].detail


def test_b_a_text_published_after_the_meeting_does_not_help():
    late = history(publications=[m.Publication(100, 1, T0 + timedelta(hours=1))])
    found = m.check_appearance(facts(late), [MANDATE], NOW)
    assert kinds(found) == [(m.FlagKind.NO_UNIFIED_TEXT, "position:10")]


def test_c_withdrawn_after_the_meeting():
    withdrawn = history(publications=PUBLISHED.publications, withdrawn_at=T0 + timedelta(days=3))
    found = m.check_appearance(facts(withdrawn), [MANDATE], NOW)
    assert kinds(found) == [(m.FlagKind.WITHDRAWN_LATER, "position:10")]
    # Withdrawn before the meeting is (b): there was no text to cite.
    before = history(publications=PUBLISHED.publications, withdrawn_at=T0 - timedelta(days=3))
    found = m.check_appearance(facts(before), [MANDATE], NOW)
    assert kinds(found) == [(m.FlagKind.NO_UNIFIED_TEXT, "position:10")]


def test_d_citing_a_text_a_partner_no_longer_supported_then():
    """Issue 11 part 3: appearances citing a position while an objection stands are flagged."""
    moorland = m.DissentPeriod("Moorland", T0 - timedelta(days=1))
    disputed = m.PositionHistory(10, HOUSING, PUBLISHED.publications, dissent_periods=(moorland,))
    found = m.check_appearance(facts(disputed), [MANDATE], NOW)
    assert kinds(found) == [(m.FlagKind.DISPUTED, "position:10")]
    assert found[0].detail == "Moorland no longer supported it"
    # Said after the meeting, or retracted before it: the text stood undisputed then.
    for period in (
        m.DissentPeriod("Moorland", T0 + timedelta(hours=1)),
        m.DissentPeriod("Moorland", T0 - timedelta(days=9), T0 - timedelta(days=1)),
    ):
        calm = m.PositionHistory(10, HOUSING, PUBLISHED.publications, dissent_periods=(period,))
        assert m.check_appearance(facts(calm), [MANDATE], NOW) == ()
    # Speaking for one's own partner is that partner's business.
    assert m.check_appearance(facts(disputed, capacity=m.Capacity.PARTNER), [], NOW) == ()


def test_a_meeting_still_ahead_is_judged_on_what_stands_now():
    ahead = NOW + timedelta(days=10)
    published_now = history(publications=[m.Publication(100, 1, NOW - timedelta(days=1))])
    assert m.check_appearance(facts(published_now, at=ahead), [MANDATE], NOW) == ()
    assert m.evaluation_moment(ahead, NOW) == NOW
    assert m.evaluation_moment(T0, NOW) == T0


# ---- reconciling stored flags ---------------------------------------------------------------


def test_reconcile_raises_new_clears_stale_and_never_touches_reviewed():
    a = m.Finding(m.FlagKind.NO_MANDATE, "area:1", area_id=1)
    b = m.Finding(m.FlagKind.NO_UNIFIED_TEXT, "position:2", position_id=2)
    changes = m.reconcile(
        [a, b],
        open_keys=["no_unified_text:position:9"],
        reviewed_keys=["no_mandate:area:1", "withdrawn_later:position:3"],
    )
    assert changes.raise_ == (b,)
    assert changes.clear == ("no_unified_text:position:9",)


# ---- what an entry and a review must be --------------------------------------------------------


def test_a_mandate_note_has_a_limit():
    m.check_mandate(date(2026, 1, 1), None, [HOUSING], "n" * m.MANDATE_NOTE_MAX)
    with pytest.raises(Invalid) as refused:
        m.check_mandate(date(2026, 1, 1), None, [HOUSING], "n" * (m.MANDATE_NOTE_MAX + 1))
    assert refused.value.field == "note"


@pytest.mark.parametrize("field", ["summary", "follow_up"])
def test_what_was_said_is_stripped_and_limited(field):
    assert m.check_summary("  Said it.  ", field) == "Said it."
    assert m.check_summary(None, field) == ""
    with pytest.raises(Invalid) as refused:
        m.check_summary("x" * (m.SUMMARY_MAX + 1), field)
    assert (refused.value.code, refused.value.field) == ("too_long", field)
    assert field.replace("_", " ") in refused.value.message


def test_an_appearance_cites_a_limited_number_of_positions():
    assert m.check_cited(m.POSITIONS_MAX) is None
    with pytest.raises(Invalid) as refused:
        m.check_cited(m.POSITIONS_MAX + 1)
    assert refused.value.field == "positions"


def test_a_flag_is_reviewed_with_a_note_that_says_something():
    assert m.check_review_note("  Checked with comms. ") == "Checked with comms."
    with pytest.raises(Invalid) as refused:
        m.check_review_note("  ")
    assert (refused.value.code, refused.value.field) == ("note_required", "note")
    with pytest.raises(Invalid) as refused:
        m.check_review_note("n" * (m.NOTE_MAX + 1))
    assert refused.value.field == "note"
