"""Is this still the agreed wording? Any text (a press release, a quote from a debate) checked,
passage by passage, against the texts the alliance had published on a given day.

Each passage is compared with every sentence of the candidate texts, word for word, and the
closest one is its source. How close decides the verdict; the word diff shows where it departs.
Case, punctuation and Markdown marks do not count as departures: the words and their order do.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from enum import StrEnum

from positions.diffing import Change, word_diff
from positions.refusals import Invalid

TEXT_MAX = 20_000  # characters: a long press release
PASSAGES_MAX = 60
CANDIDATES = 8  # published texts compared with each passage, found by search first
MINOR_DRIFT = 0.85  # at least this much alike, word for word, is a minor drift
SUBSTANTIVE = 0.5  # at least this much alike is the agreed text, substantively changed
SHORTEST_PASSAGE = 4  # words: "We agree." is no claim to check

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_MARKDOWN_LEAD = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s*)+")
_MARKDOWN_INLINE = re.compile(r"\*\*|__|[*_`]|\[([^\]]*)\]\([^)]*\)")
_WORD = re.compile(r"\w+", re.UNICODE)


class Verdict(StrEnum):
    VERBATIM = "verbatim"
    MINOR_DRIFT = "minor drift"
    SUBSTANTIVE = "substantive change"
    NOT_AGREED = "not an agreed position"


@dataclass(frozen=True)
class AgreedText:
    """A position's text as published and in force on the day asked about."""

    position_id: int
    title: str
    slug: str
    revision: int
    published_on: date
    body: str


@dataclass(frozen=True)
class PassageCheck:
    passage: str
    verdict: Verdict
    similarity: float  # 0 to 1, word for word
    source: AgreedText | None = None
    agreed: str = ""  # the closest agreed sentence
    changes: list[Change] = field(default_factory=list)  # from the agreed words to these


def _plain(markdown: str) -> str:
    return _MARKDOWN_INLINE.sub(lambda m: m.group(1) or "", _MARKDOWN_LEAD.sub("", markdown))


def sentences(text: str) -> list[str]:
    """A text's sentences, paragraph by paragraph, without Markdown's marks."""
    found = []
    for paragraph in re.split(r"\n\s*\n|\n(?=\s*(?:[-*+]|\d+[.)]|#)\s)", text):
        plain = " ".join(_plain(line) for line in paragraph.splitlines()).strip()
        found += [s.strip() for s in _SENTENCE_END.split(plain) if s.strip()]
    return found


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def passages(text: str) -> list[str]:
    """The passages of a pasted text worth checking: its sentences of a few words or more."""
    if not text or not text.strip():
        raise Invalid("Paste the text to check.", "missing_field", "text")
    if len(text) > TEXT_MAX:
        raise Invalid(f"Check at most {TEXT_MAX:,} characters at a time.", "too_long", "text")
    found = [s for s in sentences(text) if len(words(s)) >= SHORTEST_PASSAGE]
    if not found:
        raise Invalid(
            f"There is no sentence of {SHORTEST_PASSAGE} words or more to check.",
            "too_short",
            "text",
        )
    return found[:PASSAGES_MAX]


def similarity(a: list[str], b: list[str]) -> float:
    """How alike two word sequences are, from 0 to 1: difflib's ratio (without its junk rule),
    taken both ways round, since its greedy matching is not symmetric and a verdict must not
    depend on which text is called which."""
    if not a and not b:
        return 1.0
    forward = SequenceMatcher(None, a, b, autojunk=False).ratio()
    return max(forward, SequenceMatcher(None, b, a, autojunk=False).ratio())


def verdict_for(similar: float, same_words: bool) -> Verdict:
    if same_words:
        return Verdict.VERBATIM
    if similar >= MINOR_DRIFT:
        return Verdict.MINOR_DRIFT
    if similar >= SUBSTANTIVE:
        return Verdict.SUBSTANTIVE
    return Verdict.NOT_AGREED


def check_passage(passage: str, candidates: list[AgreedText]) -> PassageCheck:
    """The passage against the closest sentence of any candidate text (ties: the first)."""
    said = words(passage)
    best: tuple[float, AgreedText, str] | None = None
    for text in candidates:
        for sentence in sentences(text.body):
            score = similarity(words(sentence), said)
            if best is None or score > best[0]:
                best = (score, text, sentence)
    if best is None:
        return PassageCheck(passage, Verdict.NOT_AGREED, 0.0)
    score, source, agreed = best
    verdict = verdict_for(score, words(agreed) == said)
    if verdict is Verdict.NOT_AGREED:
        return PassageCheck(passage, verdict, score)
    return PassageCheck(passage, verdict, score, source, agreed, word_diff(agreed, passage))


def overall(checks: list[PassageCheck]) -> Verdict:
    """The text as a whole: as far from the agreed wording as its furthest passage."""
    order = list(Verdict)
    return max((c.verdict for c in checks), key=order.index, default=Verdict.NOT_AGREED)
