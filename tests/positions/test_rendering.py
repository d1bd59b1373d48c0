"""Markdown to safe HTML: the formatting survives, anything active does not."""

import re
from html import unescape
from html.parser import HTMLParser

import pytest

from positions.rendering import render_markdown

SAFE_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
}
SAFE_ATTRIBUTES = {"href", "title", "align", "rel"}
REL = 'rel="noopener noreferrer nofollow"'

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    '<img """><script>alert(1)</script>">',
    "Text\n\n<script>\nalert(1)\n</script>\n\nmore text",
    "<img src=x onerror=alert(1)>",
    '<p onclick="alert(1)">click</p>',
    '<div style="x" onmouseover="alert(1)">hover</div>',
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript&#x3A;alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '[x](javascript:alert(1) "title")',
    "<javascript:alert(1)>",
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="j\navascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="\x01javascript:alert(1)">x</a>',
    "[x](vbscript:msgbox(1))",
    "[x](VBScript:msgbox(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<style>body { display: none }</style>",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<base href="javascript:/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
]


class _Markup(HTMLParser):
    """The tags and attributes of an HTML fragment."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]

    handle_startendtag = handle_starttag


def assert_inert(html: str) -> None:
    markup = _Markup(html)
    assert set(markup.tags) <= SAFE_TAGS
    assert {name for name, _ in markup.attributes} <= SAFE_ATTRIBUTES
    for name, value in markup.attributes:
        if name == "href":
            scheme = re.match(r"^\s*([a-z][a-z0-9+.-]*):", unescape(value), re.IGNORECASE)
            assert scheme is None or scheme.group(1).lower() in {"http", "https", "mailto"}


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_input_comes_out_inert(source):
    html = render_markdown(source)
    assert not re.search(r"<script|\son\w+\s*=|javascript:|vbscript:|data:", html, re.IGNORECASE)
    assert not re.search(r"<(iframe|style|svg|math|img|object|embed|form)", html, re.IGNORECASE)
    assert_inert(html)


def test_there_are_at_least_thirty_hostile_inputs():
    assert len(set(HOSTILE)) >= 30


def test_hostile_markup_in_code_is_shown_as_text():
    html = render_markdown("`<img src=x onerror=alert(1)>`\n\n    <script>alert(1)</script>")
    assert_inert(html)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_text_around_removed_markup_is_kept():
    html = render_markdown("Before <script>alert(1)</script> after, <b>bold</b> text.")
    assert "Before" in html and "after" in html and "bold" in html


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("# Fair rents", "<h1>Fair rents</h1>"),
        ("### Detail", "<h3>Detail</h3>"),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("1. first\n2. second", "<ol>\n<li>first</li>\n<li>second</li>\n</ol>"),
        ("*we* ask", "<em>we</em> ask"),
        ("**firmly**", "<strong>firmly</strong>"),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        ("use `code`", "<code>code</code>"),
    ],
)
def test_markdown_formatting_renders(source, expected):
    assert expected in render_markdown(source)


def test_table_renders():
    html = render_markdown("| Partner | View |\n|---|---|\n| Moorland | support |")
    assert "<table>" in html and "<th>Partner</th>" in html and "<td>Moorland</td>" in html


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[our report](https://alliance.example/report)", "https://alliance.example/report"),
        ("<https://alliance.example/>", "https://alliance.example/"),
        ("[write](mailto:office@alliance.example)", "mailto:office@alliance.example"),
    ],
)
def test_safe_links_keep_their_target_and_get_a_safe_rel(source, href):
    html = render_markdown(source)
    assert f'href="{href}"' in html
    assert REL in html


def test_every_link_gets_a_safe_rel_even_when_it_asks_for_another():
    html = render_markdown(
        '<a href="https://x.example" rel="opener">x</a> and [y](https://y.example)'
    )
    assert html.count(REL) == 2
    assert "opener" not in html.replace("noopener", "")
