"""What text must be before it is saved: a position's, and the checks every feature's text shares.

The feature rules (positions/divergence.py, meetings.py, mandate.py) name their own limits and
messages and check with the helpers here, so a limit is a constant in one place, never a literal
in a service.
"""

import re
import unicodedata

from positions.refusals import Invalid, TooLarge
from positions.text import long_text, one_line

TITLE_MAX = 200
NOTE_MAX = 300


def check_position_text(
    title: str, body: str, note: str, max_body_bytes: int
) -> tuple[str, str, str]:
    """The (title, body, note) to store, normalised (positions/text.py), or a refusal.

    A title of only invisible characters is empty once normalised, and refused as empty.
    """
    title, body, note = one_line(title), long_text(body), one_line(note)
    if not title:
        raise Invalid("Give the position a title.", "title_required", "title")
    if len(title) > TITLE_MAX:
        raise Invalid(
            f"Keep the title to {TITLE_MAX} characters or fewer.", "title_too_long", "title"
        )
    size = len(body.encode("utf-8"))
    if size > max_body_bytes:
        raise TooLarge(
            f"The text is {size // 1024} KB; the limit is {max_body_bytes // 1024} KB.",
            "body_too_large",
            "body",
        )
    if len(note) > NOTE_MAX:
        raise Invalid(f"Keep the note to {NOTE_MAX} characters.", "note_too_long", "note")
    return title, body, note


def required(text: str, field: str, message: str, code: str | None = None) -> str:
    """The text without surrounding space; blank text is refused (a reason must say something)."""
    text = (text or "").strip()
    if not text:
        raise Invalid(message, code or f"{field}_required", field)
    return text


def within(text: str, limit: int, field: str, message: str, code: str | None = None) -> str:
    """The text without surrounding space, refused when longer than `limit` characters."""
    text = (text or "").strip()
    if len(text) > limit:
        raise Invalid(message, code, field)
    return text


def within_bytes(text: str, max_bytes: int, field: str, message: str) -> None:
    """Long texts are limited in bytes (what is stored and sent), not in characters."""
    if len(text.encode("utf-8")) > max_bytes:
        raise TooLarge(message, field=field)


def slugify(text: str, max_length: int = 80) -> str:
    """A URL-safe, readable slug: ASCII letters, digits and hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "position"
