"""Signatory power comes from the partner: an admin's appointment of a second chief officer
waits for the partner's chief officer to confirm it, who hands over the new chief officer's
set-password link (the admin's invitation link no longer works); the new chief officer then
enrols a second factor at sign-in (key and QR code on the page, recovery codes once) and types
a code after."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import ADMIN, flash_says, look, type_second_factor

pytestmark = pytest.mark.browser

EMAIL = "second.chief@harbourside.example"
PASSWORD = "heron estuary lantern 9"


def test_an_appointment_waits_for_the_partner_then_the_new_chief_enrols(open_as, live_server):
    before = live_server.app.config["REQUIRE_SECOND_FACTOR"]
    # Sign-ins kept from earlier journeys were made without a second factor: with one required
    # they no longer count, so these people sign in afresh (and enrol, if asked).
    for email in (ADMIN, "chief@harbourside.example"):
        live_server.states.pop(email, None)
    live_server.app.config["REQUIRE_SECOND_FACTOR"] = True  # as in production, for this journey
    try:
        _journey(open_as)
    finally:
        live_server.app.config["REQUIRE_SECOND_FACTOR"] = before


def _journey(open_as):
    admin = open_as(ADMIN)
    admin.goto("/admin/people")
    admin.get_by_label("Email").fill(EMAIL)
    admin.get_by_label("Name").fill("Sam Second")
    admin.get_by_label("Partner").select_option(label="Harbourside Tenants Federation")
    admin.get_by_label("Chief officer").check()
    admin.get_by_role("button", name="Invite").click()
    flash_says(admin, "only when another of its chief officers confirms")
    link = re.search(r"/welcome/\S+", admin.locator(".callout code").inner_text()).group(0)

    # Harbourside's chief officer is told on the dashboard, and confirms.
    chief = open_as("chief@harbourside.example")
    chief.goto("/")
    chief.get_by_role("link", name="Confirm or decline").click()
    expect(chief.get_by_role("heading", level=2)).to_contain_text("Make Sam Second a chief officer")
    look(chief, "signatories-waiting")
    chief.get_by_role("button", name="Confirm for Sam Second").click()
    flash_says(chief, "Sam Second is now a chief officer")
    # The admin's invitation link is spent: Sam's way in is the link the chief officer hands over.
    handed = re.search(r"/welcome/\S+", chief.locator(".callout code").inner_text()).group(0)
    look(chief, "signatories-appointed-link")

    sam = open_as()
    sam.goto(link)
    expect(sam.locator("body")).to_contain_text("expired or has already been used")
    # Sam sets a password, signs in, and must enrol a second factor before anything else.
    sam.goto(handed)
    sam.get_by_label("Choose a password").fill(PASSWORD)
    sam.get_by_label("Again").fill(PASSWORD)
    sam.get_by_role("button", name="Set password").click()
    flash_says(sam, "Your password is set")
    sam.goto("/login")
    sam.get_by_label("Email").fill(EMAIL)
    sam.get_by_label("Password").fill(PASSWORD)
    sam.get_by_role("button", name="Sign in").click()
    expect(sam.get_by_role("heading", level=1)).to_have_text("Set up your second factor")
    expect(sam.locator(".qr svg")).to_be_visible()
    look(sam, "second-factor-enrol")
    codes = type_second_factor(sam, EMAIL)
    assert len(codes) == 10
    sam.goto("/signatories")
    sam.get_by_role("button", name="Sign out").click()

    sam.get_by_label("Email").fill(EMAIL)
    sam.get_by_label("Password").fill(PASSWORD)
    sam.get_by_role("button", name="Sign in").click()
    expect(sam.get_by_role("heading", level=1)).to_have_text("Your code")
    look(sam, "second-factor-code")
    type_second_factor(sam, EMAIL)
    flash_says(sam, "Signed in as Sam Second")
