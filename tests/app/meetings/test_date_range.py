"""Meeting dates within a sane range, and one odd row never breaks a list."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from app.extensions import db
from app.meetings.models import Meeting
from tests.support.client import api_headers, error_of, login
from tests.support.factories import committed_count, make_meeting


@pytest.mark.parametrize(
    "starts_at",
    ["0001-01-01T00:30:00+05:00", "9999-12-31T23:30:00-05:00", "1899-12-31T10:00", "2201-01-01"],
)
def test_a_meeting_outside_the_calendar_is_refused_and_not_saved(client, alliance, starts_at):
    response = client.post(
        "/api/v1/meetings",
        json={"title": "Far away", "starts_at": starts_at},
        headers=api_headers(alliance.comms),
    )
    assert response.status_code == 400, response.get_json()
    assert error_of(response)["field"] == "starts_at"
    assert committed_count(Meeting) == 0
    assert client.get("/api/v1/meetings", headers=api_headers(alliance.comms)).status_code == 200


def test_the_form_refuses_year_9999_and_keeps_what_was_typed(client, alliance):
    login(client, alliance.comms)
    page = client.post(
        "/meetings/new",
        data={
            "title": "Kept title",
            "starts_at": "9999-12-31T23:30",
            "kind": "meeting",
            "status": "planned",
        },
    )
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert "between 1900 and 2200" in text and "Kept title" in text
    assert committed_count(Meeting) == 0


def test_one_row_at_the_edge_of_the_calendar_does_not_break_the_lists(client, alliance):
    meeting = make_meeting(alliance.comms, title="Stored before dates were checked")
    db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id)
        .values(starts_at=datetime(1, 1, 1, 0, 0, tzinfo=UTC))
    )
    db.session.commit()
    assert client.get("/api/v1/meetings", headers=api_headers(alliance.comms)).status_code == 200
    login(client, alliance.comms)
    for url in ("/meetings/", f"/meetings/{meeting.id}", "/meetings/log"):
        response = client.get(url)
        assert response.status_code in (200, 404), url


def test_moving_a_meeting_outside_the_calendar_is_refused(client, alliance):
    meeting = make_meeting(alliance.comms)
    db.session.commit()
    response = client.patch(
        f"/api/v1/meetings/{meeting.id}",
        json={"starts_at": "9999-12-31T23:30:00-05:00"},
        headers=api_headers(alliance.comms),
    )
    assert response.status_code == 400 and error_of(response)["field"] == "starts_at"
    assert client.get("/api/v1/meetings", headers=api_headers(alliance.comms)).status_code == 200
