"""What a new user tripped over (issue 13), in the browser: a one-word edit shows one change,
each role sees only what it may do, Enter saves a meeting, and a long unbroken title never makes
a page scroll sideways."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from app.drafting.services import consensus
from app.drafting.services import editing as drafting
from app.meetings.services import appearances
from app.meetings.services import meetings as meeting_service
from app.meetings.services.meetings import CounterpartInput, MeetingInput
from positions.validation import TITLE_MAX
from tests.e2e.journeys import ADMIN, COMMS, DESKTOP, PHONE, chief, flash_says, look, policy

pytestmark = pytest.mark.browser

DEMO_TITLE = "Community right to bid"  # a demo position no other journey edits
OLD_WORD, NEW_WORD = "listed", "registered"
# The longest title the forms take, one unbroken "word": nothing may let it push a page wide.
LONG = "Unbroken" + "x" * (TITLE_MAX - len("Unbroken"))


def diff_marks(page) -> tuple[int, int]:
    """Inserted and deleted runs in the diff itself (the legend above it left out)."""
    diff = page.locator(".diff")
    return diff.locator("ins").count(), diff.locator("del").count()


def test_a_one_word_browser_edit_shows_one_change_in_every_layout(open_as):
    rosa = open_as(chief("harbourside"))
    rosa.goto("/positions/")
    rosa.get_by_role("link", name=DEMO_TITLE).click()
    pid = int(re.search(r"/positions/(\d+)", rosa.url).group(1))
    rosa.get_by_label("Approve this text", exact=True).check()
    rosa.get_by_role("button", name="Record decision").click()
    flash_says(rosa, "approved revision 1")

    # The browser sends the textarea back with CRLF line ends: only the one word may differ.
    officer = open_as(policy("harbourside"))
    officer.goto(f"/positions/{pid}/edit")
    body = officer.get_by_label("Text (Markdown)")
    body.fill(body.input_value().replace(OLD_WORD, NEW_WORD))
    officer.get_by_label("What changed").fill("One word")
    officer.get_by_role("button", name="Save new revision").click()
    flash_says(officer, "revision 2")

    for layout in ("inline", "side"):
        officer.goto(f"/positions/{pid}/compare?from=1&to=2&view={layout}")
        expect(officer.locator(".meta")).to_contain_text("1 word added, 1 removed")
        assert diff_marks(officer) == (1, 1), layout
        expect(officer.locator(".diff ins")).to_contain_text(NEW_WORD)
        if layout == "side":
            expect(officer.locator(".diff tr.row-changed")).to_have_count(1)
            look(officer, "compare-one-word-side")

    # What changed since you approved: the same single change, one click from the position.
    rosa.goto(f"/positions/{pid}")
    rosa.get_by_role("link", name="Review the changes since you approved").click()
    expect(rosa.locator(".meta")).to_contain_text("1 word added, 1 removed")
    assert diff_marks(rosa) == (1, 1)
    look(rosa, "compare-since-approved")


@pytest.mark.parametrize(
    ("who", "drafts"), [(ADMIN, False), (COMMS, False), (policy("moorland"), True)]
)
def test_the_dashboard_offers_drafting_only_to_those_who_may(open_as, who, drafts):
    page = open_as(who)
    expect(page.get_by_role("link", name="Draft a new position")).to_have_count(1 if drafts else 0)
    if who == COMMS:
        look(page, "dashboard-comms")


def test_an_objection_without_a_comment_asks_for_one_before_any_dialog(open_as, live_server):
    pid = live_server.build(
        lambda session, user: (
            drafting.create_position(
                session,
                user(policy("riverbank")),
                title="Cycle lanes on main roads",
                area="transport",
                body="Protected lanes on every main road.",
            ).id
        )
    )
    page = open_as(chief("riverbank"))
    page.goto(f"/positions/{pid}")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.get_by_label("Object", exact=True).check()
    page.get_by_role("button", name="Record decision").click()
    comment = page.get_by_label("Comment")
    assert comment.evaluate("el => !el.validity.valid")
    assert dialogs == []  # the browser asked for the comment; no confirmation popped up
    assert re.search(rf"/positions/{pid}$", page.url)


def test_enter_in_the_meeting_title_saves_the_meeting(open_as):
    jo = open_as(COMMS)
    jo.goto("/meetings/new")
    jo.get_by_label("Starts").fill("2026-12-03T10:00")
    title = jo.get_by_label("Title", exact=True)
    title.fill("Saved with Enter")
    title.press("Enter")
    flash_says(jo, "Recorded “Saved with Enter”")


def test_a_form_too_large_to_send_keeps_the_text_and_says_the_limit(open_as):
    page = open_as(policy("moorland"))
    page.goto("/positions/new")
    page.get_by_label("Title").fill("Far too long")
    body = page.get_by_label("Text (Markdown)")
    # Beyond the 16 MB a signed-in form is read at all (below it the server keeps the text).
    body.evaluate("(el) => { el.value = 'word '.repeat(3400000); }")  # 17 MB
    page.get_by_role("button", name="Save as revision 1").click()
    expect(page.get_by_role("alert").filter(has_text="Not sent")).to_contain_text("16384 KB")
    assert page.url.endswith("/positions/new")
    expect(page.get_by_label("Title")).to_have_value("Far too long")
    assert body.evaluate("el => el.value.length") == 5 * 3400000


def _long_titles(session, user):
    """A position and a meeting whose titles are one unbroken word, cited in the log."""
    author = user(policy("moorland"))
    position = drafting.create_position(
        session, author, title=LONG, area="housing", body=f"A body with {LONG} in it."
    )
    consensus.sign_off(
        session, user(chief("moorland")), position.id, revision_number=1, decision="approve"
    )
    meeting = meeting_service.create_meeting(
        session,
        user(COMMS),
        MeetingInput(
            title=LONG,
            starts_at=datetime.now(UTC) - timedelta(days=2),
            place=LONG,
            public=True,
            status="held",
            counterparts=[CounterpartInput(organisation=LONG, person=LONG)],
        ),
    )
    appearances.record_appearance(
        session,
        user(COMMS),
        meeting.id,
        speaker=user(chief("moorland")).id,
        capacity="alliance",
        positions=[position.id],
        summary=LONG,
    )
    return position.id, meeting.id


def test_a_long_unbroken_title_never_makes_a_page_scroll_sideways(open_as, live_server):
    pid, mid = live_server.build(_long_titles)
    page = open_as(ADMIN)  # sees every page listed, the audit record too
    pages = {
        "long-title-position": f"/positions/{pid}",
        "long-title-positions": "/positions/",
        "long-title-dashboard": "/",
        "long-title-divergence": "/divergence/",
        "long-title-meeting": f"/meetings/{mid}",
        "long-title-meetings": "/meetings/",
        "long-title-log": "/meetings/log",
        "long-title-timeline": f"/positions/{pid}/timeline",
        "long-title-audit": "/admin/audit",
    }
    wide = []
    for url in pages.values():
        page.goto(url)
        for size in (PHONE, DESKTOP):
            page.set_viewport_size(size)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                wide.append(f"{url} at {size['width']}px: {overflow}px too wide")
    assert not wide, "\n".join(wide)
    for name, url in pages.items():
        page.goto(url)
        look(page, name)  # screenshots at 390 and 1,280 px, and nothing wide at 360 px either


def test_the_position_picker_suggests_as_you_type_and_keeps_ticks(open_as, live_server):
    mid = live_server.build(
        lambda session, user: (
            meeting_service.create_meeting(
                session,
                user(COMMS),
                MeetingInput(
                    title="Picker hearing", starts_at=datetime.now(UTC) + timedelta(days=3)
                ),
            ).id
        )
    )
    jo = open_as(COMMS)
    jo.goto(f"/meetings/{mid}/appearances/new")
    results = jo.locator("#position-results")
    search = jo.get_by_label("Find a position by its title")
    search.fill("rural villages")
    expect(results.locator("label")).to_have_count(1)
    results.get_by_role("checkbox", name=re.compile("^Bus routes for rural villages")).check()
    search.fill("tenant voice")
    # The ticked one stays, the new match joins it.
    expect(results.locator("label")).to_have_count(2)
    expect(results.get_by_role("checkbox", name=re.compile("^Bus routes"))).to_be_checked()
    jo.get_by_label("What was said").fill("Spoke to both.")
    look(jo, "appearance-picker")
    results.get_by_role("checkbox", name=re.compile("^Tenant voice")).check()
    jo.get_by_role("button", name="Add to the log").click()
    flash_says(jo, "Added to the log")
    expect(jo.locator(".appearance")).to_contain_text("Tenant voice on housing boards")
    expect(jo.locator(".appearance")).to_contain_text("Bus routes for rural villages")


def test_the_position_picker_works_without_javascript(open_as, live_server):
    mid = live_server.build(
        lambda session, user: (
            meeting_service.create_meeting(
                session,
                user(COMMS),
                MeetingInput(
                    title="No-script hearing", starts_at=datetime.now(UTC) + timedelta(days=4)
                ),
            ).id
        )
    )
    jo = open_as(COMMS, javascript=False)
    jo.goto(f"/meetings/{mid}/appearances/new")
    jo.get_by_label("What was said").fill("Typed first.")
    search = jo.get_by_label("Find a position by its title")
    search.fill("tenant voice")
    search.press("Enter")  # Enter in the search field searches, it does not save
    results = jo.locator("#position-results")
    expect(results.locator("label")).to_have_count(1)
    expect(jo.get_by_label("What was said")).to_have_value("Typed first.")
    results.get_by_role("checkbox", name=re.compile("^Tenant voice")).check()
    jo.get_by_role("button", name="Add to the log").click()
    expect(jo.locator(".appearance")).to_contain_text("Tenant voice on housing boards")


def test_a_markdown_table_is_ruled(open_as, live_server):
    pid = live_server.build(
        lambda session, user: (
            drafting.create_position(
                session,
                user(policy("harbourside")),
                title="Library opening hours",
                area="community-asset-transfer",
                body="Hours we ask for:\n\n| Day | Hours |\n|---|---|\n| Monday | 9–5 |\n",
            ).id
        )
    )
    page = open_as(policy("harbourside"))
    page.goto(f"/positions/{pid}")
    cell = page.locator(".position-text td").first
    assert cell.evaluate("el => getComputedStyle(el).borderTopStyle") == "solid"
    assert cell.evaluate("el => parseFloat(getComputedStyle(el).borderTopWidth)") >= 1
    look(page, "position-with-table")


def test_the_public_page_leads_with_the_alliance_at_a_reading_width(open_as):
    page = open_as()
    page.goto("/public/")
    expect(page.locator(".brand")).not_to_contain_text("Concord")
    expect(page.locator(".alliance-partners")).to_have_text(
        "An alliance of Harbourside Tenants Federation, Moorland Villages Network and "
        "Riverbank Community Trust."
    )
    page.get_by_role("link", name="Community asset transfer: a fair process").click()
    expect(page.locator(".meta")).to_contain_text(
        re.compile(r"version 2, agreed by all three partners on \d{1,2} \w+ \d{4}")
    )
    # Measured once the stylesheet is in: on a busy machine a layout asked for earlier is the
    # unstyled one (the text at full width).
    page.wait_for_load_state("load")
    text = page.locator(".public-position .prose").bounding_box()
    signatures = page.locator(".public-position .signatories").bounding_box()
    assert text["width"] == signatures["width"] <= 42 * 16 + 1  # about 70 characters a line
    look(page, "public-position-reading-width")
