"""Three-way merge: concurrent edits to different words merge; the same words conflict."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from positions.diffing import Merge, three_way_merge

PROPERTY = settings(max_examples=200, deadline=None)

BASE = "We ask for fair rents.\n\nCouncils should fund repairs.\n\nTenants need a voice."
TEXTS = st.text(max_size=200) | st.lists(st.sampled_from(["a", "cat", " ", "\n", "."])).map("".join)


def replace_word(words: list[str], index: int, new: str) -> list[str]:
    return words[:index] + [new] + words[index + 1 :]


def test_edits_in_different_paragraphs_merge_cleanly():
    mine = BASE.replace("fair rents", "fair and stable rents")
    theirs = BASE.replace("a voice", "a real voice")
    expected = mine.replace("a voice", "a real voice")
    assert three_way_merge(BASE, mine, theirs) == Merge(expected, True)


def test_edits_of_different_words_in_one_sentence_merge_cleanly():
    base = "Councils should fund repairs this year."
    merged = three_way_merge(base, base.replace("fund", "pay for"), base.replace("this", "next"))
    assert merged == Merge("Councils should pay for repairs next year.", True)


def test_overlapping_edits_of_the_same_word_conflict_and_keep_my_text():
    mine = BASE.replace("fair", "affordable")
    theirs = BASE.replace("fair", "lower")
    assert three_way_merge(BASE, mine, theirs) == Merge(mine, False)


def test_deleting_a_word_the_other_side_changed_conflicts():
    mine = BASE.replace("fair ", "")
    theirs = BASE.replace("fair", "lower")
    assert three_way_merge(BASE, mine, theirs) == Merge(mine, False)


def test_insertions_at_the_same_point_conflict():
    mine = BASE.replace("fair rents", "fair, stable rents")
    theirs = BASE.replace("fair rents", "fair, low rents")
    assert three_way_merge(BASE, mine, theirs) == Merge(mine, False)


def test_unchanged_mine_takes_their_text():
    theirs = BASE.replace("repairs", "insulation")
    assert three_way_merge(BASE, BASE, theirs) == Merge(theirs, True)


def test_unchanged_theirs_keeps_my_text():
    mine = BASE.replace("repairs", "insulation")
    assert three_way_merge(BASE, mine, BASE) == Merge(mine, True)


def test_identical_edits_merge_cleanly():
    both = BASE.replace("fair", "affordable")
    assert three_way_merge(BASE, both, both) == Merge(both, True)


def test_edit_is_placed_where_it_was_made_even_among_repeated_words():
    """Regression: a context search used to put my edit on the wrong 'cat'."""
    base = "a a cat a cat cat cat cat"
    merged = three_way_merge(base, "a a cat a X cat cat cat", "a a Z a cat cat cat cat")
    assert merged == Merge("a a Z a X cat cat cat", True)


@PROPERTY
@given(TEXTS, TEXTS)
def test_when_theirs_is_base_the_result_is_exactly_mine(base, mine):
    assert three_way_merge(base, mine, base) == Merge(mine, True)


@PROPERTY
@given(TEXTS, TEXTS)
def test_when_mine_is_base_the_result_is_exactly_theirs(base, theirs):
    assert three_way_merge(base, base, theirs) == Merge(theirs, True)


@PROPERTY
@given(TEXTS, TEXTS, TEXTS)
def test_a_conflict_always_keeps_my_text(base, mine, theirs):
    merged = three_way_merge(base, mine, theirs)
    assert merged.clean or merged.text == mine


@pytest.mark.parametrize("separator", [" ", "\n", ", "])
@PROPERTY
@given(
    words=st.lists(st.sampled_from(["a", "cat", "rent", "the"]), min_size=3, max_size=40),
    data=st.data(),
)
def test_edits_two_or_more_words_apart_merge_to_both_edits_exactly(separator, words, data):
    i = data.draw(st.integers(0, len(words) - 1), label="my word")
    j = data.draw(st.integers(0, len(words) - 1).filter(lambda j: abs(i - j) >= 2), label="theirs")
    mine = replace_word(words, i, data.draw(st.sampled_from(["X", "cat", "a b"])))
    theirs = replace_word(words, j, data.draw(st.sampled_from(["Z", "rent", ""])))
    both = replace_word(mine, j, theirs[j])
    base, mine, theirs, both = (separator.join(w) for w in (words, mine, theirs, both))
    assert three_way_merge(base, mine, theirs) == Merge(both, True)
    assert three_way_merge(base, theirs, mine) == Merge(both, True)


def test_an_edit_both_sides_made_identically_merges_once_beside_other_edits():
    base = "We ask for fair rents and safe homes."
    mine = "We ask for fair rents and warm homes."
    theirs = "We call for fair rents and warm homes."
    merge = three_way_merge(base, mine, theirs)
    assert merge.clean
    assert merge.text == "We call for fair rents and warm homes."


def _edit_lists(draw_ints: list[int]) -> list[tuple[int, int, str]]:
    """Edits as _edits makes them: in base order, none overlapping, points and spans mixed."""
    edits, pos = [], 0
    for step in draw_ints:
        start = pos + step // 3
        end = start + step % 3  # 0: an insertion at a point
        edits.append((start, end, "x"))
        pos = end + 1  # an equal stretch between two edits of one side is never empty
    return edits


@given(
    st.lists(st.integers(min_value=0, max_value=8), max_size=30),
    st.lists(st.integers(min_value=0, max_value=8), max_size=30),
)
@PROPERTY
def test_the_overlap_sweep_finds_exactly_what_checking_every_pair_finds(mine, theirs):
    from positions.diffing import _any_overlap, _overlap

    mine_edits, their_edits = _edit_lists(mine), _edit_lists(theirs)
    every_pair = any(_overlap(m, t) for m in mine_edits for t in their_edits)
    assert _any_overlap(mine_edits, their_edits) == every_pair


def test_a_merge_of_thousands_of_edits_compares_each_edit_a_bounded_number_of_times(monkeypatch):
    """Issue 12: every pair was compared (28 s on a 27,000-word text); now one sweep."""
    from positions import diffing

    words = [f"w{i}" for i in range(8000)]
    base = " ".join(words)
    mine = " ".join(w.upper() if i % 4 == 0 else w for i, w in enumerate(words))
    theirs = " ".join(w.upper() if i % 4 == 2 else w for i, w in enumerate(words))
    calls = []
    real = diffing._overlap
    monkeypatch.setattr(diffing, "_overlap", lambda a, b: calls.append(1) or real(a, b))
    merged = three_way_merge(base, mine, theirs)
    assert merged.clean
    assert merged.text == " ".join(w.upper() if i % 4 in (0, 2) else w for i, w in enumerate(words))
    assert len(calls) <= 2 * 4000
