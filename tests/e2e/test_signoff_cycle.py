"""The sign-off cycle in the browser: a draft put up for sign-off reaches each chief officer's
to-do list; three partners decide, one through its deputy (the demo's Riverbank deputation,
in force today); comms publish, and the record says who acted for whom. And the to-do list's
order: the demo's overdue item on top, a newly ready one placed by its deadline, rising when
its deadline is brought forward."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import (
    COMMS,
    PARTNERS,
    chief,
    decide,
    draft,
    flash_says,
    look,
    mark_ready,
    policy,
)

pytestmark = pytest.mark.browser

BODY = """Every estate path is lit from dusk to dawn.

Councils report broken lights within a week.
"""
RIVERBANK = PARTNERS["riverbank"]
ACTING = f"Sam Whitfield, acting for the chief officer of {RIVERBANK}"


def todo_titles(page) -> list[str]:
    return page.locator(".todo-item .todo-title").all_inner_texts()


def test_ready_three_decisions_one_by_a_deputy_then_publish(open_as):
    drafter = open_as(policy("harbourside"))
    pid = draft(drafter, "Lit paths on every estate", BODY)
    # Not yet ready: no chief officer is asked.
    hana = open_as(chief("harbourside"))
    hana.goto("/")
    expect(hana.locator("#todo")).not_to_contain_text("Lit paths on every estate")

    drafter.goto(f"/positions/{pid}")
    look(drafter, "position-mark-ready")
    mark_ready(drafter, pid, note="Short and uncontroversial, we hope.")
    expect(drafter.locator("#readiness")).to_contain_text("decision needed by")
    look(drafter, "position-ready")

    # Harbourside's chief officer: one item, why it is there, one button to the decision panel.
    hana.goto("/")
    item = hana.locator(
        ".todo-item", has=hana.get_by_role("link", name="Lit paths on every estate")
    )
    expect(item).to_contain_text("New request")
    expect(item).to_contain_text("Harbourside Tenants Federation: awaiting")  # a visible label
    look(hana, "dashboard-todo")
    item.get_by_role("link", name="Decide").click()
    expect(hana.locator("#sign-off")).to_be_visible()
    hana.get_by_label("Approve this text", exact=True).check()
    hana.get_by_role("button", name="Record decision").click()
    flash_says(hana, "Harbourside Tenants Federation approved revision 1")

    mei = open_as(chief("moorland"))
    decide(mei, pid, "approve")
    flash_says(mei, f"{PARTNERS['moorland']} approved revision 1")

    # Riverbank's chief officer is away: Sam, its deputy today, decides for it.
    sam = open_as(policy("riverbank"))
    sam.goto("/")
    expect(sam.locator("#todo")).to_contain_text(f"You are {RIVERBANK}'s deputy today")
    look(sam, "dashboard-deputy")
    sam.goto(f"/positions/{pid}")
    expect(sam.locator("#sign-off")).to_contain_text("acting for its chief officer")
    decide(sam, pid, "approve")
    flash_says(sam, f"{RIVERBANK} approved revision 1")
    expect(sam.locator("aside")).to_contain_text(ACTING)

    # Comms publish; the public page names the deputy and in which capacity.
    jo = open_as(COMMS)
    jo.goto(f"/positions/{pid}")
    jo.get_by_role("button", name="Publish revision 1").click()
    flash_says(jo, "Published revision 1 as the alliance's position")
    expect(jo.locator(".signatories")).to_contain_text(ACTING)
    look(jo, "public-signed-by-deputy")

    rosa = open_as(chief("riverbank"))
    rosa.goto("/deputies/")
    expect(rosa.locator("table")).to_contain_text("Sam Whitfield")
    expect(rosa.locator("table")).to_contain_text("In force")
    look(rosa, "deputies")


def test_an_overdue_item_is_on_top_and_an_earlier_deadline_rises(open_as):
    mei = open_as(chief("moorland"))
    mei.goto("/")
    # The demo's overdue position (marked ready three weeks ago) leads the list.
    first = mei.locator(".todo-item").first
    expect(first).to_contain_text("Empty homes back into use")
    expect(first).to_contain_text("Overdue")
    look(mei, "dashboard-overdue")

    drafter = open_as(policy("moorland"))
    later = (date.today() + timedelta(days=40)).isoformat()
    pid = draft(drafter, "Village halls as warm spaces", "Open every hall on cold days.\n")
    mark_ready(drafter, pid, due=later)
    mei.goto("/")
    titles = todo_titles(mei)
    assert titles[-1] == "Village halls as warm spaces", titles  # the latest deadline: last

    # Brought forward to today, it rises above every item due later, still below the overdue.
    drafter.goto(f"/positions/{pid}")
    drafter.get_by_label("Decision needed by").fill(date.today().isoformat())
    drafter.get_by_role("button", name="Save deadline").click()
    flash_says(drafter, "a decision is needed by")
    mei.goto("/")
    titles = todo_titles(mei)
    assert titles[0] == "Empty homes back into use", titles
    assert titles.index("Village halls as warm spaces") == 1, titles
    item = mei.locator(
        ".todo-item", has=mei.get_by_role("link", name="Village halls as warm spaces")
    )
    expect(item).to_contain_text("Due soon")
