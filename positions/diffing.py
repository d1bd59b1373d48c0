"""Word-level diffs between revisions, side-by-side rows, and three-way merges.

Diffs are exact: the `equal` and `delete` texts rebuild the old text and the `equal` and
`insert` texts rebuild the new one.

The diffing itself is diff-match-patch's (Myers' O(ND) shortest edit script, and its semantic
clean-up); what is here keeps it quick on long documents (a 20,000-word text is diffed in tens of
milliseconds) and makes it diff lines and words rather than characters:

1. Lines first. Each distinct line becomes one character, and the two strings are matched
   patience-style: strip the common start and end, anchor on lines that occur exactly once on
   each side (the longest run of anchors in the same order), and recurse into the gaps between
   anchors. A gap with no anchors goes to diff-match-patch, if it is small enough for its search
   to stay cheap.
2. What is left are hunks: runs of deleted lines facing runs of inserted lines. A small hunk is
   diffed word by word as one text (so re-wrapped lines still diff well). A big hunk has its
   lines paired first (a line pairs with a similar line nearby), and only each pair is diffed
   word by word; lines without a partner are whole deletions or insertions.
3. Words: diff-match-patch in word mode. Each token (a word, a punctuation mark, a newline, with
   the spaces after it riding along) becomes one character; diff-match-patch diffs the two
   strings, its semantic clean-up folds short matches between edits into them (a reworded phrase
   reads as one replacement, not a splinter of one-word matches), and the characters map back
   to tokens. A stretch too long for its search is first cut at unique words, as lines are.

Every step only ever splits the texts into matched and unmatched pieces in order, so whatever
the heuristics choose, the result rebuilds both texts exactly; the effort bounds make a worse
(longer) diff, never a wrong one. diff-match-patch runs without its timeout (bounded instead by
the size of what it is given), so the same two texts always give the same diff.
"""

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from html import escape, unescape
from html.parser import HTMLParser
from itertools import chain, count, filterfalse, islice
from typing import Generic, TypeVar

from diff_match_patch import diff_match_patch

from positions.rendering import clean_marked


class Op(StrEnum):
    EQUAL = "equal"
    DELETE = "delete"
    INSERT = "insert"


@dataclass(frozen=True)
class Change:
    op: Op
    text: str


# A token: a word, one punctuation mark or a newline (or spaces opening the text), with the spaces
# that follow it (not newlines). "rents." to "rents!" is then just the mark replaced.
_TOKEN = re.compile(r"(\w+|[^\w\s]|\n|[^\S\n]+)([^\S\n]*)", re.UNICODE)
_WORDS_ONLY = re.compile(r"\w+", re.UNICODE)
_IS_WORD = re.compile(r"\w", re.UNICODE).match
_WORD_OR_SPACE = re.compile(r"[\w\s]", re.UNICODE).match

# One diff-match-patch for the module: it keeps no state between calls, only its settings.
_DMP = diff_match_patch()
_DMP.Diff_Timeout = 0  # no deadline: the same two texts always give the same diff
_DELETE, _EQUAL, _INSERT = _DMP.DIFF_DELETE, _DMP.DIFF_EQUAL, _DMP.DIFF_INSERT

# Effort bounds. Past them a piece is reported as replaced whole: still exact, only less minimal.
# diff-match-patch searches in O((n + m) * d) steps, in Python, for a stretch of n and m symbols
# with d edits, and without a timeout nothing stops it: so it is only given stretches of at most
# _DMP_MAX symbols (a few milliseconds at worst, when d is as large as it gets), and longer ones
# are cut at anchors first.
_DMP_MAX = 100  # symbols, both sides together
_ANCHOR_REPEATS = 4
_WHOLE_HUNK_CHARS = 20_000  # a hunk up to this size is diffed word by word as one text
_PAIR_WINDOW = 8  # how far a changed line looks ahead for a similar line to pair with


_Encode = Callable[[Sequence[str]], str]  # pieces in, one character per piece out


# ---- the matcher: symbol strings in, matching blocks out ---------------------------------------


def _encoder() -> _Encode:
    """One character per distinct piece, so pieces compare (and count, and slice) whole.

    Python strings hold any code point, surrogates included, so a text of up to 1,114,112
    distinct pieces encodes; and the work is done in C (map, a defaultdict, join).
    """
    codes: defaultdict[str, int] = defaultdict(count().__next__)
    return lambda pieces: "".join(map(chr, map(codes.__getitem__, pieces)))


# Characters for tokens, by kind (see _token_encoder), found once and kept: a letter for a word,
# a character that is neither a word character nor a space for anything else. They start where
# each kind is densest; the two lists grow (never change) as longer texts need more.
_LETTERS: list[str] = []
_OTHERS: list[str] = []
_LETTER_SOURCE = filter(str.isalnum, map(chr, chain(range(0x4E00, 0x110000), range(0x100, 0x4E00))))
_OTHER_SOURCE = filterfalse(
    _WORD_OR_SPACE, map(chr, chain(range(0xE000, 0x110000), range(0x100, 0xE000)))
)


def _pool(pool: list[str], source: Iterator[str], start: int, n: int) -> list[str]:
    """pool[start:start + n], grown from source first if need be (shorter if source runs out)."""
    if len(pool) < start + n:
        pool += islice(source, start + n - len(pool))
    return pool[start : start + n]


def _token_encoder() -> _Encode:
    """Like _encoder, but a token's character is of the token's kind.

    diff-match-patch's semantic clean-up slides an edit to where the characters either side score
    best (blank lines, line breaks, then punctuation): so a word is a letter, a newline is a
    newline and anything else (a mark, spaces, a word with an underscore) is a character that is
    neither. The kinds take their characters from disjoint sets, so distinct tokens never share
    one; as with _encoder, a text of over a million distinct tokens would not encode.
    """
    codes = {"\n": "\n"}
    used = [0, 0]  # letters, others

    def encode(tokens: Sequence[str]) -> str:
        # filter and zip rather than loops: this runs for every changed paragraph.
        fresh = list(filterfalse(codes.__contains__, dict.fromkeys(tokens)))
        if fresh:
            words = list(filter(str.isalnum, fresh))
            letters = _pool(_LETTERS, _LETTER_SOURCE, used[0], len(words))
            used[0] += len(letters)
            codes.update(zip(words, letters, strict=False))
            # Past the last letter (over 100,000 distinct words), words take the others too.
            rest = list(filterfalse(codes.__contains__, fresh))
            others = _pool(_OTHERS, _OTHER_SOURCE, used[1], len(rest))
            used[1] += len(rest)
            codes.update(zip(rest, others, strict=True))
        return "".join(map(codes.__getitem__, tokens))

    return encode


def _common_prefix(a: str, b: str) -> int:
    if not a or not b or a[0] != b[0]:
        return 0
    # Binary search on slices: the comparisons run in C.
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str) -> int:
    if not a or not b or a[-1] != b[-1]:
        return 0
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[-mid:] == b[-mid:]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _matching_blocks(a: str, b: str, *, words: bool = False) -> list[tuple[int, int, int]]:
    """(i, j, n) with a[i:i+n] == b[j:j+n], increasing in both i and j.

    Lines are anchored first and only gaps without anchors go to diff-match-patch. Words go to it
    straight away when the stretch fits its bounds (a sentence or two, once the common start and
    end are stripped); longer stretches are anchored first, and their gaps go to it.
    """
    blocks: list[tuple[int, int, int]] = []
    _match(a, b, 0, 0, blocks, words)
    return blocks


def _match(a: str, b: str, ai: int, bi: int, out: list[tuple[int, int, int]], words: bool) -> None:
    """Matches between a and b (which start at ai and bi in the whole texts), appended in order."""
    n = _common_prefix(a, b)
    if n:
        out.append((ai, bi, n))
        a, b, ai, bi = a[n:], b[n:], ai + n, bi + n
    m = _common_suffix(a, b)
    if m:
        a, b = a[:-m], b[:-m]
    small = words and len(a) + len(b) <= _DMP_MAX
    if not a or not b:
        pass
    elif len(a) == 1 or len(b) == 1:  # one symbol facing some: its first match, if any
        found = b.find(a) if len(a) == 1 else a.find(b)
        if found >= 0:
            out.append((ai, bi + found, 1) if len(a) == 1 else (ai + found, bi, 1))
    elif not (small and _dmp_match(a, b, ai, bi, out, words=True)):
        anchors = _anchors(a, b)
        if anchors:
            i0 = j0 = 0
            for i, j in anchors:
                if i > i0 and j > j0:  # a gap with something on both sides
                    _match(a[i0:i], b[j0:j], ai + i0, bi + j0, out, words)
                out.append((ai + i, bi + j, 1))
                i0, j0 = i + 1, j + 1
            if i0 < len(a) and j0 < len(b):
                _match(a[i0:], b[j0:], ai + i0, bi + j0, out, words)
        elif anchors is not None and not small:  # (a small one was offered to it already)
            _dmp_match(a, b, ai, bi, out, words=words)
    if m:
        out.append((ai + len(a), bi + len(b), m))


def _dmp_match(
    a: str, b: str, ai: int, bi: int, out: list[tuple[int, int, int]], *, words: bool
) -> bool:
    """diff-match-patch's matches (a shortest edit script), or False if a and b are too long.

    Tokens are refused too when under a quarter of them could match at all (a symbol matches at
    most as often as it occurs on the other side): the semantic clean-up would fold the few
    matches such unlike texts have into one replacement anyway, so the search would be wasted.
    The caller then cuts the stretch at anchors, or leaves it replaced whole.
    """
    total = len(a) + len(b)
    if total > _DMP_MAX:
        return False
    could_match = sum(min(a.count(c), b.count(c)) for c in set(a).intersection(b))
    if not could_match:
        return True  # nothing in common: nothing to match
    if words and 4 * could_match < total:
        return False
    i = j = 0
    for op, text in _DMP.diff_main(a, b, False):  # False: a and b are symbols, not lines of text
        if op == _EQUAL:
            out.append((ai + i, bi + j, len(text)))
            i, j = i + len(text), j + len(text)
        elif op == _DELETE:
            i += len(text)
        else:
            j += len(text)
    return True


def _anchors(a: str, b: str) -> list[tuple[int, int]] | None:
    """Matches to split a and b at: the longest in-order chain of symbols found once on each side.

    Where no symbol is unique (short words repeat), and the stretch is too long to hand to
    diff-match-patch whole, rare symbols (found at most _ANCHOR_REPEATS times on each side) pair
    up in order, first with first, second with second. None when a and b share no symbol.
    """
    if len(a) + len(b) <= 128:  # str.count runs in C; a Counter costs more to set up
        shared = set(a).intersection(b)
        counts = {c: (a.count(c), b.count(c)) for c in shared}
    else:
        in_a, in_b = Counter(a), Counter(b)
        counts = {c: (k, in_b[c]) for c, k in in_a.items() if c in in_b}
    if not counts:
        return None  # nothing in common: nothing to match
    common = {c for c, (x, y) in counts.items() if x == y == 1}
    if common:
        where_b = {c: j for j, c in enumerate(b) if c in common}
        pairs = [(i, where_b[c]) for i, c in enumerate(a) if c in common]
    elif len(a) + len(b) > _DMP_MAX:
        common = {c for c, (x, y) in counts.items() if max(x, y) <= _ANCHOR_REPEATS}
        if not common:
            return []
        where: dict[str, list[int]] = {}
        for j, c in enumerate(b):
            if c in common:
                where.setdefault(c, []).append(j)
        seen: dict[str, int] = {}
        pairs = []
        for i, c in enumerate(a):
            if c in common:
                k = seen.get(c, 0)
                seen[c] = k + 1
                if k < len(where[c]):
                    pairs.append((i, where[c][k]))
    else:
        return []
    return _longest_chain(pairs)


def _longest_chain(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence increasing in b (pairs come increasing in a): patience sorting."""
    tops: list[int] = []
    top_index: list[int] = []
    back: list[int] = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        pile = bisect_left(tops, j)
        if pile == len(tops):
            tops.append(j)
            top_index.append(index)
        else:
            tops[pile] = j
            top_index[pile] = index
        back[index] = top_index[pile - 1] if pile else -1
    chain = []
    index = top_index[-1]
    while index >= 0:
        chain.append(pairs[index])
        index = back[index]
    chain.reverse()
    return chain


def _runs(old: list[str], new: list[str]) -> list[tuple[bool, int, int, int, int]]:
    """Two lists of lines as runs (equal?, old start, old end, new start, new end), in order.

    An equal run has the same lines on both sides; an unequal run deletes old[start:end] and
    inserts new[start:end] (either may be empty).
    """
    encode = _encoder()
    a, b = encode(old), encode(new)
    return _diff_runs(_as_diffs(a, b, _matching_blocks(a, b)))


def _word_runs(
    old: Sequence[str], new: Sequence[str], encode: _Encode
) -> list[tuple[bool, int, int, int, int]]:
    """Two lists of tokens as runs, like _runs: diff-match-patch in word mode.

    Each token is one character, so diff-match-patch diffs (and cleans up) whole tokens; the
    semantic clean-up folds an equality no longer than the edits either side of it into them, so
    a reworded phrase reads as one replacement rather than a splinter of one-word matches.
    """
    a, b = encode(old), encode(new)
    diffs = _as_diffs(a, b, _matching_blocks(a, b, words=True))
    _DMP.diff_cleanupSemantic(diffs)
    return _diff_runs(diffs)


def _as_diffs(a: str, b: str, blocks: list[tuple[int, int, int]]) -> list[tuple[int, str]]:
    """Matching blocks as a diff-match-patch diff: (op, symbols), touching matches joined."""
    diffs: list[tuple[int, str]] = []
    i = j = 0
    for bi, bj, n in [*blocks, (len(a), len(b), 0)]:
        if bi > i:
            diffs.append((_DELETE, a[i:bi]))
        if bj > j:
            diffs.append((_INSERT, b[j:bj]))
        if n:
            if diffs and diffs[-1][0] == _EQUAL:
                diffs[-1] = (_EQUAL, diffs[-1][1] + a[bi : bi + n])
            else:
                diffs.append((_EQUAL, a[bi : bi + n]))
        i, j = bi + n, bj + n
    return diffs


def _diff_runs(diffs: list[tuple[int, str]]) -> list[tuple[bool, int, int, int, int]]:
    """A diff-match-patch diff as runs of symbol positions; edits between equalities are one run."""
    runs: list[tuple[bool, int, int, int, int]] = []
    i = j = 0
    for op, text in diffs:
        if op == _EQUAL:
            runs.append((True, i, i + len(text), j, j + len(text)))
            i, j = i + len(text), j + len(text)
            continue
        if not runs or runs[-1][0]:
            runs.append((False, i, i, j, j))
        if op == _DELETE:
            i += len(text)
        else:
            j += len(text)
        runs[-1] = (False, runs[-1][1], i, runs[-1][3], j)
    return runs


def _token_diff(old: str, new: str, encode: _Encode) -> list[Change]:
    """Word by word, deletions before insertions where something was replaced.

    A space never matches on its own (it is the commonest token, and matching it would only
    splinter a replaced phrase); a change of spacing alone still shows as just that.
    """
    if old == new:
        return [Change(Op.EQUAL, old)] if old else []
    # The same start and end, found in C and cut back to whole words, are equal whatever follows.
    start = _word_boundary(old, new, _common_prefix(old, new))
    end = _word_boundary(old, new, _common_suffix(old[start:], new[start:]), from_end=True)
    changes: list[Change] = [Change(Op.EQUAL, old[:start])]
    middle = _middle_diff(old[start : len(old) - end], new[start : len(new) - end], encode)
    return [*changes, *middle, Change(Op.EQUAL, old[len(old) - end :])]


def _word_boundary(old: str, new: str, n: int, *, from_end: bool = False) -> int:
    """Shrink a common start (or end) of n characters until it does not cut a word in two."""

    def cuts(text: str, n: int) -> bool:
        if from_end:
            inner, outer = len(text) - n, len(text) - n - 1
        else:
            inner, outer = n - 1, n
        return (
            0 <= outer < len(text) and bool(_IS_WORD(text[outer])) and bool(_IS_WORD(text[inner]))
        )

    while n > 0 and (cuts(old, n) or cuts(new, n)):
        n -= 1
    return n


def _middle_diff(old: str, new: str, encode: _Encode) -> list[Change]:
    """Tokens matched on their word or mark alone, with the spaces after each riding along."""
    if not old or not new:
        return _whole(old, new)
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    changes: list[Change] = []
    cores = next(zip(*old_tokens, strict=True)), next(zip(*new_tokens, strict=True))
    runs = _word_runs(*cores, encode)
    for equal, i0, i1, j0, j1 in runs:
        if equal:
            changes += _equal_run(old_tokens[i0:i1], new_tokens[j0:j1])
            continue
        removed = "".join(core + space for core, space in old_tokens[i0:i1])
        added = "".join(core + space for core, space in new_tokens[j0:j1])
        # Replacements end alike more often than not ("fair " to "low "): keep that space equal.
        same = 0
        while (
            same < min(len(removed), len(added))
            and removed[-1 - same] == added[-1 - same]
            and removed[-1 - same].isspace()
        ):
            same += 1
        changes += _whole(removed[: len(removed) - same], added[: len(added) - same])
        if same:
            changes.append(Change(Op.EQUAL, removed[len(removed) - same :]))
    return changes


def _equal_run(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> list[Change]:
    """The same words on both sides; where the spaces after one differ, just those change."""
    changes: list[Change] = []
    same: list[str] = []
    for (core, old_space), (_, new_space) in zip(old, new, strict=True):
        same += (core, old_space) if old_space == new_space else (core,)
        if old_space != new_space:
            changes.append(Change(Op.EQUAL, "".join(same)))
            changes += _whole(old_space, new_space)
            same = []
    changes.append(Change(Op.EQUAL, "".join(same)))
    return changes


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _line_runs(old: str, new: str):
    """(old lines, new lines) runs in order: equal runs have identical lines, the rest changed."""
    old_lines, new_lines = _lines(old), _lines(new)
    for equal, i0, i1, j0, j1 in _runs(old_lines, new_lines):
        yield equal, old_lines[i0:i1], new_lines[j0:j1]


def _pair_lines(left: list[str], right: list[str]) -> list[tuple[str | None, str | None]]:
    """Changed lines paired with a similar line nearby on the other side, in order.

    A line with no similar line within _PAIR_WINDOW pairs with the line facing it, as a plain
    line-by-line view would; lines left over stand alone.
    """
    word_sets: dict[str, frozenset[str]] = {}

    def words(line: str) -> frozenset[str]:
        found = word_sets.get(line)
        if found is None:
            found = word_sets[line] = frozenset(_WORDS_ONLY.findall(line))
        return found

    def similar(x: str, y: str) -> bool:
        if x == y:
            return True
        wx, wy = words(x), words(y)
        return bool(wx and wy) and 2 * len(wx & wy) >= max(len(wx), len(wy))

    def skip(i: int, j: int) -> tuple[int, int] | None:
        for reach in range(1, _PAIR_WINDOW + 1):
            for di in range(reach + 1):
                dj = reach - di
                if (
                    i + di < len(left)
                    and j + dj < len(right)
                    and similar(left[i + di], right[j + dj])
                ):
                    return di, dj
        return None

    pairs: list[tuple[str | None, str | None]] = []
    i = j = 0
    while i < len(left) and j < len(right):
        if not similar(left[i], right[j]) and (jump := skip(i, j)):
            di, dj = jump
            pairs += [(line, None) for line in left[i : i + di]]
            pairs += [(None, line) for line in right[j : j + dj]]
            i, j = i + di, j + dj
        pairs.append((left[i], right[j]))
        i, j = i + 1, j + 1
    pairs += [(line, None) for line in left[i:]]
    pairs += [(None, line) for line in right[j:]]
    return pairs


def _hunk_diff(left: list[str], right: list[str], encode: _Encode) -> list[Change]:
    old, new = "".join(left), "".join(right)
    if not old or not new or len(old) + len(new) <= _WHOLE_HUNK_CHARS:
        return _token_diff(old, new, encode) if old and new else _whole(old, new)
    changes = []
    for old_line, new_line in _pair_lines(left, right):
        if old_line is not None and new_line is not None:
            changes += _token_diff(old_line, new_line, encode)
        else:
            changes += _whole(old_line or "", new_line or "")
    return changes


def _whole(old: str, new: str) -> list[Change]:
    return [Change(op, text) for op, text in ((Op.DELETE, old), (Op.INSERT, new)) if text]


def _coalesce(changes: list[Change]) -> list[Change]:
    """Join neighbours with the same op and drop empty pieces."""
    out: list[Change] = []
    for change in changes:
        if not change.text:
            continue
        if out and out[-1].op is change.op:
            out[-1] = Change(change.op, out[-1].text + change.text)
        else:
            out.append(change)
    return out


def word_diff(old: str, new: str) -> list[Change]:
    """An exact word-level diff of two texts: changed lines first, then words within them."""
    if old == new:
        return [Change(Op.EQUAL, old)] if old else []
    changes: list[Change] = []
    encode = _token_encoder()  # one for all hunks: most words recur from one hunk to the next
    for equal, left, right in _line_runs(old, new):
        if equal:
            changes.append(Change(Op.EQUAL, "".join(left)))
        else:
            changes += _hunk_diff(left, right, encode)
    return _coalesce(changes)


def rebuild(changes: list[Change]) -> tuple[str, str]:
    """The old and new texts a diff describes."""
    old = "".join(c.text for c in changes if c.op is not Op.INSERT)
    new = "".join(c.text for c in changes if c.op is not Op.DELETE)
    return old, new


@dataclass(frozen=True)
class Row:
    """One line of a side-by-side view; a side is None where that text has no such line."""

    left: tuple[Change, ...] | None
    right: tuple[Change, ...] | None

    @property
    def changed(self) -> bool:
        return self.left != self.right


def side_by_side(old: str, new: str) -> list[Row]:
    """Lines of the two texts paired up, with the words changed inside each changed pair."""
    rows: list[Row] = []
    encode = _token_encoder()
    for equal, left, right in _line_runs(old, new):
        if equal:
            for line in left:
                same = (Change(Op.EQUAL, line),)
                rows.append(Row(same, same))
            continue
        for old_line, new_line in _pair_lines(left, right):
            if old_line is None:
                rows.append(Row(None, (Change(Op.INSERT, new_line),)))
            elif new_line is None:
                rows.append(Row((Change(Op.DELETE, old_line),), None))
            else:
                words = _coalesce(_token_diff(old_line, new_line, encode))
                rows.append(
                    Row(
                        tuple(c for c in words if c.op is not Op.INSERT),
                        tuple(c for c in words if c.op is not Op.DELETE),
                    )
                )
    return rows


def summary(changes: list[Change]) -> dict[str, int]:
    """Words inserted and deleted, for a one-line description of a diff."""

    def words(op: Op) -> int:
        return sum(len(re.findall(r"\w+", c.text)) for c in changes if c.op is op)

    return {"inserted": words(Op.INSERT), "deleted": words(Op.DELETE)}


@dataclass(frozen=True)
class Merge:
    text: str
    clean: bool


def _edits(changes: list[Change]) -> list[tuple[int, int, str]]:
    """What a diff does to the base text: (start, end, new text), end == start for inserts."""
    edits: list[tuple[int, int, str]] = []
    pos = 0
    for change in changes:
        if change.op is Op.EQUAL:
            pos += len(change.text)
            continue
        end = pos + len(change.text) if change.op is Op.DELETE else pos
        added = change.text if change.op is Op.INSERT else ""
        if edits and edits[-1][1] == pos:  # a replacement: delete then insert at one place
            edits[-1] = (edits[-1][0], end, edits[-1][2] + added)
        else:
            edits.append((pos, end, added))
        pos = end
    return edits


def _overlap(a: tuple[int, int, str], b: tuple[int, int, str]) -> bool:
    if a[0] == a[1] and b[0] == b[1]:
        return a[0] == b[0]  # both insert at the same point
    if a[0] == a[1]:
        return b[0] < a[0] < b[1]
    if b[0] == b[1]:
        return a[0] < b[0] < a[1]
    return a[0] < b[1] and b[0] < a[1]


def _any_overlap(mine: list[tuple[int, int, str]], theirs: list[tuple[int, int, str]]) -> bool:
    """Whether any of my edits overlaps any of theirs: one sweep over both, in base order.

    Each list comes in base order without overlaps of its own (from _edits), so the edit that
    ends first can meet nothing later on the other side (which starts after the other's current
    edit ends): step past it. Linear, where trying every pair was quadratic.
    """
    i = j = 0
    while i < len(mine) and j < len(theirs):
        if _overlap(mine[i], theirs[j]):
            return True
        if mine[i][1] <= theirs[j][1]:
            i += 1
        else:
            j += 1
    return False


def three_way_merge(base: str, mine: str, theirs: str) -> Merge:
    """Apply my edits (base to mine) onto their text (base to theirs).

    Clean only when the two sets of edits touch different words; otherwise the caller shows a
    conflict and keeps my text. Both sets of edits are placed by their exact position in the
    base text, never by searching for their context, so a clean merge is exactly both edits.
    """
    if mine in (theirs, base):
        return Merge(theirs, True)
    if theirs == base:
        return Merge(mine, True)
    their_edits = _edits(word_diff(base, theirs))
    # An edit both sides made identically is agreement, not a conflict: apply it once.
    agreed = set(their_edits)
    my_edits = [e for e in _edits(word_diff(base, mine)) if e not in agreed]
    if _any_overlap(my_edits, their_edits):
        return Merge(mine, False)
    pieces, pos = [], 0
    for start, end, added in sorted(my_edits + their_edits):
        pieces += [base[pos:start], added]
        pos = end
    pieces.append(base[pos:])
    return Merge("".join(pieces), True)


# ---- the formatted diff: the rendered text, with its changes marked ----------------------------
#
# A reviewer reads headings, emphasis and links, not `##`, `**` and `[text](url)`: so the two
# revisions' rendered (sanitised) HTML is diffed instead of their Markdown. Each is cut into its
# top-level blocks (a paragraph, a heading, a whole list or table); blocks are matched as lines
# are above, and a changed block is diffed token by token, a token being a tag or a word. The
# new text's tags are all kept, in order, so the result is as well formed as the new HTML; a
# deleted word is kept inside <del>, with its tags only where they close among themselves (a
# deleted list item stays an item), and every inserted word is inside <ins>.

_VOID = frozenset({"br", "hr", "img", "wbr"})
T = TypeVar("T")


@dataclass(frozen=True)
class _Tag:
    name: str
    html: str  # as written out again: <name attr="value">, </name>
    opening: bool

    def __str__(self) -> str:
        return self.html


def _html_tokens(html: str) -> list[str | _Tag]:
    """Tags and words (text unescaped, each word with the spaces after it), in document order."""
    tokens: list[str | _Tag] = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag, attrs):
            written = "".join(f' {k}="{escape(v or "", quote=True)}"' for k, v in attrs)
            tokens.append(_Tag(tag, f"<{tag}{written}>", True))

        def handle_startendtag(self, tag, attrs):
            self.handle_starttag(tag, attrs)

        def handle_endtag(self, tag):
            if tag not in _VOID:
                tokens.append(_Tag(tag, f"</{tag}>", False))

        def handle_data(self, data):
            tokens.extend(core + space for core, space in _TOKEN.findall(data))

    reader = Reader(convert_charrefs=True)
    reader.feed(html)
    reader.close()
    return tokens


def _blocks(tokens: Sequence[str | _Tag]) -> list[list[str | _Tag]]:
    """Tokens cut into their top-level elements (blocks, or a list's items, a table's rows…);
    the text between them (the line breaks the renderer writes) is left out."""
    blocks: list[list[str | _Tag]] = []
    depth = 0
    for token in tokens:
        if isinstance(token, _Tag):
            if depth == 0:
                blocks.append([])
            blocks[-1].append(token)
            if token.opening and token.name not in _VOID:
                depth += 1
            elif not token.opening:
                depth = max(0, depth - 1)
        elif depth:
            blocks[-1].append(token)
        elif token.strip():  # loose text at the top (not written by the renderer): its own block
            blocks.append([token])
    return blocks


def _written(token: str | _Tag) -> str:
    return token.html if isinstance(token, _Tag) else _escaped(token)


@lru_cache(maxsize=65_536)  # words recur: escaping each once is most of the cost of keying
def _escaped(word: str) -> str:
    return escape(word, quote=False)


def _key(token: str | _Tag) -> str:
    """What a token is compared by: a tag by all it says, a word by itself. A word never looks
    like a tag, since a tag's key starts with "<" and a word's "<" is escaped."""
    return _written(token)


def _balanced(tokens: Sequence[str | _Tag]) -> bool:
    """Whether the tags among these tokens close among themselves."""
    open_tags: list[str] = []
    for token in tokens:
        if not isinstance(token, _Tag) or token.name in _VOID:
            continue
        if token.opening:
            open_tags.append(token.name)
        elif not open_tags or open_tags.pop() != token.name:
            return False
    return not open_tags


_MARK_LABELS = {"del": "deleted", "ins": "inserted"}


def _marked(
    tokens: Sequence[str | _Tag], mark: str, *, keep_tags: bool = True, links: dict | None = None
) -> str:
    """Tokens written out with each run of words inside <mark> (del or ins); tags kept or not."""
    out: list[str] = []
    words: list[str] = []
    links = links or {}

    def close_words() -> None:
        text = "".join(words)
        words.clear()
        marked = text.strip()
        if not marked:
            out.append(text)
            return
        # Spaces either side stay outside an insertion's mark (the new text's own spaces) and
        # inside a deletion's, so taking the deletions out leaves the new text exactly.
        start = text.index(marked)
        before, after = text[:start], text[start + len(marked) :]
        label = _MARK_LABELS[mark]
        inside = f'<span class="sr-only">[{label}: </span>{marked}<span class="sr-only">]</span>'
        if mark == "del":
            out.append(f"<del>{before}{inside}{after}</del>")
        else:
            out.append(f"{before}<ins>{inside}</ins>{after}")

    for token in tokens:
        if isinstance(token, _Tag):
            close_words()
            if keep_tags:
                out.append(links.get(id(token), token.html))
        else:
            words.append(_escaped(token))
    close_words()
    return "".join(out)


def _changed_links(gone: Sequence[str | _Tag], added: Sequence[str | _Tag]) -> dict[int, str]:
    """Links whose address changed while their words did not: the new tag, saying what it was
    (a reader sees words, not addresses, so it is flagged). Keyed by the tag's id."""
    before = [t for t in gone if isinstance(t, _Tag) and t.opening and t.name == "a"]
    after = [t for t in added if isinstance(t, _Tag) and t.opening and t.name == "a"]
    flagged = {}
    for old_tag, new_tag in zip(before, after, strict=False):
        was = _HREF.search(old_tag.html)
        note = escape(f"Link changed; it was {unescape(was[1]) if was else 'no address'}")
        flagged[id(new_tag)] = f'<a class="link-changed" title="{note}"{new_tag.html[2:]}'
    return flagged


_HREF = re.compile(r'href="([^"]*)"')


def _block_diff(old: Sequence[str | _Tag], new: Sequence[str | _Tag], encode: _Encode) -> str:
    """One block's HTML with its changes marked (old or new may be empty: a block added or
    taken away)."""
    out: list[str] = []
    # Words match on themselves, not the spaces after them ("support" ending an item is
    # "support " once more words follow it); an equal run is written as the new text has it.
    cores = [[_key(t).rstrip() or _key(t) for t in side] for side in (old, new)]
    for equal, i0, i1, j0, j1 in _word_runs(*cores, encode):
        if equal:
            out.append("".join(map(_written, new[j0:j1])))
            continue
        gone, added = old[i0:i1], new[j0:j1]
        out.append(_marked(gone, "del", keep_tags=_balanced(gone)))
        out.append(_marked(added, "ins", links=_changed_links(gone, added)))
    return "".join(out)


@dataclass(frozen=True)
class Block:
    """One top-level block of the formatted diff: HTML with <ins> and <del> marks."""

    html: str
    changed: bool


def _plain(block: Sequence[str | _Tag]) -> str:
    return "".join(t for t in block if isinstance(t, str))


def formatted_diff(old_html: str, new_html: str) -> list[Block]:
    """The new revision's rendered text, block by block, with what changed from the old marked.

    Takes sanitised HTML (a revision's rendering) and gives back HTML made only of its tags and
    words, plus <ins>, <del> and screen-reader labels; every block is sanitised once more (with
    those added to the allow-list), so nothing the renderer refused can come back.
    """
    old_blocks, new_blocks = _blocks(_html_tokens(old_html)), _blocks(_html_tokens(new_html))
    encode = _token_encoder()
    return [
        Block(clean_marked(html), changed)
        for html, changed in _element_diffs(old_blocks, new_blocks, encode)
    ]


# Elements made of elements: a changed one is diffed item by item (row by row, cell by cell),
# so a deleted list item is one item struck out, never the words of two items run together.
_CONTAINERS = frozenset({"ul", "ol", "table", "thead", "tbody", "tr", "blockquote", "dl"})


def _element_diffs(
    old: list[list[str | _Tag]], new: list[list[str | _Tag]], encode: _Encode
) -> list[tuple[str, bool]]:
    """Sibling elements matched whole, then changed ones paired and diffed: (HTML, changed)."""
    old_keys = ["".join(map(_key, b)) for b in old]
    new_keys = ["".join(map(_key, b)) for b in new]
    out: list[tuple[str, bool]] = []
    for equal, i0, i1, j0, j1 in _runs(old_keys, new_keys):
        if equal:
            out += [(new_keys[j], False) for j in range(j0, j1)]
            continue
        for before, after in _pair_blocks(old[i0:i1], new[j0:j1]):
            out.append((_element_diff(before, after, encode), True))
    return out


def _element_diff(old: list[str | _Tag], new: list[str | _Tag], encode: _Encode) -> str:
    kind = _kind(new)
    if kind in _CONTAINERS and _kind(old) == kind and len(old) > 1 and len(new) > 1:
        inner = _element_diffs(_blocks(old[1:-1]), _blocks(new[1:-1]), encode)
        return "\n".join([new[0].html, *(html for html, _ in inner), new[-1].html])
    return _block_diff(old, new, encode)


def _pair_blocks(left: list[list[str | _Tag]], right: list[list[str | _Tag]]):
    """Changed blocks paired up: one for one where the same kinds of block face each other (a
    heading reworded is still that heading), else by their words, as changed lines are."""
    if [_kind(b) for b in left] == [_kind(b) for b in right]:
        return list(zip(left, right, strict=True))
    pairs = []
    i = j = 0
    for old_text, new_text in _pair_lines(list(map(_plain, left)), list(map(_plain, right))):
        pairs.append(
            (left[i] if old_text is not None else [], right[j] if new_text is not None else [])
        )
        i, j = i + (old_text is not None), j + (new_text is not None)
    return pairs


def _kind(block: list[str | _Tag]) -> str:
    return block[0].name if block and isinstance(block[0], _Tag) else ""


def paragraphs(changes: list[Change]) -> list[tuple[Change, ...]]:
    """A word diff cut into paragraphs at the blank lines of its unchanged text, for folding."""
    out: list[list[Change]] = [[]]
    for change in changes:
        if change.op is not Op.EQUAL:
            out[-1].append(change)
            continue
        pieces = re.split(r"(\n[^\S\n]*\n\s*)", change.text)
        for k, piece in enumerate(pieces):
            if piece:
                out[-1].append(Change(Op.EQUAL, piece))
            if k % 2 == 1 and k < len(pieces) - 1:  # a blank line ends the paragraph
                out.append([])
    return [tuple(p) for p in out if p]


@dataclass(frozen=True)
class Stretch(Generic[T]):
    """A run of items that all changed, or all did not (those fold in "changes only")."""

    items: tuple[T, ...]
    changed: bool

    @property
    def count(self) -> int:
        return len(self.items)


def stretches(items: Sequence[T], changed: Callable[[T], bool]) -> list[Stretch[T]]:
    """Items in runs of changed and unchanged ones, in order."""
    out: list[Stretch[T]] = []
    run: list[T] = []
    for item in items:
        if run and changed(item) != changed(run[0]):
            out.append(Stretch(tuple(run), changed(run[0])))
            run = []
        run.append(item)
    if run:
        out.append(Stretch(tuple(run), changed(run[0])))
    return out


def side_paragraphs(rows: list[Row]) -> list[tuple[Row, ...]]:
    """Side-by-side rows in paragraphs: each runs to the blank rows after it."""
    out: list[list[Row]] = [[]]
    for row in rows:
        if not _blank_row(row) and out[-1] and _blank_row(out[-1][-1]):
            out.append([])
        out[-1].append(row)
    return [tuple(p) for p in out if p]


def _blank_row(row: Row) -> bool:
    return not "".join(c.text for c in (*(row.left or ()), *(row.right or ()))).strip()


# "Changes only": what folds, in each layout. An unchanged paragraph (or block) folds; runs of
# them fold together, under one count.


def inline_stretches(changes: list[Change]) -> list[Stretch[tuple[Change, ...]]]:
    return stretches(paragraphs(changes), lambda p: any(c.op is not Op.EQUAL for c in p))


def side_stretches(rows: list[Row]) -> list[Stretch[tuple[Row, ...]]]:
    return stretches(side_paragraphs(rows), lambda p: any(row.changed for row in p))


def block_stretches(blocks: list[Block]) -> list[Stretch[Block]]:
    return stretches(blocks, lambda block: block.changed)
