"""Content hashes: the same for texts that read the same, different for any visible change."""

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from positions.hashing import content_hash, normalise

PROPERTY = settings(max_examples=200, deadline=None)

TITLE = "Fair rents for all"
BODY = "We ask for fair rents.\n\nCouncils should fund repairs.\nTenants need a voice."
_text = st.text(max_size=200)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_hash_is_sha256_hex_and_deterministic():
    assert re.fullmatch(r"[0-9a-f]{64}", content_hash(TITLE, BODY))
    assert content_hash(TITLE, BODY) == content_hash(TITLE, BODY)


@pytest.mark.parametrize(
    "body",
    [
        BODY.replace("\n", "\r\n"),
        BODY.replace("\n", "\r"),
        BODY.replace("\n", "  \n").replace(".", ". \t") + "   ",
        "\n\n" + BODY + "\n\n\n",
        "\r\n" + BODY.replace("\n", " \r\n") + "\r\n",
    ],
    ids=["crlf", "cr", "trailing-spaces", "edge-blank-lines", "all-at-once"],
)
def test_invisible_differences_hash_the_same(body):
    assert content_hash(TITLE, body) == content_hash(TITLE, BODY)


def test_composed_and_decomposed_accents_hash_the_same():
    title, body = "Café société", "Égalité des loyers, naïve résumé."
    assert nfd(title) != title and nfd(body) != body
    assert content_hash(nfd(title), nfd(body)) == content_hash(title, body)


@pytest.mark.parametrize(
    ("title", "body"),
    [
        (TITLE, BODY.replace("fair", "fairer")),
        (TITLE, BODY.replace("repairs", "repair")),
        (TITLE, BODY.replace("rents.", "rents!")),
        (TITLE, BODY.replace("rents.", "rents")),
        (TITLE, BODY.replace("We", "we")),
        (TITLE, BODY.replace("Tenants", "  Tenants")),
        (TITLE, BODY.replace("\n\n", "\n")),
        (TITLE, BODY + "\n\nOne more paragraph."),
        (TITLE, BODY.replace("voice", "vóice")),
        (TITLE + "!", BODY),
        ("Fair rent for all", BODY),
        ("", BODY),
        (TITLE, ""),
    ],
)
def test_any_visible_change_changes_the_hash(title, body):
    assert content_hash(title, body) != content_hash(TITLE, BODY)


def test_moving_text_from_title_to_body_changes_the_hash():
    assert content_hash("Fair rents", "for all. " + BODY) != content_hash(
        "Fair rents for all.", BODY
    )


def test_a_separator_character_in_the_title_cannot_fake_a_move():
    assert content_hash("A\x1eB", "C") != content_hash("A", "B\x1eC")
    assert content_hash("A\x1b", "\x1eC") != content_hash("A", "\x1b\x1eC")


@PROPERTY
@given(_text, _text, _text.filter(lambda moved: normalise(moved) != ""))
def test_text_moved_between_title_and_body_always_changes_the_hash(title, body, moved):
    before, after = (title + moved, body), (title, moved + body)
    if tuple(map(normalise, before)) != tuple(map(normalise, after)):
        assert content_hash(*before) != content_hash(*after)


@PROPERTY
@given(_text.filter(lambda text: "\r" not in text))
def test_line_endings_never_change_the_hash(body):
    assert content_hash(TITLE, body.replace("\n", "\r\n")) == content_hash(TITLE, body)


@PROPERTY
@given(_text, _text)
def test_unicode_normal_form_never_changes_the_hash(title, body):
    assert content_hash(nfd(title), nfd(body)) == content_hash(title, body)


@PROPERTY
@given(_text)
def test_normalise_is_idempotent(text):
    assert normalise(normalise(text)) == normalise(text)
