"""The formatted diff: the rendered text as a reviewer reads it, with insertions and deletions
marked inside headings, emphasis, lists, links and tables; and "changes only" folding."""

import re
from html import unescape

from hypothesis import given, settings
from hypothesis import strategies as st

from positions import diffing
from positions.diffing import Change, Op
from positions.rendering import render_markdown
from tests.e2e.xss_payloads import PAYLOADS

_LABEL = re.compile(r'<span class="sr-only">[^<]*</span>')
_DELETED = re.compile(r"<del>.*?</del>", re.S)
_INSERTED = re.compile(r"<ins>.*?</ins>", re.S)
_TAG = re.compile(r"<[^>]+>")
ALLOWED = {
    *("a", "abbr", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "hr", "ins", "li"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "ol", "p", "pre", "span", "strong", "sub", "sup"),
    *("table", "tbody", "td", "th", "thead", "tr", "ul"),
}


def formatted(old: str, new: str) -> str:
    blocks = diffing.formatted_diff(render_markdown(old), render_markdown(new))
    return "".join(block.html for block in blocks)


def words(html: str) -> str:
    """The text's characters, in order, without tags, labels or spaces."""
    return "".join(unescape(_TAG.sub("", _LABEL.sub("", html))).split())


def test_words_not_markdown_with_changes_marked_inside_the_structure():
    html = formatted(
        "## Fair rents\n\nWe ask for **fair** rents. See [the report](https://a.example).",
        "## Low rents\n\nWe ask for **low** rents. See [the report](https://a.example).",
    )
    assert "##" not in html and "**" not in html and "](" not in html
    assert re.search(r"<h2><del>.*Fair.*</del> ?<ins>.*Low.*</ins> ?rents</h2>", html)
    assert re.search(r"<strong><del>.*fair.*</del><ins>.*low.*</ins></strong>", html)
    assert '<a href="https://a.example" rel="noopener noreferrer nofollow">the report</a>' in html


def test_list_items_and_table_cells_keep_their_place():
    html = formatted(
        "- one\n- two\n- three\n\n| a | b |\n|---|---|\n| 1 | 2 |",
        "- one\n- three\n\n| a | b |\n|---|---|\n| 1 | 3 |",
    )
    assert re.search(r"<li><del>(<span[^>]*>[^<]*</span>)?two", html)  # still an item
    assert re.search(r"<td><del>.*2.*</del><ins>.*3.*</ins></td>", html)


def test_a_list_is_diffed_item_by_item_and_a_table_row_by_row():
    html = formatted(
        "- Planning\n- A fund for studies\n- Grid connection support\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n| x | y |",
        "- Planning\n- Grid connection support within six months\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n| x | z |",
    )
    assert re.search(r"<li><del>(<span[^>]*>[^<]*</span>)?A fund for studies<", html)
    assert re.search(r"<li>Grid connection support <ins>.*within six months.*</ins></li>", html)
    assert "<td>1</td>\n<td>2</td>" in html  # an unchanged row as it was
    assert re.search(r"<td><del>.*y.*</del><ins>.*z.*</ins></td>", html)


def test_a_changed_link_address_is_flagged_with_the_old_one():
    html = formatted("[report](https://a.example)", "[report](https://b.example)")
    assert 'class="link-changed"' in html and "it was https://a.example" in html
    assert 'href="https://b.example"' in html


def test_a_block_added_or_taken_away_is_marked_whole():
    blocks = diffing.formatted_diff(
        render_markdown("Kept.\n\nGone for good."), render_markdown("Kept.\n\nBrand new.")
    )
    assert [b.changed for b in blocks] == [False, True, True] or [b.changed for b in blocks] == [
        False,
        True,
    ]
    assert blocks[0].html == "<p>Kept.</p>"


def test_identical_renderings_mark_nothing():
    text = "## A\n\nSome *text*.\n\n- a\n- b"
    blocks = diffing.formatted_diff(render_markdown(text), render_markdown(text))
    assert blocks and not any(b.changed for b in blocks)
    assert "<ins>" not in "".join(b.html for b in blocks)


_markdown = st.lists(
    st.sampled_from(
        ["## Heading", "**bold**", "*soft*", "[link](https://x.example)", "- item", "plain",
         "words", "rents", "\n\n", "\n", " ", "| a | b |\n|---|---|\n| 1 | 2 |\n\n", "1. first"]
    ),
    max_size=14,
).map("".join)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(_markdown, _markdown)
def test_without_its_deletions_it_reads_as_the_new_text_without_its_insertions_as_the_old(a, b):
    html = formatted(a, b)
    assert words(_DELETED.sub("", html)) == words(render_markdown(b))
    assert words(_INSERTED.sub("", html)) == words(render_markdown(a))


def test_hostile_text_stays_inert_in_the_marked_result():
    for payload in PAYLOADS:
        pairs = (
            (payload, "safe"),
            ("safe", payload),
            (payload, payload + " x"),
            (f"{payload}\n\nsafe", f"{payload}\n\nsafer"),  # the hostile block unchanged
        )
        for old, new in pairs:
            html = formatted(old, new)
            for tag in _TAG.findall(html):  # text is escaped: every "<" opens an allowed tag
                name = re.match(r"</?([a-z0-9]+)", tag)[1]
                assert name in ALLOWED, (payload, tag)
                assert not re.search(r"\son\w+\s*=|javascript:|data:|vbscript:", tag, re.I)


def test_changes_only_folds_runs_of_unchanged_paragraphs():
    changes = diffing.word_diff("a\n\nb\n\nc old\n\nd\n\ne", "a\n\nb\n\nc new\n\nd\n\ne")
    stretches = diffing.inline_stretches(changes)
    assert [(s.changed, s.count) for s in stretches] == [(False, 2), (True, 1), (False, 2)]
    rebuilt = [c for s in stretches for p in s.items for c in p]
    assert diffing.rebuild(rebuilt) == diffing.rebuild(changes)  # nothing lost by folding


def test_changes_only_folds_side_by_side_rows_by_paragraph():
    rows = diffing.side_by_side("a\n\nb\n\nc old\n\nd", "a\n\nb\n\nc new\n\nd")
    stretches = diffing.side_stretches(rows)
    assert [(s.changed, s.count) for s in stretches] == [(False, 2), (True, 1), (False, 1)]
    assert [row for s in stretches for p in s.items for row in p] == rows


def test_changes_only_folds_unchanged_blocks():
    blocks = diffing.formatted_diff(
        render_markdown("A.\n\nB.\n\nC.\n\nD."), render_markdown("A.\n\nB.\n\nC!\n\nD.")
    )
    assert [(s.changed, s.count) for s in diffing.block_stretches(blocks)] == [
        (False, 2),
        (True, 1),
        (False, 1),
    ]


def test_a_paragraph_with_any_change_is_changed():
    assert diffing.paragraphs([Change(Op.EQUAL, "x\n\ny "), Change(Op.INSERT, "z")]) == [
        (Change(Op.EQUAL, "x"), Change(Op.EQUAL, "\n\n")),
        (Change(Op.EQUAL, "y "), Change(Op.INSERT, "z")),
    ]
