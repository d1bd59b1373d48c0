"""Comparing two revisions of a position. Revisions never change, so neither does a diff."""

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy.orm import Session

from app.models import Revision
from app.services.drafting import get_revision
from positions import diffing


@dataclass(frozen=True)
class Comparison:
    old: Revision
    new: Revision
    title_changes: list[diffing.Change]
    changes: list[diffing.Change]  # of the bodies: they rebuild each revision's body exactly
    rows: list[diffing.Row]
    counts: dict[str, int]


@lru_cache(maxsize=256)
def _diff(old_text: str, new_text: str):
    # Revisions are immutable, so a process never needs to diff the same two texts twice.
    changes = diffing.word_diff(old_text, new_text)
    return changes, diffing.side_by_side(old_text, new_text), diffing.summary(changes)


def compare(session: Session, position_id: int, old_number: int, new_number: int) -> Comparison:
    old = get_revision(session, position_id, old_number)
    new = get_revision(session, position_id, new_number)
    changes, rows, counts = _diff(old.body, new.body)
    return Comparison(old, new, diffing.word_diff(old.title, new.title), changes, rows, counts)
