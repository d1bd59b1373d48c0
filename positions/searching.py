"""Full-text search: what a typed query means, what each kind of thing is found by, who may
find it, and how a snippet's highlights are marked.

The databases do the matching and ranking (SQLite's FTS5, PostgreSQL's text search); this module
decides everything they are told, so both answer the same question. A query is reduced to plain
words before it reaches either, so no search syntax typed by a person can reach the database.
"""

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from positions.clock import check_year
from positions.refusals import Invalid

MAX_TERMS = 8
MAX_TERM_LENGTH = 40
MAX_QUERY_LENGTH = 200
SNIPPET_WORDS = 24
PAGE_SIZE = 20
# Around each match in a snippet: characters no text is expected to hold, split off afterwards.
MARK_START, MARK_END = "\x02", "\x03"

_WORD = re.compile(r"\w+", re.UNICODE)


class Kind(StrEnum):
    POSITION = (
        "position"  # a position's current text, drafts included, and its partners' statements
    )
    PUBLISHED = "published"  # the alliance's published text of a position
    DIFFER = "differ"  # a published agree-to-differ outcome: each partner's statement
    MEETING = "meeting"  # a meeting's title, place, minutes and audience
    APPEARANCE = "appearance"  # what a spokesperson said, and the follow-up
    COMMENT = "comment"  # a discussion thread on a position: its passage and its comments


class Audience(StrEnum):
    PUBLIC = "public"  # anyone, signed out too
    MEMBERS = "members"  # the alliance's own people, signed in
    PARTNER = "partner"  # one partner's own people only (the entry's partner): an internal note


KIND_LABELS = {
    Kind.POSITION: "Position (current text)",
    Kind.PUBLISHED: "Published position",
    Kind.DIFFER: "Agreed to differ",
    Kind.MEETING: "Meeting",
    Kind.APPEARANCE: "Spokesperson log",
    Kind.COMMENT: "Discussion",
}


@dataclass(frozen=True)
class Query:
    terms: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.terms)


def parse(typed: str | None) -> Query:
    """The words of what was typed, lower case, at most MAX_TERMS of them. Quotes, operators,
    brackets and the like are dropped: they are search syntax, and nobody's to send."""
    words = _WORD.findall((typed or "")[:MAX_QUERY_LENGTH].lower())
    unique = list(dict.fromkeys(w[:MAX_TERM_LENGTH] for w in words if w != "_"))
    return Query(tuple(unique[:MAX_TERMS]))


def key_words(passage: str, most: int = 12) -> Query:
    """A passage's longest distinct words, for finding the texts it may draw on: long words
    say more about a passage than "the" or "and" do."""
    unique = dict.fromkeys(w[:MAX_TERM_LENGTH] for w in _WORD.findall(passage.lower()) if w != "_")
    return Query(tuple(sorted(unique, key=len, reverse=True)[:most]))


@dataclass(frozen=True)
class Filters:
    kind: Kind | None = None
    area: str | None = None  # a policy area's slug
    date_from: date | None = None
    date_to: date | None = None


_SLUG = re.compile(r"[a-z0-9-]{1,120}")


def _day(value: str | None, field: str) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        message = f"Give the day as YYYY-MM-DD, not {value[:20]!r}."
        raise Invalid(message, "bad_date", field) from None
    check_year(day, field)
    return day


def parse_filters(
    kind: str | None = None,
    area: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> Filters:
    """The filters as typed into the page's form or the API's query string; empty means none."""
    if kind and kind not in Kind.__members__.values():
        choices = ", ".join(k.value for k in Kind)
        raise Invalid(f"Search for one of these kinds: {choices}.", "bad_kind", "kind")
    if area and not _SLUG.fullmatch(area):
        raise Invalid("Choose a policy area from the list.", "unknown_area", "area")
    start, end = _day(date_from, "date_from"), _day(date_to, "date_to")
    if start and end and end < start:
        raise Invalid("The last day comes before the first.", "bad_range", "date_to")
    return Filters(Kind(kind) if kind else None, area or None, start, end)


def fts5_match(query: Query) -> str:
    """An FTS5 MATCH expression: every word must occur, the last one also as a word's start
    (someone still typing "hous" finds "housing")."""
    *whole, last = query.terms
    return " AND ".join([*(f'"{w}"' for w in whole), f'"{last}" *'])


def fts5_any(query: Query) -> str:
    """An FTS5 MATCH expression for texts holding any of the words (ranked by how many)."""
    return " OR ".join(f'"{w}"' for w in query.terms)


def tsquery_any(query: Query) -> str:
    return " | ".join(query.terms)


def tsquery(query: Query) -> str:
    """The same for PostgreSQL's to_tsquery: every word, the last as a prefix."""
    *whole, last = query.terms
    return " & ".join([*whole, f"{last}:*"])


def visible_audiences(signed_in: bool) -> tuple[Audience, ...]:
    """Signed out, only what is public; signed in, the alliance's own record too."""
    return (Audience.PUBLIC, Audience.MEMBERS) if signed_in else (Audience.PUBLIC,)


def private_partner(signed_in: bool, partner_id: int | None) -> int | None:
    """Whose internal notes this searcher finds: a signed-in partner's person finds their own
    partner's; the alliance team (no partner) and the public find nobody's."""
    return partner_id if signed_in else None


def thread_audience(private: bool) -> Audience:
    """An alliance-wide thread is found by every member; a partner's note only by its people."""
    return Audience.PARTNER if private else Audience.MEMBERS


def searchable_kinds(signed_in: bool) -> tuple[Kind, ...]:
    """What each searcher looks through: the public, only what the alliance published."""
    if signed_in:
        return tuple(Kind)
    return (Kind.PUBLISHED, Kind.DIFFER)


def highlighted(snippet: str) -> list[tuple[str, bool]]:
    """A snippet as (text, is a match) pieces, for a template to escape and mark."""
    pieces: list[tuple[str, bool]] = []
    for i, part in enumerate(re.split(f"[{MARK_START}{MARK_END}]", snippet)):
        if part:
            pieces.append((part, i % 2 == 1))
    return pieces


def plain(snippet: str) -> str:
    """The snippet without its marks, for the API and for screen readers' summaries."""
    return snippet.replace(MARK_START, "").replace(MARK_END, "")


def position_text(draft_body: str, statements: list[str]) -> str:
    """What a position is found by inside the alliance: its current text and the partners'
    latest statements on it."""
    return "\n\n".join([draft_body, *statements])


def meeting_text(place: str, minutes: str, audience: list[tuple[str, str, str]]) -> str:
    """A meeting is found by its place, minutes and audience (organisation, person, role)."""
    people = [" ".join(part for part in row if part) for row in audience]
    return "\n".join([place, minutes, *people]).strip()


def appearance_text(summary: str, follow_up: str) -> str:
    return "\n\n".join(part for part in (summary, follow_up) if part)


def thread_text(quote: str, comments: list[str]) -> str:
    """A discussion thread is found by the passage it is about and every comment in it."""
    return "\n\n".join(part for part in (quote, *comments) if part)
