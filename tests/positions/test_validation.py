"""What a position's text must be before it is saved; slugs."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from positions.refusals import Kind, Refused
from positions.validation import (
    NOTE_MAX,
    TITLE_MAX,
    check_position_text,
    required,
    slugify,
    within,
    within_bytes,
)

PROPERTY = settings(max_examples=200, deadline=None)
LIMIT = 1000  # bytes


def refusal(title="Fair rents", body="We ask for fair rents.", note="") -> Refused:
    with pytest.raises(Refused) as refused:
        check_position_text(title, body, note, LIMIT)
    return refused.value


def accepts(title="Fair rents", body="We ask for fair rents.", note="") -> bool:
    return check_position_text(title, body, note, LIMIT) is not None


def test_plain_text_is_accepted():
    assert accepts()


@pytest.mark.parametrize("title", ["", " ", "\t\n  "])
def test_empty_or_blank_title_is_refused(title):
    refused = refusal(title=title)
    assert (refused.code, refused.field, refused.kind) == ("title_required", "title", Kind.INVALID)


def test_title_up_to_the_limit_is_accepted_and_one_more_is_refused():
    assert accepts(title="é" * TITLE_MAX)
    refused = refusal(title="é" * (TITLE_MAX + 1))
    assert (refused.code, refused.field) == ("title_too_long", "title")


@pytest.mark.parametrize("char", ["a", "é", "€", "😀"])
def test_body_limit_counts_utf8_bytes(char):
    fits = char * (LIMIT // len(char.encode()))
    assert accepts(body=fits)
    refused = refusal(body=fits + char)
    assert (refused.code, refused.field, refused.kind) == ("body_too_large", "body", Kind.TOO_LARGE)


def test_multibyte_body_is_refused_though_its_characters_fit():
    body = "€" * (LIMIT // 2)
    assert len(body) < LIMIT
    assert refusal(body=body).code == "body_too_large"


def test_empty_body_is_accepted():
    assert accepts(body="")


def test_note_up_to_the_limit_is_accepted_and_one_more_is_refused():
    assert accepts(note="n" * NOTE_MAX)
    refused = refusal(note="n" * (NOTE_MAX + 1))
    assert (refused.code, refused.field) == ("note_too_long", "note")


def test_refusal_carries_a_readable_message():
    refused = refusal(title="")
    assert refused.message == str(refused) and refused.message.strip()


def test_required_text_is_stripped_and_blank_is_refused_with_the_fields_code():
    assert required("  Because.  ", "reason", "Say why.") == "Because."
    for blank in ("", "  \n\t", None):
        with pytest.raises(Refused) as refused:
            required(blank, "reason", "Say why.")
        assert (refused.value.code, refused.value.field) == ("reason_required", "reason")
        assert (refused.value.kind, refused.value.message) == (Kind.INVALID, "Say why.")
    with pytest.raises(Refused) as refused:
        required("", "note", "Write a note.", "note_needed")
    assert refused.value.code == "note_needed"


def test_within_counts_characters_of_the_stripped_text():
    assert within("  " + "é" * 5 + "  ", 5, "place", "Too long.") == "é" * 5
    with pytest.raises(Refused) as refused:
        within("é" * 6, 5, "place", "Too long.", "too_long")
    assert (refused.value.code, refused.value.field, refused.value.kind) == (
        "too_long",
        "place",
        Kind.INVALID,
    )


def test_within_bytes_counts_utf8_bytes_and_is_too_large():
    within_bytes("é" * 5, 10, "body", "Too big.")
    with pytest.raises(Refused) as refused:
        within_bytes("é" * 5 + "a", 10, "body", "Too big.")
    assert (refused.value.kind, refused.value.field) == (Kind.TOO_LARGE, "body")


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Fair rents for all!", "fair-rents-for-all"),
        ("  Café société: égalité  ", "cafe-societe-egalite"),
        ("Community asset transfer (2024)", "community-asset-transfer-2024"),
        ("--Rents -- & -- repairs--", "rents-repairs"),
        ("", "position"),
        ("!!!", "position"),
        ("日本語", "position"),
    ],
)
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_slug_is_cut_to_length_without_a_trailing_hyphen():
    slug = slugify("word " * 40, max_length=12)
    assert slug == "word-word-wo"
    assert slugify("abcde fgh", max_length=6) == "abcde"


@PROPERTY
@given(st.text(max_size=200))
def test_slug_is_always_ascii_lowercase_words_joined_by_hyphens(text):
    slug = slugify(text)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert len(slug) <= 80
