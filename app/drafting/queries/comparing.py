"""Comparing two revisions of a position. Revisions never change, so neither does a diff."""

import threading
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.drafting.models import Revision
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


class DiffCache:
    """Diffs already computed in this process, least recently used first out.

    Bounded by an estimate of the memory held (a diff keeps about 8 bytes per character of the
    two texts), not by a count: one pair of 20,000-word revisions weighs as much as a thousand
    short ones. Keyed by the two texts themselves, so nothing stale can ever be served.
    """

    def __init__(self, budget_bytes: int = 24_000_000):
        self.budget = budget_bytes
        self.used = 0
        self.entries: OrderedDict[tuple[str, str], tuple[object, int]] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    @staticmethod
    def weight(old: str, new: str) -> int:
        return 8 * (len(old) + len(new)) + 2_000

    def get(self, old: str, new: str):
        with self.lock:
            entry = self.entries.get((old, new))
            if entry is None:
                self.misses += 1
                return None
            self.entries.move_to_end((old, new))
            self.hits += 1
            return entry[0]

    def put(self, old: str, new: str, value) -> None:
        weight = self.weight(old, new)
        if weight > self.budget:
            return
        with self.lock:
            if (old, new) in self.entries:
                return
            self.entries[(old, new)] = (value, weight)
            self.used += weight
            while self.used > self.budget:
                _, (_, dropped) = self.entries.popitem(last=False)
                self.used -= dropped

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.used = 0


cache = DiffCache()


def _diff(old_text: str, new_text: str):
    found = cache.get(old_text, new_text)
    if found is None:
        changes = diffing.word_diff(old_text, new_text)
        found = changes, diffing.side_by_side(old_text, new_text), diffing.summary(changes)
        cache.put(old_text, new_text, found)
    return found


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
