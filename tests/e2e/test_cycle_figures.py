"""Cycle figures in the browser: a chief officer follows the nav link to the figures on the demo's
year of history: the month-by-month chart and each open position's timeline load as images,
each beside its table; the overdue position is listed with the partners it waits for, and the
shares are in alphabetical order. A policy officer has no link and is refused the page."""

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import ADMIN, PARTNERS, SCREENSHOTS, chief, look, policy

pytestmark = pytest.mark.browser

ALPHABETICAL = sorted(PARTNERS.values())


def loaded(image) -> bool:
    return image.evaluate("img => img.complete && img.naturalWidth > 0")


def test_a_chief_officer_reads_the_cycle_figures(open_as):
    mei = open_as(chief("moorland"))
    mei.get_by_role("navigation", name="Main").get_by_role("link", name="Figures").click()
    expect(mei.get_by_role("heading", name="Cycle figures", level=1)).to_be_visible()

    unanimous = mei.locator("section", has=mei.get_by_role("heading", name="Ready to unanimous"))
    expect(unanimous.locator("tbody tr")).to_have_count(2)
    expect(unanimous).to_contain_text("Last year")
    expect(unanimous).to_contain_text("working days")

    chart = mei.get_by_role("img", name="Bar chart of the median")
    expect(chart).to_be_visible()
    assert loaded(chart)
    months = mei.locator("section", has=mei.get_by_role("heading", name="Month by month"))
    expect(months.locator("tbody tr")).to_have_count(12)

    overdue = mei.locator("section", has=mei.get_by_role("heading", name="Overdue now"))
    expect(overdue.locator(".overdue-list")).to_contain_text("Empty homes back into use")
    shares = overdue.locator("tbody th").all_inner_texts()
    assert shares == ALPHABETICAL, shares

    timelines = mei.locator("article.timeline img")
    expect(timelines.first).to_be_visible()
    for i in range(timelines.count()):
        assert loaded(timelines.nth(i)), f"timeline {i} did not load"
    look(mei, "cycle-figures")

    # Each chart opened on its own: an SVG document with its title.
    mei.goto("/figures/cycle-times.svg")
    expect(mei.locator("svg title").first).to_have_text("Cycle times month by month")
    mei.set_viewport_size({"width": 760, "height": 360})
    mei.screenshot(path=SCREENSHOTS / "cycle-figures-chart.png")


def test_policy_officers_have_no_figures(open_as):
    tom = open_as(policy("harbourside"))
    expect(tom.get_by_role("navigation", name="Main")).not_to_contain_text("Figures")
    response = tom.goto("/figures/")
    assert response.status == 403
    admin = open_as(ADMIN)
    expect(admin.get_by_role("navigation", name="Main")).to_contain_text("Figures")
