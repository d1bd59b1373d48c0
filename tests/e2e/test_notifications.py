"""A chief officer's approval goes stale; the inbox says so; she follows the link, decides, and
the unread count drops. Admins read the mail Concord sent."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import ADMIN, chief, decide, draft, edit, flash_says, look, policy

pytestmark = pytest.mark.browser

BODY = "Every library stays open on Saturdays.\n\nVolunteers never replace paid staff.\n"


def unread(page) -> int:
    count = page.locator(".bell-count")
    return int(count.inner_text()) if count.count() else 0


def test_the_inbox_leads_to_the_decision_and_the_count_drops(open_as):
    drafter = open_as(policy("moorland"))
    pid = draft(drafter, "Libraries open on Saturdays", BODY)
    hana = open_as(chief("harbourside"))
    decide(hana, pid, "approve")
    flash_says(hana, "approved revision 1")
    hana.goto("/")
    before = unread(hana)

    edit(drafter, pid, BODY.replace("Saturdays", "Saturdays and Sundays"), note="Sundays too")
    flash_says(drafter, "Saved revision 2")

    hana.goto("/")
    assert unread(hana) == before + 1
    hana.get_by_role("link", name=re.compile("Inbox")).click()
    expect(hana).to_have_url(re.compile(r"/notifications$"))
    item = hana.locator(".notification", has_text="Your approval of “Libraries open on Saturdays")
    expect(item).to_contain_text("You receive this because you approved an earlier revision")
    expect(item.locator(".badge-unread")).to_be_visible()
    look(hana, "notifications-inbox")

    item.get_by_role("button", name="Open").click()
    expect(hana).to_have_url(re.compile(rf"/positions/{pid}/compare\?from=1&to=2"))
    assert unread(hana) == before  # opening it read it
    decide(hana, pid, "approve")
    flash_says(hana, "approved revision 2")
    assert unread(hana) == before

    hana.goto("/notifications/preferences")
    look(hana, "notifications-preferences")
    hana.get_by_role("button", name="Save").click()
    flash_says(hana, "Your choices are saved")


def test_admins_read_the_mail_concord_sent(open_as, live_server):
    admin = open_as(ADMIN)
    admin.goto("/admin/mail?view=queued")
    look(admin, "notifications-mail")
    first = admin.locator(".item-list li a").first
    if first.count():
        first.click()
        expect(admin.locator("pre.mail-text")).to_contain_text("You receive this because")
        look(admin, "notifications-mail-message")
