"""People and the record: deactivating someone ends their open session at once; the audit page
reads in names and words and filters."""

import pytest
from playwright.sync_api import expect

from app.accounts import services as accounts
from tests.e2e.journeys import ADMIN, flash_says, look, sign_in

pytestmark = pytest.mark.browser

TEMP_PASSWORD = "kestrel orchard lantern 7"


def test_deactivating_someone_signs_them_out_at_once(open_as, live_server):
    person = live_server.build(
        lambda session, users: (
            accounts.create_user(
                session,
                email="temp.officer@harbourside.example",
                name="Temp Officer",
                password=TEMP_PASSWORD,
                roles=["policy_officer"],
                partner_slug="harbourside",
            ).id
        )
    )
    theirs = open_as()
    sign_in(theirs, "temp.officer@harbourside.example", TEMP_PASSWORD)

    admin = open_as(ADMIN)
    admin.goto(f"/admin/people/{person}")
    expect(admin.get_by_role("heading", level=1)).to_have_text("Temp Officer")
    look(admin, "admin-person")
    admin.once("dialog", lambda dialog: dialog.accept())
    admin.get_by_role("button", name="Deactivate").click()
    flash_says(admin, "Temp Officer is deactivated")

    theirs.goto("/positions/")
    expect(theirs).to_have_url("/login?next=%2Fpositions%2F")


def test_the_audit_page_reads_in_names_and_filters(open_as):
    page = open_as(ADMIN)
    page.goto("/admin/audit")
    page.get_by_label("Who").fill("Alex")
    page.get_by_label("What").fill("login")
    page.get_by_role("button", name="Filter").click()
    # The person by name (their email beside it), the action asked for, no raw JSON.
    first = page.locator("tbody tr").first
    expect(first).to_contain_text("Alex Morgan (admin@alliance.example)")
    expect(first).to_contain_text("login")
    expect(page.get_by_role("link", name="Show everything")).to_be_visible()
    look(page, "audit-filtered")
