"""The spokesperson log: record a meeting, log a flagged appearance, review the flag, export."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import ADMIN, COMMS, chief, flash_says, look, meetings_landed

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not meetings_landed(), reason="the spokesperson log is not in the app yet"),
]

TITLE = "Rural transport summit"


def test_record_a_meeting_flag_an_appearance_review_it_and_export(open_as):
    jo = open_as(COMMS)
    jo.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
    expect(jo).to_have_title(re.compile("Meetings"))
    look(jo, "meetings-index")

    jo.get_by_role("link", name="Record a meeting").click()
    # A refused form keeps what was typed and says what is missing.
    jo.get_by_label("Organiser").fill("County Council")
    jo.get_by_role("button", name="Record the meeting").click()
    expect(jo.get_by_label("Title", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(jo.get_by_label("Organiser")).to_have_value("County Council")
    look(jo, "meeting-form-error")

    jo.get_by_label("Title", exact=True).fill(TITLE)
    jo.get_by_label("Starts").fill("2026-10-14T10:00")
    jo.get_by_label("Place").fill("Market Hall, Moorbridge")
    jo.get_by_label("Transport").check()
    # By id: the audience rows' hidden "(row n)" label text counts the columns, not the rows
    # (app/meetings/templates/meetings/form.html), so labels repeat from row to row.
    jo.locator("#audience-0-organisation").fill("County Council")
    jo.locator("#audience-0-person").fill("Cllr Dana Price")
    jo.locator("#audience-0-role").fill("Cabinet member for transport")
    jo.get_by_role("button", name="Record the meeting").click()
    flash_says(jo, f"Recorded “{TITLE}”")
    meeting_url = jo.url

    # Hana speaks for the alliance on a position with no published text: the entry is flagged.
    jo.get_by_role("link", name="Add an appearance").click()
    jo.get_by_label("Who spoke").select_option(label="Hana Okafor (Harbourside Tenants Federation)")
    jo.get_by_label("Speaking for").select_option(label="The alliance")
    # The picker offers the latest positions; earlier journeys may have added newer ones.
    jo.get_by_label("Find a position by its title").fill("rural villages")
    jo.get_by_role("checkbox", name=re.compile("^Bus routes for rural villages")).check()
    jo.get_by_label("What was said").fill("Set out the case for hourly village buses.")
    look(jo, "appearance-form")
    jo.get_by_role("button", name="Add to the log").click()
    flash_says(jo, "Added to the log")
    # Two flags, each in words: no mandate for Transport, and no published text to cite.
    flags = jo.locator(".flag-row-open")
    expect(flags.filter(has_text="without a mandate for Transport")).to_have_count(1)
    expect(flags.filter(has_text="Bus routes for rural villages")).to_have_count(1)
    look(jo, "meeting")

    # The speaker sees the entry too, without the review form (only comms and admins review).
    hana = open_as(chief("harbourside"))
    hana.goto(meeting_url)
    expect(hana.locator(".appearance")).to_contain_text("Hana Okafor")
    expect(hana.get_by_role("button", name="Mark reviewed")).to_have_count(0)

    # Review the flag from the queue, with a note for the record.
    jo.goto("/meetings/flags")
    expect(jo).to_have_title("Flags to review · Concord")
    look(jo, "meetings-flags")
    item = jo.locator(".flag-queue li", has_text=TITLE).first
    item.get_by_label("Review note").fill("Checked: the draft was the agreed line; briefed Hana.")
    item.get_by_role("button", name="Mark reviewed").click()
    flash_says(jo, "Marked reviewed")
    reviewed = jo.locator("section", has=jo.get_by_role("heading", name=re.compile("^Reviewed")))
    expect(reviewed).to_contain_text("briefed Hana")

    # The log, and its CSV export.
    jo.goto("/meetings/log")
    expect(jo.get_by_role("table")).to_contain_text(TITLE)
    look(jo, "meetings-log")
    with jo.expect_download() as download:
        jo.get_by_role("link", name="Download CSV").click()
    assert download.value.suggested_filename.startswith("spokesperson-log-")
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert any(TITLE in cell for row in rows[1:] for cell in row), rows[:3]

    jo.goto(meeting_url)
    jo.get_by_role("link", name="Briefing").click()
    look(jo, "meeting-briefing")


def test_mandates_and_audiences_pages(open_as):
    admin = open_as(ADMIN)
    admin.goto("/meetings/mandates")
    expect(admin.get_by_role("heading", level=1)).to_be_visible()
    look(admin, "meetings-mandates")
    admin.goto("/meetings/audiences")
    expect(admin.get_by_role("heading", level=1)).to_be_visible()
    look(admin, "meetings-audiences")
