"""Word-level diffs: exact, small, coalesced; side-by-side rows; word counts."""

from hypothesis import given, settings
from hypothesis import strategies as st

from positions.diffing import Change, Op, Row, rebuild, side_by_side, summary, word_diff

PROPERTY = settings(max_examples=200, deadline=None)

# Arbitrary unicode (newlines, CR, line separators, combining marks, emoji), and prose-like text
# drawn from a small vocabulary so that repeated words and lines are common.
_any_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200)
_prose = st.lists(
    st.sampled_from(
        ["rent", "fair", "the", " ", "  ", ",", ".", "\n", "\n\n", "é", "日本", "\r\n"]
    ),
    max_size=80,
).map("".join)
_long_line = st.lists(st.sampled_from(["housing", "rent", "fair", "the"]), max_size=2000).map(
    " ".join
)
TEXTS = _any_text | _prose | _long_line | st.just("")

LONG = " ".join(f"word{i}" for i in range(3000))


def ops(changes: list[Change]) -> list[tuple[Op, str]]:
    return [(c.op, c.text) for c in changes]


def edits(changes: list[Change]) -> list[tuple[Op, str]]:
    return [(c.op, c.text) for c in changes if c.op is not Op.EQUAL]


def side(rows: list[Row], name: str) -> str:
    return "".join(c.text for row in rows if getattr(row, name) for c in getattr(row, name))


# ---- word_diff -------------------------------------------------------------------------------


@PROPERTY
@given(TEXTS, TEXTS)
def test_diff_rebuilds_both_texts_exactly(old, new):
    assert rebuild(word_diff(old, new)) == (old, new)


@PROPERTY
@given(TEXTS, TEXTS)
def test_diff_ops_are_coalesced_and_never_empty(old, new):
    changes = word_diff(old, new)
    assert all(c.text for c in changes)
    assert all(a.op is not b.op for a, b in zip(changes, changes[1:], strict=False))


@PROPERTY
@given(TEXTS.filter(bool))
def test_identical_texts_give_one_equal_op(text):
    assert ops(word_diff(text, text)) == [(Op.EQUAL, text)]


def test_two_empty_texts_give_no_ops():
    assert word_diff("", "") == []


def test_one_word_changed_in_a_long_text_gives_just_that_word():
    changed = LONG.replace("word1234 ", "rent ")
    assert edits(word_diff(LONG, changed)) == [(Op.DELETE, "word1234"), (Op.INSERT, "rent")]


def test_one_word_changed_in_one_paragraph_of_many():
    paragraphs = [f"Paragraph {i} asks for fair rents." for i in range(200)]
    changed = list(paragraphs)
    changed[150] = "Paragraph 150 asks for lower rents."
    old, new = "\n\n".join(paragraphs), "\n\n".join(changed)
    assert edits(word_diff(old, new)) == [(Op.DELETE, "fair"), (Op.INSERT, "lower")]


def test_inserted_and_deleted_words_are_single_ops():
    assert ops(word_diff("we ask for rents", "we ask for fair rents")) == [
        (Op.EQUAL, "we ask for "),
        (Op.INSERT, "fair "),
        (Op.EQUAL, "rents"),
    ]
    assert edits(word_diff("we ask for fair rents", "we ask for rents")) == [(Op.DELETE, "fair ")]


def test_punctuation_is_diffed_on_its_own():
    assert edits(word_diff("Rents rise.", "Rents rise!")) == [(Op.DELETE, "."), (Op.INSERT, "!")]


def test_diff_from_and_to_empty_text():
    assert ops(word_diff("", "new text")) == [(Op.INSERT, "new text")]
    assert ops(word_diff("old text", "")) == [(Op.DELETE, "old text")]


def test_a_reworded_phrase_is_one_replacement_not_a_splinter_of_one_word_matches():
    assert ops(word_diff("the cat sat on the mat", "a cat stood on a mat")) == [
        (Op.DELETE, "the cat sat on the"),
        (Op.INSERT, "a cat stood on a"),
        (Op.EQUAL, " mat"),
    ]


def test_unchanged_words_longer_than_the_edits_around_them_stay_unchanged():
    old = "Councils should fund repairs this year and next year."
    new = "Councils must fund repairs this year and the year after."
    assert edits(word_diff(old, new)) == [
        (Op.DELETE, "should"),
        (Op.INSERT, "must"),
        (Op.DELETE, "next year"),
        (Op.INSERT, "the year after"),
    ]


def test_an_insertion_that_could_go_in_several_places_goes_at_a_line_break():
    """It could go in after "Fair" as well ("homes now. Fair "): a line start reads better."""
    old = "Members ask for homes.\nFair rents for all, soon."
    new = "Tenants ask for homes.\nFair homes now. Fair rents for all, today."
    assert ops(word_diff(old, new)) == [
        (Op.DELETE, "Members"),
        (Op.INSERT, "Tenants"),
        (Op.EQUAL, " ask for homes.\n"),
        (Op.INSERT, "Fair homes now. "),
        (Op.EQUAL, "Fair rents for all, "),
        (Op.DELETE, "soon"),
        (Op.INSERT, "today"),
        (Op.EQUAL, "."),
    ]


# ---- side_by_side ----------------------------------------------------------------------------


@PROPERTY
@given(TEXTS, TEXTS)
def test_side_by_side_sides_rebuild_old_and_new(old, new):
    rows = side_by_side(old, new)
    assert (side(rows, "left"), side(rows, "right")) == (old, new)


@PROPERTY
@given(TEXTS, TEXTS)
def test_side_by_side_unchanged_rows_are_equal_on_both_sides(old, new):
    for row in side_by_side(old, new):
        if not row.changed:
            assert row.left == row.right
            assert all(c.op is Op.EQUAL for c in row.left)


def test_side_by_side_pairs_lines_and_marks_words():
    rows = side_by_side("same\nfair rents\ngone\n", "same\nlow rents\n")
    assert [row.changed for row in rows] == [False, True, True]
    assert rows[0].left == rows[0].right == (Change(Op.EQUAL, "same\n"),)
    assert ops(rows[1].left) == [(Op.DELETE, "fair"), (Op.EQUAL, " rents\n")]
    assert ops(rows[1].right) == [(Op.INSERT, "low"), (Op.EQUAL, " rents\n")]
    assert (ops(rows[2].left), rows[2].right) == ([(Op.DELETE, "gone\n")], None)


def test_side_by_side_added_line_has_no_left_side():
    rows = side_by_side("one\n", "one\ntwo\n")
    assert (rows[-1].left, ops(rows[-1].right)) == (None, [(Op.INSERT, "two\n")])


# ---- summary ---------------------------------------------------------------------------------


def test_summary_counts_words_not_characters_or_punctuation():
    changes = word_diff("We ask for fair rents.", "We demand lower, fairer rents now!")
    # "rents", one word between two replacements, is folded into them by the semantic clean-up.
    assert edits(changes) == [
        (Op.DELETE, "ask for fair rents."),
        (Op.INSERT, "demand lower, fairer rents now!"),
    ]
    assert summary(changes) == {"inserted": 5, "deleted": 4}


def test_summary_of_identical_texts_is_zero():
    assert summary(word_diff(LONG, LONG)) == {"inserted": 0, "deleted": 0}
