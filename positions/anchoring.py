"""Discussion on the text: where a comment thread sits, how it follows a changing text, who sees it.

An anchor is the W3C Web Annotation "TextQuoteSelector" (the quoted passage with a little text
before and after it) plus its offsets in a revision's Markdown body. When a new revision is
saved, every open thread is carried across:

1. where the edit carried its offsets, if the quote still stands there (an edit elsewhere);
2. the quote found exactly elsewhere, once, or among several by its context (a moved passage);
3. the passage where the edit carried it, if it still reads like the quote (a reworded clause);
4. a fuzzy search (diff-match-patch's `match_main`) in a bounded window around where it was.

A passage deleted or rewritten beyond recognition becomes `Outdated`, keeping its original quote:
never attached to text that does not read like it. The other rules here say who may see a thread
(a partner's internal note is for that partner's people only), who may write, edit or resolve,
and whom an `@name` in a comment mentions.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from diff_match_patch import diff_match_patch

from positions.refusals import Conflict, Forbidden, Invalid
from positions.roles import Actor, can_discuss, can_read_note

CONTEXT_CHARS = 32  # text kept before and after a quote, to tell repeated passages apart
MAX_QUOTE_CHARS = 5_000
MAX_COMMENT_CHARS = 5_000
EDIT_WINDOW = timedelta(minutes=15)  # one's own comment may be corrected for this long
# A passage still "reads like" its quote when at most this share of its characters changed.
MAX_CHANGED_SHARE = 0.4
MAX_REWORDED_SHARE = 0.6  # the same, where the edit left the passage's context in place
FUZZY_PATTERN_CHARS = 32  # bitap's pattern: the quote's head and tail, matched separately
FUZZY_MIN_CHARS = 12  # a shorter quote is only ever found exactly
FUZZY_WINDOW_CHARS = 3_000  # searched either side of where the passage was (bounded work)
DIFF_SECONDS = 0.5  # the edit map of a very long text may be coarser, never slow


# ---- anchors -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """A passage of one revision's body: body[start:end] == quote."""

    quote: str
    prefix: str
    suffix: str
    start: int
    end: int


@dataclass(frozen=True)
class Outdated:
    """The passage is gone: the thread keeps the quote it was started on."""

    quote: str
    prefix: str
    suffix: str


def anchor_at(body: str, start: int, end: int) -> Anchor:
    """The anchor of body[start:end], with its context."""
    return Anchor(
        body[start:end],
        body[max(0, start - CONTEXT_CHARS) : start],
        body[end : end + CONTEXT_CHARS],
        start,
        end,
    )


def check_quote(quote: str) -> None:
    if not quote.strip():
        raise Invalid("Select some words of the text to comment on.", "empty_quote", "quote")
    if len(quote) > MAX_QUOTE_CHARS:
        raise Invalid(
            f"Select at most {MAX_QUOTE_CHARS:,} characters, or comment on the whole paragraph.",
            "quote_too_long",
            "quote",
        )


def locate(body: str, quote: str, prefix: str = "", suffix: str = "", near: int = 0) -> Anchor:
    """The anchor of a passage a person selected, found in the body by its words and context.

    A selection made in the rendered page loses the Markdown marks (**bold**), so a passage that
    is not in the body word for word is refused with a way forward.
    """
    check_quote(quote)
    hits = _occurrences(body, quote)
    if not hits:
        raise Invalid(
            "That passage is not in the current text word for word (a selection across "
            "formatting or paragraphs, or the text changed). Select plain words within one "
            "paragraph, or comment on the whole paragraph.",
            "quote_not_found",
            "quote",
        )
    start = _best_hit(body, hits, len(quote), prefix, suffix, near)
    return anchor_at(body, start, start + len(quote))


# ---- paragraphs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """A paragraph (or a whole list, table or code block): body[start:end], stripped."""

    index: int
    start: int
    end: int


_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")
_LIST_ITEM = re.compile(r"(?:[-*+]|\d{1,9}[.)])[ \t]")
_FENCE = re.compile(r"^(```|~~~)", re.MULTILINE)


def blocks(body: str) -> list[Block]:
    """The body's paragraphs, as a reader sees them.

    Blank lines part paragraphs, except inside a fenced code block, before an indented
    continuation, and between the items of one list (a loose list is one block).
    """
    spans: list[tuple[int, int]] = []
    position = 0
    for gap in [*_BLANK_LINES.finditer(body), None]:
        end = gap.start() if gap else len(body)
        text = body[position:end]
        if text.strip():
            start = position + (len(text) - len(text.lstrip()))
            stop = position + len(text.rstrip())
            if spans and _continues(body, spans[-1], start):
                spans[-1] = (spans[-1][0], stop)
            else:
                spans.append((start, stop))
        if gap:
            position = gap.end()
    return [Block(i, start, end) for i, (start, end) in enumerate(spans)]


def _continues(body: str, previous: tuple[int, int], start: int) -> bool:
    before = body[previous[0] : previous[1]]
    if len(_FENCE.findall(before)) % 2:  # an open code fence
        return True
    line_start = body.rfind("\n", 0, start) + 1
    if body[line_start:start].strip() == "" and start > line_start:  # indented: a continuation
        return True
    return bool(_LIST_ITEM.match(body, start) and _LIST_ITEM.match(before))


def paragraph_anchor(body: str, index: int) -> Anchor:
    """The whole paragraph `index` (0-based): the keyboard's, phone's and no-JavaScript anchor."""
    found = blocks(body)
    if not 0 <= index < len(found):
        raise Invalid(
            f"The text has {len(found)} paragraphs; there is no paragraph {index + 1}.",
            "unknown_paragraph",
            "paragraph",
        )
    block = found[index]
    return anchor_at(body, block.start, block.end)


def block_of(found: Sequence[Block], offset: int) -> int:
    """The index of the paragraph holding `offset` (the nearest before it, between two)."""
    index = 0
    for block in found:
        if block.start > offset:
            break
        index = block.index
    return index


# ---- following the text ------------------------------------------------------------------------


def _matcher() -> diff_match_patch:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = DIFF_SECONDS
    dmp.Match_Threshold = 0.35  # 0: exact only, 1: anything; a third of the pattern may differ
    return dmp


class Carry:
    """Where an edit moved each offset of the old body: one diff for every thread.

    Two maps of the same diff: the exact one keeps every untouched character where the edit put
    it (diff_main strips the common start and end first); the semantic one, cleaned up to whole
    words and phrases as a person edits, says where a reworded passage now stands.
    """

    def __init__(self, old_body: str, new_body: str):
        self.dmp = _matcher()
        # The common start and end stay whole: diff_main's own clean-up may slide an edit over
        # a letter it shares with its neighbour ("tenant" to "t" as "tenan" deleted).
        head = self.dmp.diff_commonPrefix(old_body, new_body)
        tail = self.dmp.diff_commonSuffix(old_body[head:], new_body[head:])
        middle = self.dmp.diff_main(
            old_body[head : len(old_body) - tail], new_body[head : len(new_body) - tail], True
        )
        self.exact = [
            *([(0, old_body[:head])] if head else []),
            *middle,
            *([(0, old_body[len(old_body) - tail :])] if tail else []),
        ]
        self.semantic = list(self.exact)
        self.dmp.diff_cleanupSemantic(self.semantic)

    def __call__(self, offset: int) -> int:
        return self.dmp.diff_xIndex(self.exact, offset)

    def untouched(self, start: int, end: int) -> bool:
        """No character of old[start:end] was deleted, and nothing was inserted inside it."""
        at = 0
        for op, text in self.exact:
            if op == -1 and at < end and start < at + len(text):
                return False
            if op == 1 and start < at < end:
                return False
            if op != 1:
                at += len(text)
            if at >= end:
                break
        return True

    def loosely(self, offset: int) -> int:
        return self.dmp.diff_xIndex(self.semantic, offset)

    def loose_end(self, offset: int) -> int:
        """Where a passage ending at `offset` ends now: if its last words were replaced, after
        the words that replaced them ("two pounds" reworded as "one pound fifty")."""
        old = new = 0
        for i, (op, text) in enumerate(self.semantic):
            if op == 1:
                new += len(text)
                continue
            if old + len(text) >= offset:
                if op == 0:
                    return new + offset - old
                for later_op, later in self.semantic[i + 1 :]:
                    if later_op != 1:
                        break
                    new += len(later)
                return new
            old += len(text)
            new += len(text) if op == 0 else 0
        return new


def reanchor(
    anchor: Anchor, old_body: str, new_body: str, *, carry: Carry | None = None
) -> Anchor | Outdated:
    """The anchor in the new body, or Outdated: never attached to text unlike its quote."""
    carry = carry or Carry(old_body, new_body)
    quote = anchor.quote
    outdated = Outdated(quote, anchor.prefix, anchor.suffix)
    if not quote:
        return outdated
    start, end = carry(anchor.start), carry(anchor.end)
    # 1. The edit was elsewhere: the quote stands where the edit carried it.
    if carry.untouched(anchor.start, anchor.end) and new_body[start : start + len(quote)] == quote:
        return anchor_at(new_body, start, start + len(quote))
    # 2. The very words elsewhere: once (and distinctive or in context), or the best of several.
    hits = _occurrences(new_body, quote)
    if hits and (len(hits) > 1 or _trusted(new_body, hits[0], anchor, start)):
        best = _best_hit(new_body, hits, len(quote), anchor.prefix, anchor.suffix, start)
        if len(hits) == 1 or _context_score(new_body, best, len(quote), anchor) > 0:
            return anchor_at(new_body, best, best + len(quote))
    # 3. Reworded where it stood: the carried passage still reads like the quote.
    # Where its context still stands either side, a deeper rewording is the same clause.
    start, end = carry.loosely(anchor.start), carry.loose_end(anchor.end)
    held = _context_score(new_body, start, end - start, anchor) > 0
    share = MAX_REWORDED_SHARE if held else MAX_CHANGED_SHARE
    if start < end and _reads_like(carry.dmp, quote, new_body[start:end], share):
        return anchor_at(new_body, start, end)
    # 4. Fuzzy, near where it was (a few letters alike say nothing: a short quote is exact).
    found = _fuzzy(carry.dmp, new_body, quote, start) if len(quote) >= FUZZY_MIN_CHARS else None
    if found is not None:
        return anchor_at(new_body, *found)
    return outdated


def reanchor_all(
    anchors: Iterable[Anchor], old_body: str, new_body: str
) -> list[Anchor | Outdated]:
    """Every anchor carried across one edit, sharing one diff."""
    carry = Carry(old_body, new_body)
    return [reanchor(a, old_body, new_body, carry=carry) for a in anchors]


DISTINCTIVE_CHARS = 24  # a quote this long, found once, is the same passage wherever it went


def _trusted(body: str, hit: int, anchor: Anchor, expected: int) -> bool:
    """A single exact hit is the passage if it is distinctive, in context, or where expected."""
    return (
        len(anchor.quote) >= DISTINCTIVE_CHARS
        or _context_score(body, hit, len(anchor.quote), anchor) > 0
        or abs(hit - expected) <= len(anchor.quote)
    )


MAX_HITS = 200


def _occurrences(body: str, quote: str) -> list[int]:
    hits, at = [], body.find(quote)
    while at != -1 and len(hits) < MAX_HITS:
        hits.append(at)
        at = body.find(quote, at + 1)
    return hits


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


MEANINGFUL_CONTEXT = 3  # letters or digits of agreeing context


def _context_score(body: str, at: int, length: int, anchor: Anchor) -> int:
    """How many characters of context agree either side: none unless they hold a word's worth
    (a shared space or full stop says nothing)."""
    before = _common_suffix(body[max(0, at - CONTEXT_CHARS) : at], anchor.prefix)
    after = _common_prefix(body[at + length : at + length + CONTEXT_CHARS], anchor.suffix)
    meaningful = (anchor.prefix[len(anchor.prefix) - before :] if before else "") + (
        anchor.suffix[:after]
    )
    return before + after if sum(c.isalnum() for c in meaningful) >= MEANINGFUL_CONTEXT else 0


def _best_hit(body: str, hits: list[int], length: int, prefix: str, suffix: str, near: int) -> int:
    probe = Anchor("", prefix, suffix, 0, 0)
    return max(hits, key=lambda at: (_context_score(body, at, length, probe), -abs(at - near)))


def _reads_like(
    dmp: diff_match_patch, quote: str, text: str, share: float = MAX_CHANGED_SHARE
) -> bool:
    if not text.strip() or abs(len(text) - len(quote)) > share * len(quote):
        return False
    changed = dmp.diff_levenshtein(dmp.diff_main(quote, text, False))
    return changed <= share * len(quote)


def _fuzzy(dmp: diff_match_patch, body: str, quote: str, near: int) -> tuple[int, int] | None:
    """The quote's head (and tail, for a long quote) found by bitap in a window around `near`."""
    low = max(0, near - FUZZY_WINDOW_CHARS)
    window = body[low : near + len(quote) + FUZZY_WINDOW_CHARS]
    if not window:
        return None
    dmp.Match_Distance = len(window)  # anywhere in the window, closer preferred
    head = quote[:FUZZY_PATTERN_CHARS]
    at = dmp.match_main(window, head, near - low)
    if at == -1:
        return None
    stop = at + len(quote)
    if len(quote) > FUZZY_PATTERN_CHARS:
        tail = quote[-FUZZY_PATTERN_CHARS:]
        tail_at = dmp.match_main(window, tail, max(at, stop - len(tail)))
        if tail_at == -1 or tail_at < at:
            return None
        stop = tail_at + len(tail)
    stop = min(stop, len(window))
    while stop > at and window[stop - 1].isspace():  # no dangling space at either end
        stop -= 1
    while at < stop and window[at].isspace():
        at += 1
    if not _reads_like(dmp, quote, window[at:stop]):
        return None
    return low + at, low + stop


def changed_spans(changes: Iterable[tuple[str, str]]) -> list[tuple[int, int]]:
    """Where a diff ("equal", "insert", "delete" with their texts) changed the new text: each
    insertion's span, and each deletion's point, in new-text offsets."""
    spans, at = [], 0
    for op, text in changes:
        if op == "delete":
            spans.append((at, at))
        elif op == "insert":
            spans.append((at, at + len(text)))
            at += len(text)
        else:
            at += len(text)
    return spans


def on_changed_text(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """A passage body[start:end] touches a change: overlaps an insertion, or holds a deletion."""
    return any((lo < end and start < hi) if lo < hi else (start < lo < end) for lo, hi in spans)


# ---- who sees and does what --------------------------------------------------------------------


class Visibility(StrEnum):
    ALLIANCE = "alliance"  # everyone in the alliance who may read the position
    PARTNER = "partner"  # a partner's internal note: only that partner's people


VISIBILITY_LABELS = {
    Visibility.ALLIANCE: "The whole alliance",
    Visibility.PARTNER: "Only my partner (an internal note)",
}


@dataclass(frozen=True)
class ThreadFacts:
    visibility: Visibility
    partner_id: int | None  # the partner whose note it is (partner visibility)
    resolved: bool = False


def may_see(actor: Actor, thread: ThreadFacts) -> bool:
    """An alliance thread: every member. A partner's note: that partner's people, nobody else
    (not the alliance team, not comms or admins outside the partner, not other partners)."""
    if thread.visibility is Visibility.ALLIANCE:
        return True
    return can_read_note(actor, thread.partner_id)


def check_start(actor: Actor, visibility: Visibility, open_for_work: bool) -> int | None:
    """May this person start a thread; returns the partner whose note it is (or None)."""
    if not can_discuss(actor):
        raise Forbidden("Your roles do not include discussing positions.", "not_commenter")
    if not open_for_work:
        raise Conflict(
            "This position is no longer worked on: its discussion is closed.", "position_closed"
        )
    if visibility is Visibility.PARTNER:
        if actor.partner_id is None:
            raise Invalid(
                "An internal note belongs to a partner; the alliance team writes to the whole "
                "alliance.",
                "no_partner",
                "visibility",
            )
        return actor.partner_id
    return None


def check_reply(actor: Actor, thread: ThreadFacts, open_for_work: bool) -> None:
    _check_take_part(actor, thread, open_for_work)


def check_resolve(actor: Actor, thread: ThreadFacts, resolve: bool, open_for_work: bool) -> None:
    _check_take_part(actor, thread, open_for_work)
    if resolve and thread.resolved:
        raise Conflict("This thread is resolved already.", "already_resolved")
    if not resolve and not thread.resolved:
        raise Conflict("This thread is open already.", "already_open")


def _check_take_part(actor: Actor, thread: ThreadFacts, open_for_work: bool) -> None:
    if not may_see(actor, thread):
        raise Forbidden("There is no such thread for you.", "not_visible")
    if not can_discuss(actor):
        raise Forbidden("Your roles do not include discussing positions.", "not_commenter")
    if not open_for_work:
        raise Conflict(
            "This position is no longer worked on: its discussion is closed.", "position_closed"
        )


def check_edit(
    actor: Actor, author_id: int, created_at: datetime, now: datetime, thread: ThreadFacts
) -> None:
    """One's own comment, for a short while after writing it; every edit is kept."""
    if not may_see(actor, thread):
        raise Forbidden("There is no such thread for you.", "not_visible")
    if actor.user_id != author_id:
        raise Forbidden("Only its author edits a comment.", "not_author")
    if now - created_at > EDIT_WINDOW:
        minutes = int(EDIT_WINDOW.total_seconds() // 60)
        raise Conflict(
            f"A comment can be edited for {minutes} minutes after it is written; reply instead.",
            "edit_window_over",
        )


def may_edit(actor: Actor, author_id: int, created_at: datetime, now: datetime) -> bool:
    return actor.user_id == author_id and now - created_at <= EDIT_WINDOW


def comment_text(body: str) -> str:
    """A comment's text, checked: something to say, and not a book."""
    if not body.strip():
        raise Invalid("Write a comment.", "empty_comment", "body")
    if len(body) > MAX_COMMENT_CHARS:
        raise Invalid(
            f"A comment holds at most {MAX_COMMENT_CHARS:,} characters (this one has "
            f"{len(body):,}); split it into replies.",
            "comment_too_long",
            "body",
        )
    return body


# ---- mentions ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str


_MENTION = re.compile(r"(?<![\w@.])@([A-Za-z][\w.\-]*[\w])")


def handles(person: Person) -> set[str]:
    """What an @ may say for a person: their name run together, or their email's local part."""
    run_together = re.sub(r"[^\w]", "", person.name).casefold()
    local = person.email.split("@", 1)[0].casefold()
    return {h for h in (run_together, local) if h}


def mentions(body: str, people: Iterable[Person], author_id: int) -> list[int]:
    """The ids of the people an `@name` in the body names, among those who may see the thread.

    `@JoSmith` (the name run together) or `@jo.smith` (the email's local part), in any case;
    a person is mentioned once however often named, never the author; unknown names are text.
    """
    said = {m.group(1).casefold() for m in _MENTION.finditer(body)}
    if not said:
        return []
    found = [p.id for p in people if p.id != author_id and handles(p) & said]
    return sorted(set(found))
