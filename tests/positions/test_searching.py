"""What a typed query becomes before any database sees it, and who may find what."""

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from positions import searching as core
from positions.refusals import Invalid
from positions.roles import Actor, Role, can_read_note
from positions.searching import Audience, Kind


@given(st.text(max_size=400))
def test_whatever_is_typed_reaches_the_engines_as_quoted_words_only(typed):
    query = core.parse(typed)
    assert len(query.terms) <= core.MAX_TERMS
    assert all(re.fullmatch(r"\w+", t) and len(t) <= core.MAX_TERM_LENGTH for t in query.terms)
    if query:
        # FTS5: each word in double quotes (a word has none), the last as a prefix.
        assert re.fullmatch(r'("\w+" AND )*"\w+" \*', core.fts5_match(query))
        # PostgreSQL: words joined by &, the last as a prefix; no other operator.
        assert re.fullmatch(r"(\w+ & )*\w+:\*", core.tsquery(query))


def test_words_are_lower_case_unique_and_in_order():
    assert core.parse("Fair RENTS, fair  rents: now!").terms == ("fair", "rents", "now")
    assert core.parse("").terms == () and not core.parse('"()*:-')
    assert core.tsquery(core.parse("bus rou")) == "bus & rou:*"
    assert core.fts5_match(core.parse("bus rou")) == '"bus" AND "rou" *'


def test_signed_out_only_the_published_record_is_searched():
    assert core.visible_audiences(signed_in=False) == (Audience.PUBLIC,)
    assert set(core.searchable_kinds(signed_in=False)) == {Kind.PUBLISHED, Kind.DIFFER}
    assert set(core.searchable_kinds(signed_in=True)) == set(Kind)
    assert set(core.visible_audiences(signed_in=True)) == {Audience.PUBLIC, Audience.MEMBERS}


def test_a_partners_notes_are_found_by_its_own_people_only():
    assert core.thread_audience(private=False) is Audience.MEMBERS
    assert core.thread_audience(private=True) is Audience.PARTNER
    assert Audience.PARTNER not in core.visible_audiences(signed_in=True)  # never to everyone
    assert core.private_partner(signed_in=True, partner_id=7) == 7
    assert core.private_partner(signed_in=True, partner_id=None) is None  # the alliance team
    assert core.private_partner(signed_in=False, partner_id=7) is None  # the public search
    assert core.thread_text("the passage", ["one", "", "two"]) == "the passage\n\none\n\ntwo"


def test_filters_are_read_or_refused_with_the_field_named():
    assert core.parse_filters("meeting", "housing", "2026-01-01", "2026-02-01") == core.Filters(
        Kind.MEETING, "housing", date(2026, 1, 1), date(2026, 2, 1)
    )
    assert core.parse_filters("", "", "", "") == core.Filters()
    for args, field in (
        (("nonsense",), "kind"),
        ((None, "Housing!"), "area"),
        ((None, None, "2026-13-01"), "date_from"),
        ((None, None, "0001-01-01"), "date_from"),
        ((None, None, "2026-02-02", "2026-02-01"), "date_to"),
    ):
        with pytest.raises(Invalid) as refused:
            core.parse_filters(*args)
        assert refused.value.field == field


def test_a_snippet_splits_into_marked_and_plain_pieces():
    s, e = core.MARK_START, core.MARK_END
    snippet = f"We ask for {s}fair{e} {s}rents{e}."
    assert core.highlighted(snippet) == [
        ("We ask for ", False), ("fair", True), (" ", False), ("rents", True), (".", False)
    ]  # fmt: skip
    assert core.plain(snippet) == "We ask for fair rents."


def test_what_each_thing_is_found_by():
    assert core.position_text("Body.", ["Ours.", "Theirs."]) == "Body.\n\nOurs.\n\nTheirs."
    audience = [("Tenants Union", "Jo Smith", "Chair"), ("Council", "", "")]
    assert core.meeting_text("Town hall", "Minutes.", audience) == (
        "Town hall\nMinutes.\nTenants Union Jo Smith Chair\nCouncil"
    )
    assert core.appearance_text("Said.", "") == "Said."


def test_whose_notes_a_search_finds_agrees_with_who_may_read_them():
    for partner_id in (None, 1, 2):
        for roles in ({Role.COMMS}, {Role.ADMIN}, {Role.CHIEF_OFFICER}, {Role.POLICY_OFFICER}):
            actor = Actor(1, partner_id, frozenset(roles))
            found = core.private_partner(signed_in=True, partner_id=actor.partner_id)
            for note_of in (1, 2):
                assert (found == note_of) == can_read_note(actor, note_of), (actor, note_of)
