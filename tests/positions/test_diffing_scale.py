"""Long documents: the diff stays exact on every path the engine takes to stay quick.

(How quick is for `make bench`; here only exactness and readability, no timings.)
"""

import importlib
import os
import random
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from positions import diffing
from positions.diffing import Op, rebuild, side_by_side, word_diff

VOCABULARY = [f"w{i}" for i in range(60)] + ["the", "a", "of", "rent", "fair"]

# The module, not the class of the same name that the package exports.
dmp_module = importlib.import_module("diff_match_patch.diff_match_patch")


def paragraph(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(words)) + "."


def document(seed: int, paragraphs: int = 120) -> str:
    rng = random.Random(seed)
    return "\n\n".join(paragraph(rng, rng.randint(20, 90)) for _ in range(paragraphs)) + "\n"


def edited(text: str, seed: int, share: float) -> str:
    """Replace, drop and add words in a share of the paragraphs; drop and add paragraphs."""
    rng = random.Random(seed)
    out = []
    for para in text.split("\n\n"):
        roll = rng.random()
        if roll < 0.05:
            continue
        if roll < share:
            words = para.split(" ")
            for _ in range(max(1, len(words) // 6)):
                words[rng.randrange(len(words))] = rng.choice(VOCABULARY)
            para = " ".join(words)
        out.append(para)
        if rng.random() < 0.05:
            out.append(paragraph(rng, 40))
    return "\n\n".join(out)


def sides(rows) -> tuple[str, str]:
    left = "".join(c.text for row in rows if row.left for c in row.left)
    right = "".join(c.text for row in rows if row.right for c in row.right)
    return left, right


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("share", [0.1, 0.9])
def test_long_documents_rebuild_exactly(seed, share):
    old = document(seed)
    new = edited(old, seed + 100, share)
    changes = word_diff(old, new)
    assert rebuild(changes) == (old, new)
    assert all(c.text for c in changes)
    assert all(a.op is not b.op for a, b in zip(changes, changes[1:], strict=False))
    assert sides(side_by_side(old, new)) == (old, new)


def test_one_big_hunk_has_its_lines_paired(monkeypatch):
    """No line in common (every blank line gone): a hunk past the size limit pairs its lines."""
    monkeypatch.setattr(diffing, "_WHOLE_HUNK_CHARS", 500)
    old = document(1, paragraphs=40)
    new = edited(old, 2, 0.5).replace("\n\n", "\n")
    assert rebuild(word_diff(old, new)) == (old, new)
    rows = side_by_side(old, new)
    assert sides(rows) == (old, new)
    assert any(row.left and row.right and row.changed for row in rows)


def test_unrelated_texts_and_lopsided_pieces_stay_exact():
    old, new = document(3, 30), document(4, 5)
    assert rebuild(word_diff(old, new)) == (old, new)
    assert rebuild(word_diff(old, old[:100] + "x" + old[-100:])) == (
        old,
        old[:100] + "x" + old[-100:],
    )


@pytest.mark.parametrize("bound", [0, 3, 30])
def test_effort_bound_gives_a_longer_diff_never_a_wrong_one(monkeypatch, bound):
    """diff-match-patch given little or nothing: only anchors match, the rest is replaced."""
    monkeypatch.setattr(diffing, "_DMP_MAX", bound)
    old = document(5, 20)
    new = edited(old, 6, 0.9)
    assert rebuild(word_diff(old, new)) == (old, new)
    assert sides(side_by_side(old, new)) == (old, new)


def test_a_long_single_line_rewritten_is_cut_at_anchors_and_stays_exact():
    """No line breaks to anchor on: the words are anchored first, then diffed gap by gap."""
    rng = random.Random(7)
    # Common words, and one in three a word of its own (as names and rare words are).
    words = [rng.choice(VOCABULARY) if rng.random() < 0.7 else f"x{i}" for i in range(5000)]
    old = " ".join(words)
    for _ in range(500):
        words[rng.randrange(len(words))] = rng.choice(VOCABULARY)
    new = " ".join(words)
    changes = word_diff(old, new)
    assert rebuild(changes) == (old, new)
    assert sum(len(c.text) for c in changes if c.op is Op.EQUAL) > len(old) * 3 // 4


def test_shuffled_words_stay_exact():
    """The search's worst case: the same words in another order, nothing unique to anchor on."""
    rng = random.Random(9)
    words = [w for w in VOCABULARY[:40] for _ in range(5)]
    old = " ".join(words)
    rng.shuffle(words)
    assert rebuild(word_diff(old, " ".join(words))) == (old, " ".join(words))


def test_the_diff_does_not_depend_on_time(monkeypatch):
    """No timeout: a clock jumping an hour at every look (a slow machine) gives the same diff."""
    old = document(10, 30)
    new = edited(old, 11, 0.9)
    expected = word_diff(old, new)
    clock = iter(range(0, 10**9, 3600))
    monkeypatch.setattr(dmp_module, "time", SimpleNamespace(time=lambda: next(clock)))
    assert word_diff(old, new) == expected
    assert diffing._DMP.Diff_Timeout == 0


def test_the_diff_is_the_same_in_every_process():
    """Nothing depends on hash order (which changes with each Python process)."""
    script = (
        "import sys; from positions.diffing import word_diff; from tests.positions import "
        "test_diffing_scale as t; old = t.document(12, 40); new = t.edited(old, 13, 0.9); "
        "sys.stdout.write(repr(word_diff(old, new)))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=Path(__file__).parents[2],
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


def test_scattered_edits_in_a_long_document_are_just_those_words():
    old = " ".join(f"word{i}" for i in range(20_000))
    new = old.replace("word123 ", "rent ").replace("word9999 ", "").replace("word15000", "a b")
    edits = [(c.op, c.text) for c in word_diff(old, new) if c.op is not Op.EQUAL]
    assert edits == [
        (Op.DELETE, "word123"),
        (Op.INSERT, "rent"),
        (Op.DELETE, "word9999 "),
        (Op.DELETE, "word15000"),
        (Op.INSERT, "a b"),
    ]


def test_a_change_of_spacing_alone_shows_as_just_that():
    assert [(c.op, c.text) for c in word_diff("fair  rents now", "fair rents now")] == [
        (Op.EQUAL, "fair "),
        (Op.DELETE, " "),
        (Op.EQUAL, "rents now"),
    ]
