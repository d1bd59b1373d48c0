"""Signing in and out, and finding one's way by keyboard."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import ADMIN, chief, flash_says, look, policy

pytestmark = pytest.mark.browser


def test_sign_in_with_a_wrong_password_then_the_right_one(open_as):
    page = open_as()
    page.goto("/positions/")
    # A members' page sends a stranger to sign in, and says why.
    expect(page).to_have_url("/login?next=%2Fpositions%2F")
    flash_says(page, "Please sign in")
    expect(page).to_have_title("Sign in · The Alliance")
    look(page, "sign-in")

    page.get_by_label("Email").fill(chief("moorland"))
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    # The error is announced, tied to its field, and what was typed (the email) is kept.
    password = page.get_by_label("Password")
    expect(password).to_have_attribute("aria-invalid", "true")
    error = page.get_by_role("alert")
    expect(error).to_contain_text("do not match an account")
    expect(password).to_have_accessible_description(
        "⚠ That email and password do not match an account."
    )
    expect(page.get_by_label("Email")).to_have_value(chief("moorland"))
    expect(page).to_have_title("Error: Sign in · The Alliance")
    look(page, "sign-in-error")

    password.fill("concord-demo")
    password.press("Enter")
    expect(page).to_have_url("/positions/")
    flash_says(page, "Signed in as Mei Lin")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Mei Lin")

    page.get_by_role("button", name="Sign out").click()
    flash_says(page, "Signed out")
    expect(page).to_have_url("/login")


def test_keyboard_only_skip_link_and_visible_focus(open_as):
    page = open_as(policy("riverbank"))
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    # Focus is drawn, not left to the browser default alone.
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused, "after the skip link, Tab goes to the page's own content"
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert ring not in ("0px", ""), "the focused control shows a visible outline"


def test_dashboard_says_what_needs_me(open_as):
    page = open_as(chief("harbourside"))
    page.goto("/")
    expect(page).to_have_title("Dashboard · Concord")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hana")
    expect(
        page.get_by_role(
            "heading", name=re.compile("^To decide for Harbourside Tenants Federation")
        )
    ).to_be_visible()
    # The audit record's latest checkpoint, handed to each partner's chief officer to keep.
    expect(page.get_by_role("link", name=re.compile(r"^Download checkpoint \d+$"))).to_be_visible()
    look(page, "dashboard-chief")

    admin = open_as(ADMIN)
    admin.goto("/")
    # The alliance team has no partner: no "awaiting your partner" panels, still useful.
    expect(admin.get_by_role("heading", name="Agreed, ready to publish")).to_be_visible()
    look(admin, "dashboard-admin")
