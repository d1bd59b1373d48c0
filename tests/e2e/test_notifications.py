"""A chief officer's approval goes stale; the inbox says so; she follows the link, decides, and
the unread count drops. Admins read the mail Concord sent."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import (
    ADMIN,
    chief,
    decide,
    draft,
    edit,
    flash_says,
    look,
    mark_ready,
    policy,
)

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


def sign_off_email(live_server, email: str, pid: int):
    """The sign-off request mail for `email` about position `pid`, as the sender builds it,
    its links made absolute for this server (CONCORD_URL)."""
    from flask import current_app
    from sqlalchemy import select

    from app.notifications.models import Notification
    from app.notifications.services import mail

    def build(session, users):
        message = session.execute(
            select(Notification).where(
                Notification.recipient_id == users(email).id,
                Notification.kind == "signoff_request",
                Notification.about_id == pid,
            )
        ).scalar_one()
        saved = current_app.config.get("CONCORD_URL")
        current_app.config["CONCORD_URL"] = live_server.url
        try:
            return mail.build(message)
        finally:
            current_app.config["CONCORD_URL"] = saved

    return live_server.build(build)


def test_a_chief_officer_follows_the_sign_off_email_decides_and_the_count_drops(
    open_as, live_server
):
    drafter = open_as(policy("riverbank"))
    pid = draft(drafter, "Bus passes for carers", "Carers travel free on local buses.\n")
    mark_ready(drafter, pid, note="Before the transport board meets.")

    hana = open_as(chief("harbourside"))
    hana.goto("/")
    before = unread(hana)
    assert before >= 1  # the sign-off request is in her inbox too

    message = sign_off_email(live_server, chief("harbourside"), pid)
    assert message["Subject"] == "“Bus passes for carers” is ready for your partner's decision"
    text = message.get_body(("plain",)).get_content()
    assert "Before the transport board meets." in text
    link = re.search(rf"{re.escape(live_server.url)}/positions/{pid}\S*", text).group(0)
    assert link in message.get_body(("html",)).get_content()  # the same link in both parts

    hana.goto(link)  # as from her mail program
    expect(hana.get_by_role("button", name="Record decision")).to_be_visible()
    hana.get_by_label("Approve this text", exact=True).check()
    hana.get_by_role("button", name="Record decision").click()
    flash_says(hana, "approved revision 1")
    assert unread(hana) == before - 1  # her decision answered the request


def test_admins_read_the_mail_concord_sent(open_as, live_server):
    admin = open_as(ADMIN)
    admin.goto("/admin/mail?view=queued")
    look(admin, "notifications-mail")
    first = admin.locator(".item-list li a").first
    if first.count():
        first.click()
        expect(admin.locator("pre.mail-text")).to_contain_text("You receive this because")
        look(admin, "notifications-mail-message")
