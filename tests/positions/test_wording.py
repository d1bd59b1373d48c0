"""The wording check's judgement: passages, their closest agreed sentence, and the verdict."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from positions import wording
from positions.diffing import Op, rebuild
from positions.refusals import Invalid
from positions.wording import AgreedText, Verdict

AGREED = AgreedText(
    1,
    "Fair rents",
    "fair-rents",
    2,
    date(2026, 3, 1),
    "## Our ask\n\nWe ask for rents that rise no faster than wages. "
    "Councils must license every landlord.\n\n- Tenants get **three months** notice.",
)


def verdict(passage: str) -> Verdict:
    return wording.check_passage(passage, [AGREED]).verdict


def test_the_same_words_are_verbatim_whatever_the_case_punctuation_or_markdown():
    assert verdict("We ask for rents that rise no faster than wages.") is Verdict.VERBATIM
    assert verdict("we ask for rents, that rise no faster than wages!") is Verdict.VERBATIM
    assert verdict("Tenants get three months notice.") is Verdict.VERBATIM  # ** and - gone


def test_a_word_or_two_changed_is_minor_drift_a_rewrite_is_substantive():
    assert verdict("We ask for rents that rise no faster than pay.") is Verdict.MINOR_DRIFT
    assert verdict("Councils must license some landlords in cities.") is Verdict.SUBSTANTIVE
    assert verdict("The alliance backs a new national stadium for football.") is Verdict.NOT_AGREED


def test_the_departures_rebuild_both_sentences_exactly():
    check = wording.check_passage("Councils must license every single landlord.", [AGREED])
    assert check.source is AGREED and check.agreed == "Councils must license every landlord."
    before, after = rebuild(check.changes)
    assert (before, after) == (check.agreed, check.passage)
    assert [c.text.strip() for c in check.changes if c.op is Op.INSERT] == ["single"]


def test_nothing_published_means_not_an_agreed_position():
    check = wording.check_passage("We ask for rents that rise no faster than wages.", [])
    assert check.verdict is Verdict.NOT_AGREED and check.source is None


def test_the_whole_is_as_far_off_as_its_furthest_passage():
    checks = [wording.check_passage(p, [AGREED]) for p in (
        "We ask for rents that rise no faster than wages.",
        "We ask for rents that rise no faster than pay.",
    )]  # fmt: skip
    assert wording.overall(checks) is Verdict.MINOR_DRIFT


def test_passages_are_sentences_of_a_few_words_and_bad_input_is_refused():
    text = "Hello. We ask for fair rents now! And councils must act.\n\nThanks all."
    assert wording.passages(text) == ["We ask for fair rents now!", "And councils must act."]
    for bad, code in (("", "missing_field"), ("Hi. Thanks.", "too_short"),
                      ("word " * 5000, "too_long")):  # fmt: skip
        with pytest.raises(Invalid) as refused:
            wording.passages(bad)
        assert refused.value.code == code and refused.value.field == "text"


@given(
    st.lists(st.sampled_from(["rents", "wages", "we", "ask", "for", "no", "faster"]), max_size=12)
)
def test_similarity_is_symmetric_bounded_and_one_only_for_the_same_words(said):
    agreed = wording.words("We ask for rents that rise no faster than wages")
    score = wording.similarity(agreed, said)
    assert 0.0 <= score <= 1.0 and score == wording.similarity(said, agreed)
    assert (score == 1.0) == (said == agreed)
