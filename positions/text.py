"""What typed text becomes before it is stored: one form for every entry point.

A browser sends a textarea with CRLF line ends, an API client may send either, and a title pasted
from a word processor may carry zero-width or bidirectional control characters nobody can see.
Every service passes what it is given through these functions, so a body saved from a form, the
API, an amendment or a statement is the same text, and a diff shows only what a person changed.

Bodies keep everything a person can see (and trailing spaces, which are Markdown line breaks);
the content hash (positions/hashing.py) already reads text this way, so normalising a stored body
never changes its hash.
"""

import re
import unicodedata
from collections.abc import Iterable

# Format characters that take no space: zero-width space, joiners, word joiner, BOM, soft hyphen,
# and the bidirectional marks, embeddings, overrides and isolates (U+061C, U+200E-F, U+202A-E,
# U+2066-9) that can make a title read differently from what it holds. All are category Cf.
_INVISIBLE_CATEGORY = "Cf"
_SPACES = re.compile(r"\s+")


def unix_lines(text: str) -> str:
    """CRLF and lone CR become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def long_text(text: str | None) -> str:
    """A body, comment, reason or statement: NFC with Unix line ends, otherwise as typed."""
    return unix_lines(unicodedata.normalize("NFC", text or ""))


def _visible(char: str) -> bool:
    return unicodedata.category(char) != _INVISIBLE_CATEGORY


def one_line(text: str | None) -> str:
    """A title or a name: NFC, no invisible or control characters, single spaces, no edges.

    Line breaks and tabs become spaces (a title is one line); an all-invisible title becomes
    empty, so the caller's "give it a title" refusal applies.
    """
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text if _visible(c))
    return _SPACES.sub(" ", text).strip()


def title_key(text: str) -> str:
    """What two titles are compared on to spot a confusable duplicate.

    Compatibility forms fold (full-width letters, ligatures), case folds, and punctuation and
    spacing are ignored, so "Rural  Bus Fares" and "rural bus-fares" share a key.
    """
    folded = unicodedata.normalize("NFKC", one_line(text)).casefold()
    return "".join(c for c in folded if c.isalnum())


def lookalikes(title: str, others: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    """The (id, title) pairs among `others` whose title reads the same as `title`."""
    key = title_key(title)
    return [(ref, other) for ref, other in others if key and title_key(other) == key]
