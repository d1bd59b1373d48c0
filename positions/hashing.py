"""Content hashes that bind a sign-off to exact text."""

import hashlib
import unicodedata


def normalise(text: str) -> str:
    """The canonical form of a text: NFC, Unix line ends, no trailing spaces, no edge blank lines.

    Two texts that read the same to a person hash the same; any visible change does not.
    """
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def content_hash(title: str, body: str) -> str:
    """SHA-256 (hex) of the normalised title and body, separated by a record separator.

    The title is escaped so it never holds the separator itself: text moved between title and
    body always changes the hash. (Titles without ESC or RS characters are unchanged by this.)
    """
    escaped_title = normalise(title).replace("\x1b", "\x1b\x1b").replace("\x1e", "\x1b^")
    canonical = escaped_title + "\x1e" + normalise(body)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
