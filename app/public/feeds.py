"""The public record as an Atom feed (feedgen): one entry per publication and per withdrawal."""

from feedgen.feed import FeedGenerator
from flask import url_for

from app.public.queries import FeedEntry

ATOM = "application/atom+xml"


def atom(alliance: str, entries: list[FeedEntry]) -> bytes:
    index = url_for("public.index", _external=True)
    feed = FeedGenerator()
    feed.id(index)
    feed.title(f"{alliance}: published positions")
    feed.subtitle("Positions every partner agreed, and their withdrawals.")
    feed.author({"name": alliance})
    feed.link(href=index, rel="alternate")
    feed.link(href=url_for("public.feed", _external=True), rel="self")
    feed.language("en")
    for entry in reversed(entries):  # feedgen puts each new entry first
        page = url_for("public.position", slug=entry.slug, _external=True)
        item = feed.add_entry()
        item.id(f"{page}#{entry.key}")
        item.title(entry.title)
        item.link(href=page)
        item.updated(entry.at)
        item.published(entry.at)
        item.summary(entry.summary)
    if entries:
        feed.updated(entries[0].at)
    return feed.atom_str(pretty=True)
