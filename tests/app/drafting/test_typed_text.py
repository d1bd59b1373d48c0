"""Text as browsers and clients send it: CRLF line ends and invisible characters, at every
entry point (edit form, API, amendments, statements, stances, sign-offs), stored one way."""

import re

import pytest

from app.divergence.models import Amendment, DifferStatement, Stance
from app.drafting.models import Position, Revision, SignOff
from tests.support.client import api_headers, api_post, body_of, error_of, login
from tests.support.factories import make_position

BODY = (
    "# Fair rents\n\nWe ask for fair rents.\n\nTenants need security.\n\nLandlords need a return."
)


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


@pytest.fixture
def drafter_client(alliance, client):
    login(client, alliance.drafter)
    return client


def changes_shown(page: str) -> tuple[int, int]:
    """How many inserted and deleted runs the diff shows, the legend left out."""
    diff = page.split('class="legend"', 1)[1].split("</span>", 1)[1]
    return len(re.findall(r"<ins>", diff)), len(re.findall(r"<del>", diff))


@pytest.mark.parametrize("layout", ["inline", "side"])
def test_a_one_word_browser_edit_shows_one_change(alliance, drafter_client, session, layout):
    position = make_position(alliance.drafter, body=BODY)
    session.commit()
    response = drafter_client.post(
        f"/positions/{position.id}/edit",
        data={
            "title": "Fair rents",
            "body": crlf(BODY.replace("security", "stability")),  # as a browser sends it
            "base_revision": 1,
            "note": "one word",
        },
    )
    assert response.status_code == 302, body_of(response)[:800]
    assert "\r" not in session.get(Position, position.id).current_revision.body
    page = body_of(drafter_client.get(f"/positions/{position.id}/compare?view={layout}"))
    assert changes_shown(page) == (1, 1)
    assert "1 word added, 1 removed" in page
    if layout == "side":
        assert page.count("row-changed") == 1  # the one line, not every line


def test_a_crlf_only_edit_is_no_change(alliance, drafter_client, session):
    position = make_position(alliance.drafter, body=BODY)
    session.commit()
    response = drafter_client.post(
        f"/positions/{position.id}/edit",
        data={"title": "Fair rents", "body": crlf(BODY), "base_revision": 1, "note": ""},
    )
    assert response.status_code == 400
    assert "Nothing changed" in body_of(response)


def test_the_api_stores_unix_line_ends_and_clean_titles(alliance, client, session):
    response = api_post(
        client,
        alliance.drafter,
        "/positions",
        {"title": "Rural\u200b bus\u202e fares", "body": crlf(BODY), "area": alliance.area.slug},
    )
    assert response.status_code == 201, body_of(response)
    revision = session.get(Position, response.get_json()["id"]).current_revision
    assert (revision.title, revision.body) == ("Rural bus fares", BODY)


def test_the_api_refuses_a_title_of_invisible_characters(alliance, client):
    response = api_post(
        client,
        alliance.drafter,
        "/positions",
        {"title": "\u200b\u200d\ufeff", "body": "Text", "area": alliance.area.slug},
    )
    assert error_of(response, 400, "title_required")["field"] == "title"


def test_an_invisible_title_is_refused_on_the_form_and_the_text_kept(alliance, drafter_client):
    response = drafter_client.post(
        "/positions/new",
        data={"title": "\u200b\u2060", "body": "Every word kept.", "area": alliance.area.id},
    )
    assert response.status_code == 400
    page = body_of(response)
    assert "Give the position a title." in page and "Every word kept." in page


def test_a_lookalike_title_is_saved_with_a_warning(alliance, drafter_client, session):
    make_position(alliance.drafter, title="Rural bus fares")
    session.commit()
    response = drafter_client.post(
        "/positions/new",
        data={"title": "rural\u200b BUS-fares", "body": "Text", "area": alliance.area.id},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "Another position is titled “Rural bus fares”" in body_of(response)
    assert session.query(Position).filter_by(title="rural BUS-fares").count() == 1


def test_amendments_statements_stances_and_signoffs_store_unix_line_ends(alliance, client, session):
    position = make_position(alliance.drafter, body=BODY)
    session.commit()
    officer = alliance.officers["harbourside"]
    chief = alliance.chiefs["harbourside"]
    proposed = api_post(
        client,
        officer,
        f"/positions/{position.id}/amendments",
        {"base_revision": 1, "body": crlf(BODY + "\n\nOne more."), "reason": "a\r\nb"},
    )
    assert proposed.status_code == 201, body_of(proposed)
    stance = client.put(
        f"/api/v1/positions/{position.id}/stances/harbourside",
        json={"stance": "reservations", "rationale": "first\r\nsecond"},
        headers=api_headers(officer),
    )
    assert stance.status_code in (200, 201), body_of(stance)
    objected = api_post(
        client,
        chief,
        f"/positions/{position.id}/signoffs",
        {"revision": 1, "decision": "object", "comment": "not\r\nyet"},
    )
    assert objected.status_code == 201, body_of(objected)
    stated = api_post(
        client, officer, f"/positions/{position.id}/differ", {"statement": "we\r\ndiffer"}
    )
    assert stated.status_code in (200, 201), body_of(stated)
    texts = [
        *(a.body + a.reason for a in session.query(Amendment)),
        *(s.rationale for s in session.query(Stance)),
        *(s.comment for s in session.query(SignOff)),
        *(d.text for d in session.query(DifferStatement)),
        *(r.body for r in session.query(Revision)),
    ]
    assert len(texts) >= 5 and not any("\r" in t for t in texts)
