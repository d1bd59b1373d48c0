"""Page types no journey above passes through: the public record, the timeline, the audit."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import ADMIN, PARTNERS, look, policy

pytestmark = pytest.mark.browser


def test_public_record_needs_no_sign_in(open_as):
    page = open_as()
    page.goto("/public/")
    expect(page).to_have_title("Published positions · The Alliance")  # its face, not the tool
    # Grouped by policy area, areas in alphabetical order.
    expect(page.locator(".published-list").first).to_contain_text(
        "Community asset transfer: a fair process"
    )
    areas = page.locator("h3.area-heading").all_inner_texts()
    assert len(areas) >= 2 and areas == sorted(areas)
    # Times are in the alliance's zone, and the zone is named.
    expect(page.locator(".published-list .item-meta").first).to_contain_text("Published")
    expect(page.locator("footer")).to_contain_text("Europe/London")
    # The audit record's latest signed checkpoint, for anyone to note down and compare.
    checkpoint = page.get_by_role("region", name="Checkpoint of the audit record")
    expect(checkpoint).to_contain_text("HMAC-SHA256")
    expect(checkpoint.locator("code.hash").first).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    look(page, "public-index")
    page.get_by_role("link", name="Community asset transfer: a fair process").click()
    expect(page.locator(".meta")).to_contain_text(re.compile(r"published .* (GMT|BST)"))


def test_a_text_too_complex_to_render_says_so_in_the_preview_and_is_kept(open_as):
    page = open_as(policy("harbourside"))
    page.goto("/positions/new")
    hostile = "[" * 20_000
    page.get_by_label("Text (Markdown)").fill(hostile)
    expect(page.locator(".preview-body")).to_contain_text(
        "could not be turned into a page in time", timeout=15_000
    )
    expect(page.get_by_label("Text (Markdown)")).to_have_value(hostile)
    look(page, "position-new-too-complex")
    # The preview's 422 is the refusal this test asks for, not a broken request.
    page.watcher.problems[:] = [p for p in page.watcher.problems if not p.startswith("422 ")]


def test_timeline_of_a_position(open_as):
    page = open_as(policy("moorland"))
    page.goto("/positions/")
    page.get_by_role("link", name="Bus routes for rural villages").click()
    page.get_by_role("link", name="Timeline").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "How “Bus routes for rural villages” moved"
    )
    expect(page.locator(".timeline-full")).to_contain_text("Moorland Villages Network")
    look(page, "position-timeline")
    # Breadcrumbs lead back.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Bus routes for rural villages"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bus routes for rural villages")
    look(page, "position-with-amendments")


def test_audit_record_and_its_verification(open_as):
    page = open_as(ADMIN)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit").click()
    expect(page).to_have_title("Audit record · Concord")
    look(page, "audit")
    page.get_by_role("link", name="Verify the chain").click()
    expect(page.get_by_role("status").filter(has_text="Chain intact")).to_be_visible()


def test_neutral_partner_order_everywhere(open_as):
    """Equal billing: every list of partners is alphabetical, on every page that has one."""
    names = list(PARTNERS.values())
    page = open_as(policy("riverbank"))
    page.goto("/divergence/")
    expect(
        page.locator("table.board thead th").filter(has_text=re.compile("Network|Trust|Fed"))
    ).to_have_text(names)
    page.goto("/positions/")
    page.get_by_role("link", name="Empty homes back into use").click()
    expect(page.locator(".consensus-panel .partner-name")).to_have_text(names)
    expect(page.locator("#views .partner-name")).to_have_text(names)
