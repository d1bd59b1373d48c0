"""Search in the browser: "/" from any page jumps to the search box; the results mark each match
and lead to the page; the filters narrow them; signed out, only published texts are found."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import draft, flash_says, look, policy

pytestmark = pytest.mark.browser

BODY = """Every library opens on Sunday afternoons.

Councils keep a reading room heated through the winter.
"""


def test_slash_jumps_to_search_the_hit_is_marked_and_leads_to_the_position(open_as):
    drafter = open_as(policy("harbourside"))
    pid = draft(drafter, "Libraries open on Sundays", BODY)

    reader = open_as(policy("moorland"))
    reader.goto("/")
    reader.keyboard.press("/")
    expect(reader.locator("#quick-search")).to_be_focused()
    reader.keyboard.type("reading roo")  # the last word as it is being typed
    reader.keyboard.press("Enter")
    expect(reader.get_by_role("heading", level=1)).to_have_text("Search")
    hit = reader.locator(
        ".search-hit", has=reader.get_by_role("link", name="Libraries open on Sundays")
    )
    expect(hit.locator("mark").first).to_have_text("reading")
    expect(hit).to_contain_text("Position (current text)")
    look(reader, "search-results")

    # Filters narrow: no meeting has these words.
    reader.get_by_label("Kind").select_option(label="Meeting")
    reader.get_by_role("button", name="Search").click()
    expect(reader.locator(".empty")).to_contain_text("with these filters")

    reader.get_by_label("Kind").select_option(label="Everything")
    reader.get_by_label("From", exact=True).fill("2030-01-01")
    reader.get_by_label("To", exact=True).fill("2029-01-01")
    reader.get_by_role("button", name="Search").click()
    expect(reader.get_by_role("alert")).to_contain_text("The last day comes before the first")
    expect(reader.locator("#search-q")).to_have_value("reading roo")  # what was typed is kept
    look(reader, "search-error")

    reader.get_by_label("From", exact=True).fill("")
    reader.get_by_label("To", exact=True).fill("")
    reader.get_by_role("button", name="Search").click()
    reader.get_by_role("link", name="Libraries open on Sundays").click()
    expect(reader).to_have_url(
        f"{reader.url.split('/positions')[0].split('/search')[0]}/positions/{pid}"
    )


def test_signed_out_the_search_finds_only_published_texts(open_as):
    visitor = open_as()
    visitor.goto("/public/")
    visitor.keyboard.press("/")
    expect(visitor.locator("#quick-search")).to_be_focused()
    visitor.keyboard.type("libraries sunday")  # a draft's words: not public
    visitor.keyboard.press("Enter")
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Search the published positions")
    expect(visitor.locator(".empty")).to_contain_text("Nothing has all of")
    look(visitor, "search-public-empty")


def test_discussion_is_found_by_who_may_read_it_and_leads_to_the_thread(open_as):
    author = open_as(policy("harbourside"))
    pid = draft(author, "Harbour ferries", "Ferries run every hour.\n\nFares stay low.")
    for paragraph, words, private in (
        (0, "Could the night crossings use electric boats?", False),
        (1, "Internal: our members would accept dearer electric crossings.", True),
    ):
        form = author.locator(f"#p-{paragraph} details.para-comment")
        form.locator("summary").click()
        form.get_by_label("What you want to say").fill(words)
        if private:
            form.get_by_label("Only Harbourside Tenants Federation (an internal note)").check()
        form.get_by_role("button", name="Start thread").click()
        flash_says(author, "Thread started")

    author.goto("/search?q=electric+crossings")
    hits = author.locator(".search-hit")
    expect(hits).to_have_count(2)  # both: the alliance thread and Harbourside's own note
    expect(hits.first).to_contain_text("Discussion")
    expect(hits.filter(has_text="dearer")).to_contain_text(
        "internal note of Harbourside Tenants Federation"
    )
    look(author, "search-discussion")

    other = open_as(policy("moorland"))
    other.goto("/search?q=electric+crossings")
    expect(other.locator(".search-hit")).to_have_count(1)  # never Harbourside's note
    expect(other.locator("main")).not_to_contain_text("dearer")
    other.locator(".search-hit a").first.click()
    expect(other).to_have_url(re.compile(rf"/positions/{pid}#thread-\d+$"))
    expect(other.locator("#discussion")).to_contain_text("night crossings")
