"""Markdown to safe HTML: rendered once per revision, sanitised with an allow-list."""

import markdown
import nh3

_TAGS = {
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
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
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
    "ul",
}
_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    """HTML for a Markdown text. Raw HTML, scripts and unsafe links come out inert."""
    html = markdown.markdown(text, extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


# A formatted diff (positions/diffing.py) adds its marks, their screen-reader labels and a
# changed link's note to a rendering; nothing else.
_MARKED_TAGS = _TAGS | {"ins", "del", "span"}
_MARKED_ATTRIBUTES = _ATTRIBUTES | {"a": {"href", "title", "class"}, "span": {"class"}}


def clean_marked(html: str) -> str:
    """A formatted diff's HTML, sanitised with the renderer's allow-list and its marks."""
    return nh3.clean(
        html,
        tags=_MARKED_TAGS,
        attributes=_MARKED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
