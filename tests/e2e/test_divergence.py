"""Where partners differ: the board, stances, an amendment, agree-to-differ, withdrawal."""

import re

import pytest
from playwright.sync_api import expect

from app.drafting.services import consensus
from app.drafting.services import editing as drafting
from tests.e2e.journeys import (
    PARTNERS,
    chief,
    draft,
    flash_says,
    look,
    policy,
)

pytestmark = pytest.mark.browser

NAMES = list(PARTNERS.values())


def test_the_board_shows_every_partner_in_neutral_order(open_as):
    page = open_as(policy("moorland"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Divergence").click()
    expect(page).to_have_title("Divergence board · Concord")
    board = page.locator("table.board")
    headers = board.get_by_role("columnheader")
    expect(headers).to_have_text(["Position", *NAMES, "Apart"])
    # Each cell says the stance and the sign-off in words, not by colour alone.
    row = board.get_by_role("row", name=re.compile("Youth club funding formula"))
    expect(row).to_contain_text("Oppose")
    expect(row).to_contain_text("Objected")
    look(page, "divergence-board")

    page.get_by_label("Policy area", exact=True).select_option(label="Transport")
    page.get_by_role("button", name="Show").click()
    rows = board.get_by_role("rowheader")
    expect(rows.first).to_contain_text("Transport")
    for i in range(rows.count()):
        expect(rows.nth(i).locator(".item-meta")).to_contain_text("Transport")
    expect(board).not_to_contain_text("Youth club funding formula")


def test_set_a_stance_then_propose_and_accept_an_amendment(open_as):
    tom = open_as(policy("harbourside"))
    pid = draft(tom, "Warm spaces in winter", "Every library opens as a warm space in winter.")

    sam = open_as(policy("riverbank"))
    sam.goto(f"/positions/{pid}")
    sam.get_by_text("Set Riverbank Community Trust's stance").click()
    sam.get_by_label("Support with reservations").check()
    sam.get_by_label("Rationale (Markdown)").fill("Community centres should count too.")
    sam.get_by_role("button", name="Save stance").click()
    flash_says(sam, "Riverbank Community Trust's stance is now “Support with reservations”")

    sam.get_by_role("link", name="Propose wording").click()
    expect(sam).to_have_title(re.compile("^Propose wording"))
    body = sam.get_by_label("Proposed text (Markdown)")
    body.fill("Every library and community centre opens as a warm space in winter.")
    sam.get_by_role("button", name="Propose").click()
    # The reason is required; the proposed text is kept.
    expect(sam.get_by_label("Why this wording")).to_have_attribute("aria-invalid", "true")
    expect(body).to_have_value(re.compile("community centre"))
    look(sam, "amendment-new-error")
    sam.get_by_label("Why this wording").fill("Not every village has a library.")
    sam.get_by_role("button", name="Propose").click()
    flash_says(sam, "Proposed amendment 1")
    expect(sam.get_by_role("heading", level=1)).to_have_text(
        "Amendment 1 from Riverbank Community Trust"
    )

    tom.goto(f"/positions/{pid}")
    tom.get_by_role("link", name=re.compile("Amendment 1 from Riverbank")).click()
    expect(tom.locator(".diff-inline ins")).to_contain_text("community centre")
    look(tom, "amendment")
    tom.get_by_role("button", name="Accept amendment 1").click()
    flash_says(tom, "Accepted amendment 1 from Riverbank Community Trust: it is now revision 2")
    expect(tom.locator(".position-text")).to_contain_text("library and community centre")


def test_agree_to_differ_with_statements_and_confirmations(open_as):
    tom = open_as(policy("harbourside"))
    pid = draft(
        tom, "Parking charges at stations", "Free parking at every rural station.", area="Transport"
    )
    tom.get_by_role("link", name="Agree to differ…").click()
    expect(tom).to_have_title(re.compile("^Agree to differ"))
    look(tom, "differ-empty")

    statements = {
        "harbourside": "Harbourside backs free parking to get cars off village roads.",
        "moorland": "Moorland wants charges kept, with the income spent on buses.",
        "riverbank": "Riverbank supports free parking for season-ticket holders only.",
    }
    for slug, text in statements.items():
        tab = tom if slug == "harbourside" else open_as(policy(slug))
        tab.goto(f"/positions/{pid}/differ")
        tab.get_by_label("Your partner's statement (Markdown)").fill(text)
        tab.get_by_role("button", name="Save statement").click()
        flash_says(tab, "Statement saved")

    for i, slug in enumerate(PARTNERS):
        tab = open_as(chief(slug))
        tab.goto(f"/positions/{pid}/differ")
        if i == 1:
            look(tab, "differ-confirming")
        tab.get_by_role("button", name=f"Confirm for {PARTNERS[slug]}").click()
        flash_says(tab, "published as agreed to differ" if i == 2 else "Confirmed for your partner")
        assert tab.watcher.dialogs, "confirming asks first"
    expect(tab.locator(".callout-success")).to_contain_text("Published as agreed to differ")

    public = open_as()
    public.goto("/public/")
    differ_list = public.locator("section, main").filter(
        has=public.get_by_role("heading", name="Where the partners agree to differ")
    )
    differ_list.get_by_role("link", name="Parking charges at stations").click()
    expect(public.locator(".callout")).to_contain_text("The partners agree to differ")
    expect(public.locator(".differ-statements .partner-name")).to_have_text(NAMES)
    expect(public.locator(".differ-statements")).to_contain_text(statements["moorland"])
    look(public, "public-differ")


def _published(session, user):
    """A position every partner approved and comms published, set up through the services."""
    author = user(policy("moorland"))
    position = drafting.create_position(
        session,
        author,
        title="Rural broadband vouchers",
        area="transport",
        body="Vouchers for every home without a 30 Mbps connection.",
    )
    for slug in PARTNERS:
        consensus.sign_off(
            session, user(chief(slug)), position.id, revision_number=1, decision="approve"
        )
    consensus.publish(session, user("comms@alliance.example"), position.id, revision_number=1)
    return position.id, position.slug


def test_three_chief_officers_withdraw_a_published_position(open_as, live_server):
    """Published together, withdrawn together: no single partner takes the text down."""
    pid, slug = live_server.build(_published)
    reasons = {
        "harbourside": "Superseded by the national scheme.",
        "moorland": "Our members asked us to withdraw.",
        "riverbank": "Agreed at the alliance board.",
    }
    for number, (partner, reason) in enumerate(reasons.items(), start=1):
        officer = open_as(chief(partner))
        officer.goto(f"/positions/{pid}")
        panel = officer.locator("#withdrawal")
        panel.get_by_label("Reason, for the record").fill(reason)
        panel.get_by_role("button", name=f"Confirm withdrawal for {PARTNERS[partner]}").click()
        if number < len(reasons):
            flash_says(officer, "Withdrawal confirmed for your partner.")
            expect(officer.locator(".badge-published")).to_be_visible()  # still published
            expect(officer.locator("#withdrawal")).to_contain_text(reason)
            if number == 2:
                look(officer, "withdrawal-two-of-three")
                public = open_as()
                public.goto(f"/public/{slug}")
                expect(public.locator(".callout-danger")).to_have_count(0)
        else:
            flash_says(officer, "Every partner has confirmed: the position is withdrawn.")
            expect(officer.locator(".badge-withdrawn")).to_be_visible()
            look(officer, "position-withdrawn")
        assert any("withdrawing revision 1" in d for d in officer.watcher.dialogs)

    public = open_as()
    public.goto(f"/public/{slug}")
    expect(public.locator(".callout-danger")).to_contain_text(re.compile(r"Withdrawn on \d"))
    expect(public.locator(".prose")).to_contain_text("Vouchers for every home")
    look(public, "public-withdrawn")


def test_one_partner_says_it_no_longer_supports_a_published_position(open_as, live_server):
    """Shown, not enforced: the text stays public, with the partner's statement beside it."""
    pid, slug = live_server.build(_published)
    mei = open_as(chief("moorland"))
    mei.goto(f"/positions/{pid}")
    mei.get_by_text(f"{PARTNERS['moorland']} no longer supports this").click()
    mei.locator("#dissent").get_by_label("Reason, for the record").fill(
        "Our members voted for a different scheme."
    )
    mei.get_by_role("button", name=f"Record for {PARTNERS['moorland']}").click()
    flash_says(mei, f"Recorded: {PARTNERS['moorland']} no longer supports this position.")
    expect(mei.locator(".callout.dissent")).to_contain_text("Our members voted")
    expect(mei.locator(".badge-published")).to_be_visible()
    look(mei, "position-dissent")

    public = open_as()
    public.goto(f"/public/{slug}")
    expect(public.locator(".callout.dissent")).to_contain_text(PARTNERS["moorland"])
    expect(public.locator(".prose")).to_contain_text("Vouchers for every home")
    look(public, "public-dissent")
