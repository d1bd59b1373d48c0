"""Every page works without JavaScript: JavaScript only adds comfort."""

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import COMMS, PARTNERS, chief, decide, draft, flash_says, policy

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
