"""Drafting a position with the live preview, editing it, comparing revisions."""

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import edit, flash_says, look, look_printed, policy

pytestmark = pytest.mark.browser

BODY = """Councils should publish every allotment waiting list.

## What we ask for

1. A waiting list published each quarter.
2. A site within a mile of every home.
"""


def test_draft_with_live_preview_then_edit_and_compare(open_as):
    page = open_as(policy("harbourside"))
    page.goto("/positions/")
    page.get_by_role("link", name="Draft a new position").first.click()
    expect(page).to_have_title("New position · Concord")

    # A refused form keeps every word typed, and says what is wrong next to the field.
    body = page.get_by_label("Text (Markdown)")
    body.fill(BODY)
    page.get_by_role("button", name="Save as revision 1").click()
    title = page.get_by_label("Title")
    expect(title).to_have_attribute("aria-invalid", "true")
    expect(page).to_have_title("Error: New position · Concord")
    expect(title).to_be_focused()  # the cursor waits in the first field to fix
    expect(page.get_by_role("alert").first).to_contain_text("Give the position a title")
    expect(body).to_have_value(BODY)

    # The live preview renders what is typed, the way the saved text will be rendered.
    preview = page.locator(".preview-body")
    expect(preview.get_by_role("heading", name="What we ask for")).to_be_visible()
    body.press("End")
    body.press_sequentially("\n\nA **firm** promise.")
    expect(preview.locator("strong")).to_have_text("firm")
    look(page, "position-new-error")

    title.fill("Allotments for all")
    page.get_by_label("Policy area").select_option(label="Housing")
    page.get_by_label("Note on this revision").fill("First draft")
    page.get_by_role("button", name="Save as revision 1").click()
    flash_says(page, "Created “Allotments for all” as revision 1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Allotments for all")
    expect(page.locator(".position-text strong")).to_have_text("firm")
    look(page, "position-draft")
    look_printed(page, "position-draft")
    pid = int(page.url.rsplit("/", 1)[1])

    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page).to_have_title("Edit Allotments for all · Concord")
    expect(page.locator(".preview-body")).to_contain_text("A firm promise")
    look(page, "position-edit")
    edit(
        page,
        pid,
        BODY.replace("each quarter", "every month").replace("a mile", "half a mile"),
        note="Monthly lists, closer sites",
    )
    flash_says(page, "Saved revision 2")
    expect(page.locator(".meta")).to_contain_text("Revision 2 of 2")

    # History: pick two revisions, compare inline, then side by side.
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("table")).to_contain_text("Monthly lists, closer sites")
    look(page, "position-history")
    page.get_by_role("button", name="Compare inline").click()
    expect(page).to_have_title("Compare 1→2 · Allotments for all · Concord")
    diff = page.locator(".diff-inline")
    expect(diff.locator("ins").first).to_be_visible()
    expect(diff.locator("del", has_text="quarter")).to_be_visible()
    expect(diff.locator("ins", has_text="month")).to_be_visible()
    # Insertions and deletions differ by more than colour: underline and strike-through.
    assert "underline" in diff.locator("ins").first.evaluate(
        "el => getComputedStyle(el).textDecorationLine"
    )
    assert "line-through" in diff.locator("del").first.evaluate(
        "el => getComputedStyle(el).textDecorationLine"
    )
    look(page, "compare-inline")

    page.get_by_label("Layout").select_option("side")
    page.get_by_role("button", name="Show").click()
    table = page.locator("table.diff-side")
    expect(table.get_by_role("columnheader", name="Before")).to_be_attached()
    expect(table.locator("td del", has_text="quarter")).to_be_visible()
    expect(table.locator("td ins", has_text="month")).to_be_visible()
    look(page, "compare-side-by-side")

    # The keyboard shortcut "c" on a position opens the comparison.
    page.goto(f"/positions/{pid}")
    page.locator("body").press("c")
    expect(page).to_have_url(f"/positions/{pid}/compare")


def test_positions_list_filters_and_empty_state(open_as):
    page = open_as(policy("moorland"))
    page.goto("/positions/")
    expect(page).to_have_title("Positions · Concord")
    look(page, "positions-index")
    page.get_by_label("Title contains").fill("no such position anywhere")
    page.get_by_role("button", name="Filter").click()
    empty = page.locator(".empty")
    expect(empty).to_contain_text("No positions match")
    look(page, "positions-index-empty")
    empty.get_by_role("link", name="Clear the filters").click()
    expect(page.get_by_role("table")).to_be_visible()


def test_not_found_and_not_allowed_pages(open_as):
    page = open_as(policy("moorland"))
    response = page.goto("/positions/999999")
    assert response.status == 404
    expect(page).to_have_title("Not found · Concord")
    expect(page.get_by_role("heading", level=1)).to_have_text("We can't find that page")
    look(page, "error-404")

    # Only admins read the audit record: a policy officer gets the product's 403 page.
    response = page.goto("/admin/audit")
    assert response.status == 403
    expect(page).to_have_title("Not allowed · Concord")
    expect(page.get_by_role("heading", level=1)).to_have_text("That isn't yours to do")
    expect(page.locator("main")).to_contain_text("Only admins can read the audit record")
    look(page, "error-403")

    anonymous = open_as()
    anonymous.goto("/public/no-such-position")
    expect(anonymous.get_by_role("link", name="Go to published positions")).to_be_visible()
    look(anonymous, "error-404-public")
