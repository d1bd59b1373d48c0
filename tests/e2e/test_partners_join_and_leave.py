"""A partner joining and another leaving, today, recorded on /admin/alliance: the dashboard and
the position page say plainly what that does to the drafts in flight, and a published text keeps
the signatories it had. On a demo server of its own: a change today reaches every journey."""

import pytest
from playwright.sync_api import expect

from app.alliance.settings import clock_of
from app.drafting.services import cycle
from tests.e2e.journeys import ADMIN, COMMS, PARTNERS, chief, flash_says, look, policy
from tests.support.factories import approve, make_position, publish

pytestmark = pytest.mark.browser

JOINING = "Estuary Trust"
LEAVING = PARTNERS["moorland"]


def _positions(session, users):
    """A published text all three partners signed, and a draft up for sign-off that Moorland
    has already approved."""
    drafter = users(policy("harbourside"))
    published = make_position(drafter, title="Harbour walls stay open", body="Open to all.")
    for slug in PARTNERS:
        approve(users(chief(slug)), published)
    publish(users(COMMS), published)
    in_flight = make_position(drafter, title="Tide mills for the town", body="Power the town.")
    cycle.mark_ready(session, drafter, in_flight.id)
    approve(users(chief("moorland")), in_flight)
    return published.id, published.slug, in_flight.id, clock_of(session).today()


def test_a_partner_joins_and_another_leaves(open_on_own, own_server):
    published, slug, draft, today = own_server.build(_positions)
    when = f"{today.day} {today.strftime('%B')}"

    admin = open_on_own(ADMIN)
    admin.goto("/admin/alliance")
    add = admin.locator("form", has=admin.get_by_role("button", name="Add partner"))
    add.get_by_label("Name").fill(JOINING)
    add.get_by_label("Joined on").fill(today.isoformat())
    add.get_by_role("button", name="Add partner").click()
    flash_says(admin, f"Added {JOINING}")
    leaving = admin.locator("form", has=admin.get_by_role("heading", name=LEAVING))
    leaving.get_by_label("Leaves on").fill(today.isoformat())
    leaving.get_by_role("button", name="Save").click()
    flash_says(admin, f"Saved {LEAVING}")
    expect(leaving.get_by_label("Leaves on")).to_have_value(today.isoformat())
    look(admin, "alliance-admin-join-leave")

    drafter = open_on_own(policy("harbourside"))
    joined = drafter.get_by_role("status").filter(has_text=f"{JOINING} joined on {when}")
    expect(joined).to_contain_text("now also need")  # "N drafts now also need its approval"
    left = drafter.get_by_role("status").filter(has_text=f"{LEAVING} left on {when}")
    expect(left).to_contain_text("no longer need")
    look(drafter, "dashboard-join-leave")

    drafter.goto(f"/positions/{draft}")
    expect(drafter.get_by_role("status").filter(has_text=JOINING)).to_have_text(
        f"{JOINING} joined on {when}: this draft now also needs its approval."
    )
    expect(drafter.get_by_role("status").filter(has_text=LEAVING)).to_have_text(
        f"{LEAVING} left on {when}: this draft no longer needs its approval."
    )
    # Whose approval it needs now: the newcomer, not the partner that left (neutral order).
    needed = drafter.locator(".consensus-panel .partner-name")
    expect(needed).to_have_text(sorted([PARTNERS["harbourside"], PARTNERS["riverbank"], JOINING]))
    # Moorland's approval stays in the record, said not to count any more.
    expect(drafter.locator(".timeline li").filter(has_text=LEAVING)).to_contain_text(
        "(no longer a signatory)"
    )
    look(drafter, "position-join-leave")

    # The newcomer's chief officer has not been invited yet; the one who left no longer decides.
    moorland = open_on_own(chief("moorland"))
    moorland.goto(f"/positions/{draft}")
    expect(moorland.locator("#sign-off")).to_have_count(0)

    # Published text keeps the signatories it had: the partner that left among them, the
    # newcomer not.
    drafter.goto(f"/positions/{published}")
    expect(drafter.get_by_role("status").filter(has_text="joined on")).to_have_count(0)
    public = open_on_own()
    public.goto(f"/public/{slug}")
    signed = public.locator(".signatories .partner-name")
    expect(signed).to_have_text(sorted(PARTNERS.values()))
    expect(public.locator(".signatories")).not_to_contain_text(JOINING)
    look(public, "public-after-leave")
