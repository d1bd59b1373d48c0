"""What a position's text must be before it is saved."""

import re
import unicodedata

TITLE_MAX = 200
NOTE_MAX = 300


class TextRefused(Exception):
    """Text the rules do not accept; `code` names the rule, `field` the input it concerns."""

    def __init__(self, code: str, field: str, message: str):
        super().__init__(message)
        self.code = code
        self.field = field
        self.message = message


def check_position_text(title: str, body: str, note: str, max_body_bytes: int) -> None:
    if not title.strip():
        raise TextRefused("title_required", "title", "Give the position a title.")
    if len(title) > TITLE_MAX:
        raise TextRefused(
            "title_too_long", "title", f"Keep the title to {TITLE_MAX} characters or fewer."
        )
    size = len(body.encode("utf-8"))
    if size > max_body_bytes:
        raise TextRefused(
            "body_too_large",
            "body",
            f"The text is {size // 1024} KB; the limit is {max_body_bytes // 1024} KB.",
        )
    if len(note) > NOTE_MAX:
        raise TextRefused("note_too_long", "note", f"Keep the note to {NOTE_MAX} characters.")


def slugify(text: str, max_length: int = 80) -> str:
    """A URL-safe, readable slug: ASCII letters, digits and hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "position"
