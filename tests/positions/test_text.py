"""Typed text normalised once for every entry point: line ends, invisible characters, titles."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from positions.hashing import content_hash
from positions.refusals import Refused
from positions.text import long_text, one_line, title_key, unix_lines
from positions.validation import check_position_text

PROPERTY = settings(max_examples=200, deadline=None)


def test_crlf_and_lone_cr_become_lf():
    assert unix_lines("one\r\ntwo\rthree\n") == "one\ntwo\nthree\n"


def test_long_text_keeps_markdown_line_break_spaces_and_composes_accents():
    assert long_text("Fair  \r\nrents") == "Fair  \nrents"
    assert long_text("cafe\u0301") == "café"


@given(st.text())
@PROPERTY
def test_normalising_a_body_never_changes_its_hash(body):
    # Stored bodies can be normalised in place: sign-offs bound to their hash stay valid.
    assert content_hash("Title", long_text(body)) == content_hash("Title", body)


@pytest.mark.parametrize(
    "hidden",
    [
        "\u200b",  # zero-width space
        "\u200c\u200d",  # zero-width (non-)joiner
        "\u2060",  # word joiner
        "\ufeff",  # byte order mark
        "\u202e",  # right-to-left override
        "\u2066\u2069",  # isolates
        "\u200e\u200f",  # direction marks
    ],
)
def test_invisible_characters_are_stripped_from_titles(hidden):
    assert one_line(f"Rural{hidden} bus fares{hidden}") == "Rural bus fares"


def test_titles_are_one_line_with_single_spaces():
    assert one_line("  Rural\r\n bus\tfares  ") == "Rural bus fares"


@pytest.mark.parametrize("title", ["\u200b", "\u200b\u200d\ufeff", " \u202e \u2066 "])
def test_a_title_of_only_invisible_characters_is_refused_as_empty(title):
    with pytest.raises(Refused) as refused:
        check_position_text(title, "Text", "", 1000)
    assert (refused.value.code, refused.value.field) == ("title_required", "title")


def test_position_text_comes_back_normalised():
    assert check_position_text(" Fair\u200b rents ", "a\r\nb", " tidied\u202e ", 1000) == (
        "Fair rents",
        "a\nb",
        "tidied",
    )


def test_body_size_is_counted_after_normalisation():
    # 400 CRLF line ends are 800 bytes as typed and 400 as stored: the stored size counts.
    assert check_position_text("T", "\r\n" * 400, "", 500)


def test_confusable_titles_share_a_key():
    assert title_key("Rural bus fares") == title_key("rural\u200b  BUS-fares")
    assert title_key("Ｒｕｒａｌ bus fares") == title_key("Rural bus fares")
    assert title_key("Rural bus fares") != title_key("Urban bus fares")
