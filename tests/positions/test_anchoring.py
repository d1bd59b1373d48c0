"""Discussion anchors: finding a selected passage, following it across revisions, paragraphs,
who sees and does what, and mentions."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from positions import anchoring as a
from positions.anchoring import Anchor, Outdated, ThreadFacts, Visibility
from positions.refusals import Conflict, Forbidden, Invalid
from positions.roles import Actor, Role

PROPERTY = settings(max_examples=150, deadline=None)

CLAUSES = (
    "# Rural bus fares\n\n"
    "The alliance calls on the council to cap single fares at two pounds.\n\n"
    "Concessionary passes should be valid before half past nine.\n\n"
    "- Routes that serve schools keep their timetables.\n"
    "- Evening services run at least hourly.\n\n"
    "Funding comes from the regional transport budget."
)


def test_a_selection_is_found_word_for_word_with_its_context():
    anchor = a.locate(CLAUSES, "cap single fares")
    assert CLAUSES[anchor.start : anchor.end] == "cap single fares"
    assert anchor.prefix.endswith("council to ") and anchor.suffix.startswith(" at two")


def test_a_repeated_passage_is_told_apart_by_its_context():
    body = "The council pays. The council decides. The council pays again."
    second = a.locate(body, "The council", prefix="pays. ", suffix=" decides")
    assert second.start == body.index("The council decides")


@pytest.mark.parametrize(
    ("quote", "code"),
    [("", "empty_quote"), ("   ", "empty_quote"), ("x" * 5001, "quote_too_long")],
)
def test_a_bad_selection_is_refused_with_its_reason(quote, code):
    with pytest.raises(Invalid) as refused:
        a.locate(CLAUSES, quote)
    assert refused.value.code == code


def test_a_selection_across_formatting_is_refused_with_a_way_forward():
    with pytest.raises(Invalid) as refused:
        a.locate("The **council** pays.", "The council pays")
    assert refused.value.code == "quote_not_found"
    assert "whole paragraph" in refused.value.message


def test_paragraphs_keep_lists_and_code_whole():
    body = "Intro.\n\n- one\n\n- two\n\n```\ncode\n\nmore\n```\n\n    indented\n\nLast."
    texts = [body[b.start : b.end] for b in a.blocks(body)]
    assert texts == ["Intro.", "- one\n\n- two", "```\ncode\n\nmore\n```\n\n    indented", "Last."]
    assert a.block_of(a.blocks(body), body.index("two")) == 1


def test_a_paragraph_anchor_is_the_whole_paragraph():
    anchor = a.paragraph_anchor(CLAUSES, 2)
    assert anchor.quote == "Concessionary passes should be valid before half past nine."
    with pytest.raises(Invalid) as refused:
        a.paragraph_anchor(CLAUSES, 9)
    assert refused.value.code == "unknown_paragraph"


def test_an_edit_elsewhere_leaves_the_passage_exact():
    anchor = a.locate(CLAUSES, "half past nine")
    new = CLAUSES.replace("two pounds", "one pound fifty")
    moved = a.reanchor(anchor, CLAUSES, new)
    assert isinstance(moved, Anchor) and new[moved.start : moved.end] == "half past nine"


def test_a_reworded_passage_follows_the_words():
    anchor = a.locate(CLAUSES, "cap single fares at two pounds")
    new = CLAUSES.replace("cap single fares at two pounds", "cap all single fares at 2 pounds")
    moved = a.reanchor(anchor, CLAUSES, new)
    assert isinstance(moved, Anchor)
    assert new[moved.start : moved.end] == "cap all single fares at 2 pounds"


def test_a_deeper_rewording_in_place_follows_while_its_context_stands():
    body = "Single fares are capped at two pounds on every rural route."
    anchor = a.locate(body, "capped at two pounds")
    new = "Intro.\n\n" + body.replace("two pounds", "one pound fifty")
    moved = a.reanchor(anchor, body, new)
    assert isinstance(moved, Anchor) and moved.quote == "capped at one pound fifty"


def test_a_moved_paragraph_is_found_where_it_went():
    anchor = a.paragraph_anchor(CLAUSES, 4)
    paragraphs = CLAUSES.split("\n\n")
    new = "\n\n".join([paragraphs[0], paragraphs[4], *paragraphs[1:4]])
    moved = a.reanchor(anchor, CLAUSES, new)
    assert isinstance(moved, Anchor)
    assert new[moved.start : moved.end] == "Funding comes from the regional transport budget."


def test_a_deleted_clause_is_outdated_with_its_original_quote():
    anchor = a.paragraph_anchor(CLAUSES, 2)
    new = CLAUSES.replace("Concessionary passes should be valid before half past nine.\n\n", "")
    assert a.reanchor(anchor, CLAUSES, new) == Outdated(anchor.quote, anchor.prefix, anchor.suffix)


def test_a_clause_rewritten_beyond_recognition_is_outdated():
    anchor = a.locate(CLAUSES, "valid before half past nine")
    new = CLAUSES.replace("valid before half past nine", "accepted on every journey, all day")
    assert isinstance(a.reanchor(anchor, CLAUSES, new), Outdated)


def test_a_short_quote_whose_place_is_gone_is_not_attached_to_a_lone_lookalike():
    body = "First: the fares.\n\nSecond: cap it.\n\nThird: more it."
    anchor = a.locate(body, "it", prefix="cap ", suffix=".")
    new = "First: the fares.\n\nThird: more it."
    assert isinstance(a.reanchor(anchor, body, new), Outdated)


def test_a_long_revision_carries_every_thread():
    """500 threads on a 20,000-word text, one clause edited: every one follows (the 200 ms
    budget is measured by `make bench`, not asserted here)."""
    words = [f"clause{n % 997}word{n}" for n in range(20_000)]
    body = "\n\n".join(" ".join(words[i : i + 40]) for i in range(0, len(words), 40))
    starts = [body.index(f"word{n} ") for n in range(0, 20_000, 40)]
    anchors = [a.anchor_at(body, s, s + 30) for s in starts]
    new = body.replace("clause3word3 ", "a clause rewritten here ", 1)
    moved = a.reanchor_all(anchors, body, new)  # its time is make bench's to measure
    assert sum(isinstance(m, Anchor) for m in moved) == len(anchors)


def test_threads_on_changed_text_are_told_from_the_rest():
    changes = [
        ("equal", "Fares "),
        ("delete", "two"),
        ("insert", "one"),
        ("equal", " pounds. Buses run."),
    ]
    spans = a.changed_spans(changes)
    assert spans == [(6, 6), (6, 9)]
    assert a.on_changed_text(0, 16, spans)  # "Fares one pounds"
    assert not a.on_changed_text(17, 27, spans)  # "Buses run."


# ---- properties --------------------------------------------------------------------------------

VOCABULARY = [
    *("council", "fares", "budget", "partner", "route", "school", "evening", "service"),
    *("transport", "regional", "housing", "tenant", "rent", "grant", "heritage", "library"),
    *("planning", "village", "market", "harbour", "river", "moorland", "volunteer", "charity"),
    *("trustee", "census", "energy", "retrofit", "insulation", "broadband"),
]
words = st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=12).map(" ".join)
texts = st.lists(words, min_size=3, max_size=8).map("\n\n".join)


@st.composite
def text_passage_and_edit(draw):
    """A text, a passage in it, and an edit (replace a span) that leaves the passage untouched."""
    body = draw(texts)
    start = draw(st.integers(0, len(body) - 1))
    end = draw(st.integers(start + 1, min(len(body), start + 40)))
    before = draw(st.booleans())
    if before:
        assume(start > 0)
        lo = draw(st.integers(0, start - 1))
        hi = draw(st.integers(lo, start))
    else:
        assume(end < len(body))
        lo = draw(st.integers(end, len(body) - 1))
        hi = draw(st.integers(lo, len(body)))
    insert = draw(st.one_of(st.just(""), words))
    return body, start, end, lo, hi, insert


@PROPERTY
@given(text_passage_and_edit())
def test_an_untouched_passage_always_reanchors_exactly(case):
    body, start, end, lo, hi, insert = case
    new = body[:lo] + insert + body[hi:]
    assume(new != body)
    shift = len(insert) - (hi - lo) if hi <= start else 0
    anchor = a.anchor_at(body, start, end)
    moved = a.reanchor(anchor, body, new)
    assert isinstance(moved, Anchor)
    assert new[moved.start : moved.end] == anchor.quote
    if new.count(anchor.quote) == 1:
        assert moved.start == start + shift


@st.composite
def text_and_deleted_passage(draw):
    """Paragraphs of words no other paragraph uses, and the one to delete."""
    shuffled = draw(st.permutations(VOCABULARY))
    count = draw(st.integers(3, 6))
    groups = [shuffled[i::count] for i in range(count)]
    paragraphs = [
        " ".join(draw(st.lists(st.sampled_from(group), min_size=1, max_size=8))) for group in groups
    ]
    return paragraphs, draw(st.integers(0, count - 1))


def similar(one: str, other: str) -> bool:
    dmp = a._matcher()
    return dmp.diff_levenshtein(dmp.diff_main(one, other)) <= a.MAX_CHANGED_SHARE * len(one)


@PROPERTY
@given(text_and_deleted_passage())
def test_a_deleted_passage_is_outdated_never_attached_to_other_text(case):
    paragraphs, gone = case
    body = "\n\n".join(paragraphs)
    anchor = a.paragraph_anchor(body, gone)
    new = "\n\n".join(p for i, p in enumerate(paragraphs) if i != gone)
    moved = a.reanchor(anchor, body, new)
    if isinstance(moved, Anchor):  # only ever to a passage that reads like the quote
        assert similar(anchor.quote, new[moved.start : moved.end])
    if len(anchor.quote) >= a.FUZZY_MIN_CHARS:  # a longer passage has no lookalike here
        assert isinstance(moved, Outdated)


@PROPERTY
@given(texts, st.data())
def test_paragraphs_cover_the_text_in_order_without_overlap(body, data):
    found = a.blocks(body)
    assert found, body
    assert all(x.end <= y.start for x, y in zip(found, found[1:], strict=False))
    index = data.draw(st.integers(0, len(found) - 1))
    anchor = a.paragraph_anchor(body, index)
    assert body[anchor.start : anchor.end] == anchor.quote and anchor.quote.strip()


# ---- who sees and does what --------------------------------------------------------------------

RIVERBANK, MOOR = 1, 2
OFFICER = Actor(10, RIVERBANK, frozenset({Role.POLICY_OFFICER}))
OTHER_OFFICER = Actor(11, MOOR, frozenset({Role.POLICY_OFFICER}))
OTHER_CHIEF = Actor(12, MOOR, frozenset({Role.CHIEF_OFFICER}))
STAFF_ADMIN = Actor(13, None, frozenset({Role.ADMIN, Role.COMMS}))
NOTE = ThreadFacts(Visibility.PARTNER, RIVERBANK)
OPEN = ThreadFacts(Visibility.ALLIANCE, None)
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def test_a_partners_note_is_for_its_own_people_only():
    assert a.may_see(OFFICER, NOTE)
    for outsider in (OTHER_OFFICER, OTHER_CHIEF, STAFF_ADMIN):
        assert not a.may_see(outsider, NOTE)
        assert a.may_see(outsider, OPEN)


def test_outsiders_cannot_reply_to_resolve_or_edit_in_a_partners_note():
    for check in (
        lambda: a.check_reply(OTHER_CHIEF, NOTE, True),
        lambda: a.check_resolve(STAFF_ADMIN, NOTE, True, True),
        lambda: a.check_edit(OTHER_OFFICER, OTHER_OFFICER.user_id, NOW, NOW, NOTE),
    ):
        with pytest.raises(Forbidden):
            check()


def test_a_note_needs_a_partner_and_an_open_position():
    assert a.check_start(OFFICER, Visibility.PARTNER, True) == RIVERBANK
    assert a.check_start(STAFF_ADMIN, Visibility.ALLIANCE, True) is None
    with pytest.raises(Invalid):
        a.check_start(STAFF_ADMIN, Visibility.PARTNER, True)
    with pytest.raises(Conflict):
        a.check_start(OFFICER, Visibility.ALLIANCE, False)
    with pytest.raises(Forbidden):
        a.check_start(Actor(14, RIVERBANK, frozenset()), Visibility.ALLIANCE, True)


def test_ones_own_comment_is_edited_within_the_window_only():
    a.check_edit(OFFICER, OFFICER.user_id, NOW, NOW + timedelta(minutes=15), OPEN)
    with pytest.raises(Conflict) as late:
        a.check_edit(OFFICER, OFFICER.user_id, NOW, NOW + timedelta(minutes=16), OPEN)
    assert late.value.code == "edit_window_over"
    with pytest.raises(Forbidden):
        a.check_edit(OTHER_OFFICER, OFFICER.user_id, NOW, NOW, OPEN)


def test_resolving_twice_or_reopening_an_open_thread_is_a_conflict():
    a.check_resolve(OFFICER, OPEN, True, True)
    with pytest.raises(Conflict):
        a.check_resolve(OFFICER, OPEN, False, True)
    with pytest.raises(Conflict):
        a.check_resolve(OFFICER, ThreadFacts(Visibility.ALLIANCE, None, True), True, True)


@pytest.mark.parametrize(
    ("body", "code"), [("  ", "empty_comment"), ("x" * 5001, "comment_too_long")]
)
def test_a_comment_has_something_to_say_and_an_end(body, code):
    with pytest.raises(Invalid) as refused:
        a.comment_text(body)
    assert refused.value.code == code


def test_mentions_name_people_by_run_together_name_or_email():
    people = [
        a.Person(1, "Jo Smith", "jo@riverbank.org"),
        a.Person(2, "Sam O'Neill", "sam.oneill@moor.org"),
        a.Person(3, "Ade Bello", "ade@riverbank.org"),
    ]
    body = "@JoSmith and @sam.oneill, see this; mail ade@riverbank.org; @Nobody; @josmith again"
    assert a.mentions(body, people, author_id=3) == [1, 2]
    assert a.mentions("@JoSmith", people, author_id=1) == []  # never oneself
