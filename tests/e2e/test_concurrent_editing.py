"""Two people editing one position at once: a clean merge, then a conflict that keeps the text."""

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import draft, flash_says, look, policy

pytestmark = pytest.mark.browser

BODY = """Libraries are community anchors.

Every library should open on Saturdays.

Closures need twelve months' notice.
"""


def test_two_editors_merge_cleanly_then_conflict_keeps_the_typed_text(open_as):
    tom = open_as(policy("harbourside"))
    ravi = open_as(policy("moorland"))
    pid = draft(tom, "Libraries stay open", BODY, area="Youth services")

    # Both open the editor on revision 1.
    tom.goto(f"/positions/{pid}/edit")
    ravi.goto(f"/positions/{pid}/edit")
    tom_body, ravi_body = tom.get_by_label("Text (Markdown)"), ravi.get_by_label("Text (Markdown)")

    # Tom changes the first paragraph and saves first; Ravi changes the last one and saves.
    tom_body.fill(BODY.replace("community anchors", "vital community anchors"))
    tom.get_by_role("button", name="Save new revision").click()
    flash_says(tom, "Saved revision 2")
    ravi_body.fill(BODY.replace("twelve months'", "eighteen months'"))
    ravi.get_by_label("What changed").fill("Longer notice")
    ravi.get_by_role("button", name="Save new revision").click()
    flash_says(ravi, "your changes were merged into revision 3")
    text = ravi.locator(".position-text")
    expect(text).to_contain_text("vital community anchors")
    expect(text).to_contain_text("eighteen months' notice")

    # Now both change the same sentence from revision 3.
    tom.goto(f"/positions/{pid}/edit")
    ravi.goto(f"/positions/{pid}/edit")
    merged = ravi_body.input_value()
    tom_body.fill(merged.replace("on Saturdays", "on Sundays"))
    tom.get_by_role("button", name="Save new revision").click()
    flash_says(tom, "Saved revision 4")

    mine = merged.replace("on Saturdays", "on weekday evenings")
    ravi_body.fill(mine)
    ravi.get_by_label("What changed").fill("Evening hours")
    ravi.get_by_role("button", name="Save new revision").click()
    expect(ravi).to_have_title("Edit conflict · Libraries stay open · Concord")
    expect(ravi.get_by_role("alert")).to_contain_text("Nothing is lost")
    # Their change is shown; the form holds every word Ravi typed, note included.
    expect(ravi.locator(".panel .diff-inline ins")).to_contain_text("Sundays")
    expect(ravi.get_by_label("Text (Markdown)")).to_have_value(mine)
    expect(ravi.get_by_label("What changed")).to_have_value("Evening hours")
    look(ravi, "edit-conflict")

    # Ravi brings Tom's change in and saves on top of revision 4.
    ravi.get_by_label("Text (Markdown)").fill(
        merged.replace("on Saturdays", "on Sundays and weekday evenings")
    )
    ravi.get_by_role("button", name="Save my version on top of revision 4").click()
    flash_says(ravi, "Saved revision 5")
    expect(ravi.locator(".position-text")).to_contain_text("on Sundays and weekday evenings")
