"""The wording check in the browser: comms paste a press release; each sentence is matched to
the published text it draws on, with a verdict and the words that depart from it marked."""

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import COMMS, look

pytestmark = pytest.mark.browser


def test_comms_check_a_press_release_against_the_agreed_wording(open_as):
    comms = open_as(COMMS)
    comms.goto("/public/")
    first = comms.locator(".published-list a").first
    title = first.inner_text()
    first.click()
    agreed = comms.locator(".public-position .prose p").first.inner_text()
    words = agreed.split()
    assert len(words) >= 6, agreed
    drifted = " ".join([*words[:-1], "indeed."])  # the last word changed
    comms.get_by_role("link", name="Check wording").click()
    comms.get_by_label("Text to check").fill(
        f"{agreed}\n\n{drifted}\n\nThe alliance also wants a moon base by next spring."
    )
    comms.get_by_role("button", name="Check the wording").click()
    checks = comms.locator(".wording-check")
    expect(checks).to_have_count(3, timeout=10_000)
    expect(checks.nth(0)).to_contain_text("verbatim")
    expect(checks.nth(0).get_by_role("link", name=title)).to_be_visible()
    expect(checks.nth(1).locator(".badge")).not_to_have_text("verbatim")
    expect(checks.nth(1).locator("ins")).to_contain_text("indeed")
    expect(checks.nth(2)).to_contain_text("not an agreed position")
    expect(comms.locator(".wording-summary")).to_contain_text("As a whole: not an agreed position")
    look(comms, "wording-check")
