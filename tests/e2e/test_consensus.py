"""Three chief officers approve; one approval goes stale; the signer reviews and re-approves;
communications publish; the public page shows the text, the signatories and the hash."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import (
    COMMS,
    PARTNERS,
    chief,
    decide,
    draft,
    edit,
    flash_says,
    look,
    look_printed,
    mark_ready,
    partner_states,
    policy,
)

pytestmark = pytest.mark.browser

BODY = """Every new estate needs a bus stop within 400 metres of each home.

Developers fund the first five years of service.
"""
NAMES = list(PARTNERS.values())


def test_approve_stale_review_reapprove_publish(open_as):
    drafter = open_as(policy("riverbank"))
    pid = draft(drafter, "Buses for new estates", BODY, area="Transport")
    # Partners are always in the same neutral, alphabetical order.
    assert list(partner_states(drafter)) == NAMES

    # Harbourside approves revision 1.
    hana = open_as(chief("harbourside"))
    hana.goto(f"/positions/{pid}")
    look(hana, "position-sign-off")
    decide(hana, pid, "approve")
    flash_says(hana, "Harbourside Tenants Federation approved revision 1")
    expect(hana.locator(".consensus-panel")).to_contain_text("1 of 3 so far")

    # An edit makes that approval stale; an edit never approves on its author's behalf.
    edit(drafter, pid, BODY.replace("400 metres", "300 metres"), note="Closer stops")
    flash_says(drafter, "Saved revision 2")
    states = partner_states(drafter)
    assert states[PARTNERS["harbourside"]].endswith("Stale approval")
    assert states[PARTNERS["riverbank"]].endswith("Awaiting")

    # Moorland and Riverbank approve revision 2.
    for slug in ("moorland", "riverbank"):
        tab = open_as(chief(slug))
        decide(tab, pid, "approve", comment="Agreed at the transport group.")
        flash_says(tab, f"{PARTNERS[slug]} approved revision 2")

    # Put up for sign-off, it is in Hana's to-do list, saying her approval has gone stale; she
    # follows the link to what changed.
    mark_ready(drafter, pid)
    hana.goto("/")
    item = hana.locator(".todo-item", has=hana.get_by_role("link", name="Buses for new estates"))
    expect(item).to_contain_text("Your approval went stale")
    hana.goto(f"/positions/{pid}")
    expect(hana.locator(".consensus-panel")).to_contain_text("2 of 3 so far")
    look(hana, "position-stale-approval")
    hana.get_by_role("link", name="Review the changes since you approved").click()
    expect(hana).to_have_url(re.compile(rf"/positions/{pid}/compare\?.*from=1"))
    expect(hana.locator(".diff-inline del")).to_have_text(re.compile("400"))
    expect(hana.locator(".diff-inline ins")).to_have_text(re.compile("300"))

    # Back on the position: "Decide" jumps to the form, and the key "a" chooses approve.
    hana.goto(f"/positions/{pid}")
    hana.get_by_role("link", name="Decide for Harbourside Tenants Federation").click()
    expect(hana.locator("#sign-off")).to_be_focused()
    hana.locator("body").press("a")
    expect(hana.get_by_label("Approve this text")).to_be_checked()
    hana.get_by_label("Comment").fill("Fine with 300 metres.")
    hana.get_by_role("button", name="Record decision").click()
    flash_says(hana, "Harbourside Tenants Federation approved revision 2")
    assert all(s.endswith("Approved") for s in partner_states(hana).values())
    expect(hana.locator(".consensus-verdict")).to_contain_text("Every partner approves")

    # Communications publish (with a confirmation), and land on the public page.
    jo = open_as(COMMS)
    jo.goto(f"/positions/{pid}")
    look(jo, "position-ready-to-publish")
    jo.get_by_role("button", name="Publish revision 2").click()
    flash_says(jo, "Published revision 2 as the alliance's position")
    assert any("Publish revision 2" in d for d in jo.watcher.dialogs)
    expect(jo).to_have_url(re.compile(r"/public/buses-for-new-estates"))

    # The public page, read by anyone: text, signatories in neutral order, hash.
    public = open_as()
    public.goto("/public/")
    public.get_by_role("link", name="Buses for new estates").click()
    expect(public.get_by_role("heading", level=1)).to_have_text("Buses for new estates")
    expect(public.locator(".prose")).to_contain_text("300 metres")
    signatories = public.locator(".signatories .partner-name")
    expect(signatories).to_have_text(NAMES)
    expect(public.locator(".signatories")).to_contain_text("Hana Okafor")
    expect(public.locator(".signatories code.hash")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    look(public, "public-position")
    # It prints as a clean document: the text and who signed, without the site's navigation.
    look_printed(public, "public-position")
    public.emulate_media(media="print")
    expect(public.locator(".site-header")).to_be_hidden()
    expect(public.locator(".signatories")).to_be_visible()


def test_an_objection_is_confirmed_and_shown_in_words(open_as):
    drafter = open_as(policy("moorland"))
    pid = draft(drafter, "Street lighting at night", "Keep street lights on all night.")
    rosa = open_as(chief("riverbank"))
    decide(rosa, pid, "object", comment="Costs too much for parish councils.")
    flash_says(rosa, "Riverbank Community Trust objected to revision 1")
    assert any("Record an objection?" in d for d in rosa.watcher.dialogs)
    states = partner_states(rosa)
    assert states[PARTNERS["riverbank"]].endswith("Objected")
    expect(rosa.locator(".consensus-panel")).to_contain_text("Costs too much")
    look(rosa, "position-objected")
