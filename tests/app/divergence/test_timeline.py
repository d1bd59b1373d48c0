"""The timeline of a position: revisions, stances, amendments, sign-offs, publications and
agree-to-differ events in one chronological list, on the web and through the API."""

from datetime import datetime

import pytest

from app.divergence.services import amendments, differ, stances
from app.drafting.services import consensus
from app.extensions import db
from tests.support.client import api_headers, login
from tests.support.factories import approve, make_position

API = "/api/v1"
BASE = "We ask for fair rents."


# ---- builders -----------------------------------------------------------------------------------


@pytest.fixture
def story(alliance):
    """A position that moved: a stance, an amendment accepted, an objection, then publication."""
    position = make_position(alliance.drafter, title="Fair rents", body=BASE)
    stances.set_stance(
        db.session,
        alliance.officers["moorland"],
        position.id,
        "moorland",
        view="reservations",
        rationale="",
    )
    amendments.propose(
        db.session,
        alliance.officers["moorland"],
        position.id,
        base_number=1,
        body="We ask for low rents.",
        reason="Clearer.",
    )
    approve(alliance.chiefs["riverbank"], position, "object", "Wait for Moorland.")
    amendments.accept(db.session, alliance.drafter, position.id, 1)
    stances.set_stance(
        db.session,
        alliance.officers["moorland"],
        position.id,
        "moorland",
        view="support",
        rationale="",
    )
    alliance.approve_all(position)
    consensus.publish(db.session, alliance.comms, position.id, revision_number=2)
    db.session.commit()
    return position


EXPECTED = [
    ("revision", None, "Saved revision 1: First draft"),
    ("stance", "Moorland", "Stance set to “Support with reservations”"),
    ("amendment", "Moorland", "Proposed amendment 1: Clearer."),
    ("signoff", "Riverbank", "Objected to revision 1"),
    ("revision", None, "Saved revision 2: Amendment 1 from Moorland accepted"),
    ("amendment", None, "Accepted amendment 1"),
    ("stance", "Moorland", "Stance set to “Support”"),
    ("signoff", "Harbourside", "Approved revision 2"),
    ("signoff", "Moorland", "Approved revision 2"),
    ("signoff", "Riverbank", "Approved revision 2"),
    ("publication", None, "Published revision 2"),
]


def timeline_json(client, user, position) -> list[dict]:
    response = client.get(f"{API}/positions/{position.id}/timeline", headers=api_headers(user))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


# ---- the API ------------------------------------------------------------------------------------


def test_the_timeline_lists_every_kind_of_event_in_order(alliance, client, story):
    events = timeline_json(client, alliance.comms, story)
    assert [(e["kind"], e["partner"], e["text"]) for e in events] == EXPECTED


def test_the_timeline_is_chronological(alliance, client, story):
    moments = [
        datetime.fromisoformat(e["at"]) for e in timeline_json(client, alliance.comms, story)
    ]
    assert moments == sorted(moments)


def test_the_timeline_says_who_and_which_revision(alliance, client, story):
    events = timeline_json(client, alliance.comms, story)
    objection = next(e for e in events if e["kind"] == "signoff")
    assert (objection["who"], objection["revision"]) == (alliance.chiefs["riverbank"].name, 1)
    publication = events[-1]
    assert (publication["who"], publication["revision"]) == (alliance.comms.name, 2)
    proposal = next(e for e in events if e["kind"] == "amendment")
    assert proposal["who"] == alliance.officers["moorland"].name


def test_the_timeline_of_an_unknown_position_is_404(alliance, client):
    response = client.get(f"{API}/positions/999/timeline", headers=api_headers(alliance.comms))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_agree_to_differ_and_reopening_are_on_the_timeline(alliance, client):
    position = make_position(alliance.drafter)
    for slug, officer in alliance.officers.items():
        differ.write_statement(db.session, officer, position.id, text=f"{slug}'s view.")
    for chief in alliance.chiefs.values():
        differ.confirm(db.session, chief, position.id)
    alliance.reopen_all(position)
    db.session.commit()
    texts = [e["text"] for e in timeline_json(client, alliance.comms, position)]
    assert texts == [
        "Saved revision 1: First draft",
        *["Wrote the partner's agree-to-differ statement"] * 3,
        *["Confirmed the agree-to-differ outcome"] * 3,
        "Published as agreed to differ: no alliance position",
        *["Confirmed reopening the agree-to-differ outcome: Views have moved."] * 3,
        "Reopened towards one text",
    ]


# ---- the web page -------------------------------------------------------------------------------


def test_the_timeline_page_shows_the_events_in_order(alliance, client, story):
    login(client, alliance.drafter)
    response = client.get(f"/positions/{story.id}/timeline")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    at = [page.index(f"<strong>{text}</strong>") for *_, text in EXPECTED]
    assert at == sorted(at)


def test_the_timeline_page_marks_an_objection_apart_from_an_approval(alliance, client, story):
    login(client, alliance.drafter)
    page = client.get(f"/positions/{story.id}/timeline").get_data(as_text=True)
    objection = page.split("<strong>Objected to revision 1</strong>")[0].rsplit("<li", 1)[1]
    approval = page.split("<strong>Approved revision 2</strong>")[0].rsplit("<li", 1)[1]
    assert "✘" in objection and "✔" not in objection and "event-objection" in objection
    assert "✔" in approval
