"""A draft's new title stays off the public record until its revision is published."""

import csv
import io

import pytest

from app.extensions import db
from tests.support.client import body_of
from tests.support.factories import (
    backdate_publications,
    grant,
    make_meeting,
    minutes_from_now,
    published_position,
    revise,
    speak,
)

DRAFT_TITLE = "Secret draft title"


@pytest.fixture
def retitled(alliance):
    """A published position cited in a public meeting, then retitled in an unapproved draft."""
    speaker = alliance.chiefs["harbourside"]
    grant(alliance.admin, speaker, [alliance.area])
    position = published_position(alliance, title="Fair rents")
    backdate_publications(position)
    meeting = make_meeting(
        alliance.comms,
        title="Housing forum",
        public=True,
        areas=[alliance.area],
        starts_at=minutes_from_now(-60 * 24 * 3),
    )
    speak(alliance.comms, meeting, speaker, positions=[position])
    revise(alliance.drafter, position, "A new draft.", title=DRAFT_TITLE)
    db.session.commit()
    return position


def test_the_public_page_and_its_breadcrumb_show_the_published_title(client, retitled):
    page = body_of(client.get(f"/public/{retitled.slug}"))
    assert "Fair rents" in page and DRAFT_TITLE not in page


def test_the_signed_out_log_and_its_filter_menu_show_the_published_title(client, retitled):
    for path in ("/meetings/log", f"/meetings/positions/{retitled.id}"):
        response = client.get(path)
        assert response.status_code == 200, path
        page = body_of(response)
        assert "Fair rents" in page and DRAFT_TITLE not in page, path


def test_the_public_csv_shows_the_published_title(client, retitled):
    text = body_of(client.get("/meetings/log.csv")).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert any("Fair rents" in cell for row in rows[1:] for cell in row)
    assert DRAFT_TITLE not in text


def test_the_public_api_shows_the_published_title(client, retitled):
    titles = [p["title"] for p in client.get("/api/v1/published").get_json()]
    assert titles == ["Fair rents"]
