"""Every page works without JavaScript: JavaScript only adds comfort."""

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import (
    COMMS,
    PARTNERS,
    SCREENSHOTS,
    chief,
    decide,
    draft,
    flash_says,
    policy,
)

pytestmark = pytest.mark.browser


def test_draft_approve_and_publish_with_javascript_switched_off(open_as):
    drafter = open_as(policy("moorland"), javascript=False)
    pid = draft(drafter, "Village halls stay open", "Every village keeps its hall.")
    # No live preview without JavaScript; the saved text is rendered all the same.
    expect(drafter.locator(".position-text")).to_contain_text("Every village keeps its hall.")

    for slug in PARTNERS:
        tab = open_as(chief(slug), javascript=False)
        decide(tab, pid, "approve")
        flash_says(tab, f"{PARTNERS[slug]} approved revision 1")

    jo = open_as(COMMS, javascript=False)
    jo.goto(f"/positions/{pid}")
    jo.get_by_role("button", name="Publish revision 1").click()  # no confirm dialog to answer
    flash_says(jo, "Published revision 1 as the alliance's position")
    expect(jo.get_by_role("heading", level=1)).to_have_text("Village halls stay open")
    assert not jo.watcher.dialogs


def test_a_text_over_a_megabyte_comes_back_in_the_form_without_javascript(open_as):
    # Nothing in the page can stop the browser sending it: the server reads it whole and shows
    # the form again with the refusal, every word still in the box.
    page = open_as(policy("moorland"), javascript=False)
    page.goto("/positions/new")
    page.get_by_label("Title").fill("Pasted the whole report")
    page.get_by_label("Text (Markdown)").fill("word " * 250000 + "the end")  # 1.25 MB
    page.get_by_role("button", name="Save as revision 1").click()
    expect(page.get_by_role("alert").first).to_contain_text("the limit is 200 KB")
    expect(page.get_by_label("Title")).to_have_value("Pasted the whole report")
    kept = page.get_by_label("Text (Markdown)").input_value()
    assert len(kept) == 5 * 250000 + len("the end") and kept.endswith("the end")
    # Not look(): axe over a 1.25 MB text box takes minutes; the page is the usual form.
    page.screenshot(path=str(SCREENSHOTS / "form-over-a-megabyte-1280.png"))
