"""Exports: the CSV opens cleanly and safely; the iCalendar feed parses and behaves (RFC 5545)."""

import csv
import io
import re

import pytest
from icalendar import Calendar

from app.extensions import db
from app.meetings.queries.exports import neutralise
from app.meetings.services import meetings as meeting_service
from tests.support.client import login
from tests.support.factories import (
    backdate_publications,
    grant,
    make_meeting,
    make_position,
    minutes_from_now,
    published_position,
    speak,
)


def rows_of(response) -> list[list[str]]:
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff"), "a BOM, so spreadsheets read UTF-8"
    assert "\r\n" in body
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def calendar_of(response) -> Calendar:
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.get_data())


def events(cal: Calendar) -> dict[str, object]:
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}


@pytest.fixture
def log(alliance):
    speaker = alliance.chiefs["harbourside"]
    grant(alliance.admin, speaker, [alliance.area])
    position = published_position(alliance, title="-Fair rents")
    backdate_publications(position)
    draft = make_position(alliance.drafter, title="@Internal draft")
    db.session.commit()
    public = make_meeting(
        alliance.comms,
        title='=HYPERLINK("http://evil.example","click")',
        public=True,
        areas=[alliance.area],
        audience=[("+44 Housing Forum", "@someone", "", "")],
        starts_at=minutes_from_now(-60 * 24 * 3),
    )
    speak(alliance.comms, public, speaker, positions=[position])
    internal = make_meeting(
        alliance.comms,
        title="Internal strategy session",
        starts_at=minutes_from_now(60 * 24 * 2),
        audience=["Department for Housing"],
    )
    speak(alliance.comms, internal, alliance.chiefs["moorland"], positions=[draft])
    return {"public": public, "internal": internal, "position": position}


# ---- CSV ------------------------------------------------------------------------------------


def test_neutralise_every_formula_start():
    for risky in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "  =1"):
        assert neutralise(risky).startswith("'"), risky
    assert neutralise("Plain text") == "Plain text"
    assert neutralise(None) == ""


def test_the_csv_has_one_row_per_appearance_and_neutralises_formulas(client, alliance, log):
    login(client, alliance.comms)
    response = client.get("/meetings/log.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    header, *rows = rows_of(response)
    assert header == [
        "Date (Europe/London)",
        "Meeting",
        "Audience",
        "Kind",
        "Speaker",
        "Speaker's partner",
        "Capacity",
        "Positions (revision)",
        "What was said",
        "Flags",
    ]
    assert len(rows) == 2
    upcoming, past = rows  # upcoming first
    assert upcoming[1] == "Internal strategy session"
    assert upcoming[7] == "'@Internal draft (unpublished)"
    assert upcoming[8] == "We said it."
    assert "No agreed text" in upcoming[9] and "No mandate" in upcoming[9]
    assert past[1].startswith("'=HYPERLINK")
    assert past[2] == "'+44 Housing Forum – @someone"
    assert past[5] == "Harbourside" and past[6] == "Alliance"
    assert past[7] == "'-Fair rents (rev. 1)"
    for row in rows:
        for cell in row:
            assert not cell.lstrip(" ").startswith(("=", "+", "-", "@")), cell


def test_the_csv_follows_the_filters(client, alliance, log):
    login(client, alliance.comms)
    _, *rows = rows_of(client.get("/meetings/log.csv?capacity=alliance&flag=clean"))
    assert [r[1] for r in rows] == ['\'=HYPERLINK("http://evil.example","click")']
    assert client.get("/meetings/log.csv?kind=wedding").status_code == 400


def test_the_public_csv_has_no_internal_record_and_no_flags(client, alliance, log):
    header, *rows = rows_of(client.get("/meetings/log.csv"))
    assert "Flags" not in header and header[-1] == "What was said"
    assert rows[0][-1] == "We said it."
    assert len(rows) == 1 and "Internal" not in "".join(rows[0])


# ---- iCalendar ------------------------------------------------------------------------------


def test_a_private_feed_lists_upcoming_meetings_and_validates(client, alliance, log):
    login(client, alliance.drafter)
    page = client.post("/meetings/calendar", data={"name": "Work phone"})
    assert page.status_code == 200
    url = re.search(
        r"(http://localhost/meetings/calendar/[\w-]+\.ics)", page.get_data(as_text=True)
    )
    feed_path = url.group(1).replace("http://localhost", "")
    client.post("/logout")
    cal = calendar_of(client.get(feed_path))
    assert str(cal["version"]) == "2.0" and "Concord" in str(cal["prodid"])
    found = events(cal)
    event = found["Internal strategy session"]
    assert str(event["uid"]) == log["internal"].uid
    assert int(event["sequence"]) == 0 and str(event["status"]) == "CONFIRMED"
    assert event.decoded("dtstart").tzinfo is not None
    assert event["dtstart"].params.get("TZID") == "Europe/London"
    assert cal.walk("VTIMEZONE"), "the zone is described for clients"
    assert "Department for Housing" in str(event["description"])


def test_changes_raise_sequence_and_cancelling_keeps_the_event(client, alliance, log):
    feed = client.get("/meetings/public.ics")
    meeting = make_meeting(
        alliance.comms, title="Planned hearing", public=True, starts_at=minutes_from_now(600)
    )
    login(client, alliance.comms)
    page = client.post("/meetings/calendar", data={"name": ""}).get_data(as_text=True)
    path = re.search(r"http://localhost(/meetings/calendar/[\w-]+\.ics)", page).group(1)
    first = events(calendar_of(client.get(path)))["Planned hearing"]
    data = meeting_service.meeting_input(meeting)
    data.place = "Room 2"
    meeting_service.update_meeting(db.session, alliance.comms, meeting.id, data)
    data = meeting_service.meeting_input(meeting)
    data.status = "cancelled"
    meeting_service.update_meeting(db.session, alliance.comms, meeting.id, data)
    db.session.commit()
    second = events(calendar_of(client.get(path)))["Planned hearing"]
    assert str(second["uid"]) == str(first["uid"])
    assert (int(first["sequence"]), int(second["sequence"])) == (0, 2)
    assert str(second["status"]) == "CANCELLED" and str(second["location"]) == "Room 2"
    assert feed.status_code == 200


def test_the_public_feed_never_carries_internal_meetings(client, alliance, log):
    found = events(calendar_of(client.get("/meetings/public.ics")))
    assert "Internal strategy session" not in found
    assert all(str(e["class"]) == "PUBLIC" for e in found.values())


def test_a_revoked_or_unknown_link_gets_nothing(client, alliance, log):
    login(client, alliance.comms)
    page = client.post("/meetings/calendar", data={"name": "Laptop"}).get_data(as_text=True)
    path = re.search(r"http://localhost(/meetings/calendar/[\w-]+\.ics)", page).group(1)
    assert client.get(path).status_code == 200
    from app.meetings.models import CalendarFeed

    feed = db.session.query(CalendarFeed).one()
    assert feed.token_hash not in path  # only the hash is stored
    assert client.post(f"/meetings/calendar/{feed.id}/revoke").status_code == 302
    assert client.get(path).status_code == 404
    assert client.get("/meetings/calendar/cal_nonsense.ics").status_code == 404
    client.post("/logout")
    login(client, alliance.drafter)
    assert client.post(f"/meetings/calendar/{feed.id}/revoke").status_code == 403
