"""Starting a real alliance: an empty database leads to the set-up page, which needs its token."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import ADMIN, flash_says, look, sign_in

pytestmark = pytest.mark.browser


def test_first_run_sets_up_an_alliance_and_signs_its_admin_in(open_empty, empty_server):
    page = open_empty
    page.goto("/")
    # No admin yet: the front door leads to set-up, which is locked without the logged token.
    expect(page).to_have_url(f"{empty_server.url}/setup")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set-up needs its link")
    look(page, "setup-locked")

    page.goto(f"/setup?token={empty_server.states['setup_token']}")
    page.get_by_label("Alliance name").fill("Estuary Alliance")
    page.get_by_label("Time zone").fill("Mars/Olympus")
    page.get_by_label("Partners").fill("Riverbank Trust=riverbank\nMoor Group")
    page.get_by_label("Policy areas").fill("Housing\nClean rivers")
    page.get_by_label("Your name").fill("Dana Director")
    page.get_by_label("Your email").fill("dana@estuary.example")
    page.get_by_role("button", name="Set up").click()
    # A refusal is said on its field and everything typed is still there.
    expect(page.get_by_role("alert")).to_contain_text("not a time zone")
    expect(page.get_by_label("Partners")).to_have_value("Riverbank Trust=riverbank\nMoor Group")
    look(page, "setup-error")

    page.get_by_label("Time zone").fill("Europe/Dublin")
    page.get_by_role("button", name="Set up").click()
    flash_says(page, "Your alliance is set up")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome to Concord, Dana")
    page.get_by_label("Choose a password").fill("estuary tides 2026 rise")
    page.get_by_label("Again").fill("estuary tides 2026 rise")
    page.get_by_role("button", name="Set password").click()
    flash_says(page, "Your password is set")
    sign_in(page, "dana@estuary.example", "estuary tides 2026 rise")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Dana Director")
    expect(page.locator("body")).to_contain_text("Estuary Alliance")

    page.goto("/admin/alliance")
    expect(page.get_by_role("heading", name="Riverbank Trust")).to_be_visible()
    look(page, "alliance-admin")
    # Set up once: the token no longer opens anything.
    page.goto(f"/setup?token={empty_server.states['setup_token']}")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Set up your alliance")


def test_a_partner_joining_says_what_it_does_to_drafts_in_flight(open_as):
    page = open_as(ADMIN)
    page.goto("/admin/alliance")
    # Joining in a few days: news now, a signatory only from then (other journeys unaffected).
    joins = date.today() + timedelta(days=5)
    add = page.locator("form", has=page.get_by_role("button", name="Add partner"))
    add.get_by_label("Name").fill("Estuary Trust")
    add.get_by_label("Joined on").fill(joins.isoformat())
    add.get_by_role("button", name="Add partner").click()
    flash_says(page, "Added Estuary Trust")
    page.goto("/")
    news = page.get_by_role("status").filter(has_text="Estuary Trust joins on")
    expect(news).to_contain_text(f"Estuary Trust joins on {joins.day} {joins.strftime('%B')}")
    expect(news).to_contain_text("drafts also need its approval")
    look(page, "dashboard-partner-joins")
