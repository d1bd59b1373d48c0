"""Word-level diffs between revisions, side-by-side rows, and three-way merges.

Diffs are exact: the `equal` and `delete` texts rebuild the old text and the `equal` and
`insert` texts rebuild the new one. They are computed paragraph first (lines), then word by
word inside the paragraphs that changed, which keeps long documents quick and the result
readable.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from diff_match_patch import diff_match_patch


class Op(StrEnum):
    EQUAL = "equal"
    DELETE = "delete"
    INSERT = "insert"


@dataclass(frozen=True)
class Change:
    op: Op
    text: str


_DMP_OPS = {0: Op.EQUAL, -1: Op.DELETE, 1: Op.INSERT}

# A word, a run of spaces (not newlines), a newline, or one punctuation mark.
_WORD = re.compile(r"\w+|[^\S\n]+|\n|[^\w\s]", re.UNICODE)


def _engine() -> diff_match_patch:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 2.0  # past this the diff stays exact, only less minimal
    return dmp


def _encode(token_lists: list[list[str]]) -> tuple[list[str], list[str]]:
    """Map each distinct token to one character so the diff engine compares tokens whole."""
    table: dict[str, str] = {}
    alphabet: list[str] = []
    encoded = []
    for tokens in token_lists:
        chars = []
        for token in tokens:
            char = table.get(token)
            if char is None:
                code = len(alphabet) + 1
                if code >= 0xD800:  # skip the surrogate block
                    code += 0x800
                char = chr(code)
                table[token] = char
                alphabet.append(token)
            chars.append(char)
        encoded.append("".join(chars))
    return encoded, alphabet


def _diff_tokens(old_tokens: list[str], new_tokens: list[str]) -> list[Change]:
    (old_enc, new_enc), alphabet = _encode([old_tokens, new_tokens])
    changes = []
    for code, chars in _engine().diff_main(old_enc, new_enc, False):
        text = "".join(alphabet[_index(c)] for c in chars)
        changes.append(Change(_DMP_OPS[code], text))
    return changes


def _index(char: str) -> int:
    code = ord(char)
    if code >= 0xE000:
        code -= 0x800
    return code - 1


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _coalesce(changes: list[Change]) -> list[Change]:
    """Join neighbours with the same op and drop empty pieces; deletions before insertions."""
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
    result: list[Change] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted or inserted:
            old_part, new_part = "".join(deleted), "".join(inserted)
            result.extend(_diff_tokens(_WORD.findall(old_part), _WORD.findall(new_part)))
            deleted.clear()
            inserted.clear()

    for change in _diff_tokens(_lines(old), _lines(new)):
        if change.op is Op.EQUAL:
            flush()
            result.append(change)
        elif change.op is Op.DELETE:
            deleted.append(change.text)
        else:
            inserted.append(change.text)
    flush()
    return _coalesce(result)


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
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        for i in range(max(len(deleted), len(inserted))):
            left = deleted[i] if i < len(deleted) else None
            right = inserted[i] if i < len(inserted) else None
            if left is not None and right is not None:
                words = word_diff(left, right)
                rows.append(
                    Row(
                        tuple(c for c in words if c.op is not Op.INSERT),
                        tuple(c for c in words if c.op is not Op.DELETE),
                    )
                )
            elif left is not None:
                rows.append(Row((Change(Op.DELETE, left),), None))
            else:
                rows.append(Row(None, (Change(Op.INSERT, right),)))
        deleted.clear()
        inserted.clear()

    for change in _diff_tokens(_lines(old), _lines(new)):
        for line in _lines(change.text):
            if change.op is Op.EQUAL:
                flush()
                same = (Change(Op.EQUAL, line),)
                rows.append(Row(same, same))
            elif change.op is Op.DELETE:
                deleted.append(line)
            else:
                inserted.append(line)
    flush()
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
    my_edits = _edits(word_diff(base, mine))
    their_edits = _edits(word_diff(base, theirs))
    if any(_overlap(mine_edit, other) for mine_edit in my_edits for other in their_edits):
        return Merge(mine, False)
    pieces, pos = [], 0
    for start, end, added in sorted(my_edits + their_edits):
        pieces += [base[pos:start], added]
        pos = end
    pieces.append(base[pos:])
    return Merge("".join(pieces), True)
