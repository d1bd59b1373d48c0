"""Comparing two revisions of a position. Revisions never change, so neither does a diff."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.drafting.models import Revision
from app.web.caching import BoundedCache
from positions import diffing
from positions.refusals import NotFound


@dataclass(frozen=True)
class Comparison:
    old: Revision
    new: Revision
    title_changes: list[diffing.Change]
    changes: list[diffing.Change]  # of the bodies: they rebuild each revision's body exactly
    rows: list[diffing.Row]
    counts: dict[str, int]


def _weight(found) -> int:
    """About 8 bytes per character of the two texts a diff was made of."""
    changes, _, _ = found
    return 8 * sum(len(change.text) for change in changes) + 2_000


# Diffs already computed in this process. Keyed by the two texts themselves, so nothing stale
# can ever be served.
cache = BoundedCache(24_000_000, _weight)


def _diff(old_text: str, new_text: str):
    found = cache.get((old_text, new_text))
    if found is None:
        changes = diffing.word_diff(old_text, new_text)
        found = changes, diffing.side_by_side(old_text, new_text), diffing.summary(changes)
        cache.put((old_text, new_text), found)
    return found


def _formatted_weight(blocks) -> int:
    return 8 * sum(len(block.html) for block in blocks) + 2_000


# Formatted diffs, keyed by the two renderings (as the word diffs are by the two texts).
formatted_cache = BoundedCache(8_000_000, _formatted_weight)


def formatted(old: Revision, new: Revision) -> list[diffing.Block]:
    """The new revision's rendered text with the changes from the old one marked, block by block:
    headings, emphasis, lists, links and tables as a reader sees them. Both renderings were made
    (bounded, sanitised) when their revisions were saved; the marked result is sanitised again."""
    key = (old.body_html, new.body_html)
    found = formatted_cache.get(key)
    if found is None:
        found = diffing.formatted_diff(*key)
        formatted_cache.put(key, found)
    return found


def word_counts(old_text: str, new_text: str) -> dict[str, int]:
    """Words inserted and deleted between two texts (the diff is kept for the compare page)."""
    return _diff(old_text, new_text)[2]


def compare(session: Session, position_id: int, old_number: int, new_number: int) -> Comparison:
    return comparison_of(*two_revisions(session, position_id, old_number, new_number))


def comparison_of(old: Revision, new: Revision) -> Comparison:
    """The diff of two loaded revisions (a view that answers 304 never gets this far)."""
    changes, rows, counts = _diff(old.body, new.body)
    return Comparison(old, new, diffing.word_diff(old.title, new.title), changes, rows, counts)


def two_revisions(
    session: Session, position_id: int, old_number: int, new_number: int
) -> tuple[Revision, Revision]:
    """Both revisions in one query."""
    found = {
        r.number: r
        for r in session.execute(
            select(Revision).where(
                Revision.position_id == position_id,
                Revision.number.in_({old_number, new_number}),
            )
        ).scalars()
    }
    for number in (old_number, new_number):
        if number not in found:
            raise NotFound(
                f"Position {position_id} has no revision {number}.", code="unknown_revision"
            )
    return found[old_number], found[new_number]
