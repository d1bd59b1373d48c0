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
    slugify,
)

PROPERTY = settings(max_examples=200, deadline=None)
LIMIT = 1000  # bytes


def refusal(title="Fair rents", body="We ask for fair rents.", note="") -> Refused:
    with pytest.raises(Refused) as refused:
        check_position_text(title, body, note, LIMIT)
    return refused.value


def accepts(title="Fair rents", body="We ask for fair rents.", note="") -> bool:
    return check_position_text(title, body, note, LIMIT) is None


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
