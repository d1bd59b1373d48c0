"""The spokesperson log through the JSON API: same rules, same error shape as the core."""

import pytest

from app.extensions import db
from app.meetings.models import Flag
from tests.support.client import api_headers, error_of
from tests.support.factories import (
    backdate_publications,
    grant,
    make_meeting,
    make_position,
    minutes_from_now,
    published_position,
)

MEETING = {
    "title": "Evidence to the transport committee",
    "starts_at": "2026-10-07T09:30",
    "ends_at": "2026-10-07T11:00",
    "place": "Committee Room 8",
    "kind": "parliamentary_evidence",
    "areas": ["housing"],
    "public": True,
    "audience": [
        {"organisation": "Transport Select Committee", "person": "Chair", "role": "MP"},
        "Department for Transport",
    ],
}


@pytest.fixture
def comms(alliance):
    return api_headers(alliance.comms)


def test_create_read_and_patch_a_meeting(client, alliance, comms):
    created = client.post("/api/v1/meetings", json=MEETING, headers=comms)
    assert created.status_code == 201, created.get_json()
    meeting = created.get_json()
    assert meeting["starts_at"] == "2026-10-07T09:30:00+01:00"
    assert meeting["time_zone"] == "Europe/London" and meeting["sequence"] == 0
    assert [a["organisation"]["name"] for a in meeting["audience"]] == [
        "Transport Select Committee",
        "Department for Transport",
    ]
    url = f"/api/v1/meetings/{meeting['id']}"
    patched = client.patch(
        url, json={"starts_at": "2026-10-14T09:30:00+01:00", "status": "planned"}, headers=comms
    )
    assert patched.status_code == 200
    body = patched.get_json()
    assert body["sequence"] == 1 and body["rescheduled_from"] == ["2026-10-07T09:30:00+01:00"]
    assert body["title"] == MEETING["title"]  # untouched fields stay
    assert client.get(url, headers=comms).get_json()["starts_at"].startswith("2026-10-14")
    listed = client.get("/api/v1/meetings?kind=parliamentary_evidence", headers=comms).get_json()
    assert listed["total"] == 1 and listed["items"][0]["id"] == meeting["id"]


def test_meeting_errors(client, alliance, comms):
    bad_end = client.post(
        "/api/v1/meetings", json={**MEETING, "ends_at": "2026-10-07T08:00"}, headers=comms
    )
    assert bad_end.status_code == 400 and "ends before it starts" in error_of(bad_end)["message"]
    bad_kind = client.post("/api/v1/meetings", json={**MEETING, "kind": "party"}, headers=comms)
    assert error_of(bad_kind)["code"] == "unknown_kind"
    no_time = client.post("/api/v1/meetings", json={"title": "x"}, headers=comms)
    assert no_time.status_code == 400 and error_of(no_time)["code"] == "missing_field"
    bad_time = client.post(
        "/api/v1/meetings", json={**MEETING, "starts_at": "next tuesday"}, headers=comms
    )
    assert bad_time.status_code == 400 and "ISO 8601" in error_of(bad_time)["message"]
    officer = api_headers(alliance.drafter)
    refused = client.post("/api/v1/meetings", json=MEETING, headers=officer)
    assert refused.status_code == 403 and error_of(refused)["code"] == "forbidden"
    assert client.get("/api/v1/meetings/999", headers=comms).status_code == 404
    assert client.get("/api/v1/meetings").status_code == 401
    made = client.post("/api/v1/meetings", json=MEETING, headers=comms).get_json()
    unknown = client.patch(
        f"/api/v1/meetings/{made['id']}",
        json={"colour": "red"},
        headers=comms,
    )
    assert unknown.status_code == 400 and error_of(unknown)["code"] == "unknown_field"


def test_record_appearances_and_read_the_log(client, alliance, comms):
    chief = alliance.chiefs["riverbank"]
    grant(alliance.admin, chief, [alliance.area])
    position = published_position(alliance)
    backdate_publications(position)
    meeting = make_meeting(alliance.comms, areas=[alliance.area], starts_at=minutes_from_now(-60))
    url = f"/api/v1/meetings/{meeting.id}/appearances"
    clean = client.post(
        url,
        json={
            "speaker": chief.email,
            "capacity": "alliance",
            "positions": [position.id],
            "summary": "Set out our line.",
        },
        headers=comms,
    )
    assert clean.status_code == 201, clean.get_json()
    body = clean.get_json()
    assert body["capacity"] == "alliance" and body["flags"] == []
    assert body["positions"] == [
        {
            "id": position.id,
            "title": position.title,
            "revision": 1,
            "state_at_meeting": "published",
        }
    ]
    own = client.post(
        url,
        json={"speaker": alliance.chiefs["moorland"].id, "capacity": "moorland"},
        headers=comms,
    )
    assert own.status_code == 201 and own.get_json()["capacity"] == "moorland"
    flagged = client.post(
        url, json={"speaker": alliance.chiefs["moorland"].id, "capacity": "alliance"}, headers=comms
    )
    assert [f["kind"] for f in flagged.get_json()["flags"]] == ["no_mandate"]

    log = client.get("/api/v1/appearances", headers=comms).get_json()
    assert log["total"] == 3
    assert (
        client.get("/api/v1/appearances?capacity=partner", headers=comms).get_json()["total"] == 1
    )
    assert (
        client.get("/api/v1/appearances?flag=unreviewed", headers=comms).get_json()["items"][0][
            "id"
        ]
        == flagged.get_json()["id"]
    )
    by_position = client.get(f"/api/v1/appearances?position={position.id}", headers=comms)
    assert [a["id"] for a in by_position.get_json()["items"]] == [body["id"]]
    shown = client.get(f"/api/v1/meetings/{meeting.id}", headers=comms).get_json()
    assert len(shown["appearances"]) == 3


def test_appearance_errors(client, alliance, comms):
    meeting = make_meeting(alliance.comms)
    url = f"/api/v1/meetings/{meeting.id}/appearances"
    cases = [
        ({"speaker": "ghost@nowhere.org", "capacity": "alliance"}, 400, "unknown_speaker"),
        ({"speaker": alliance.comms.id, "capacity": "atlantis"}, 400, "unknown_partner"),
        ({"speaker": alliance.comms.id, "capacity": "moorland"}, 400, "not_own_partner"),
        (
            {"speaker": alliance.comms.id, "capacity": "alliance", "positions": [12345]},
            400,
            "unknown_position",
        ),
        ({"speaker": alliance.comms.id, "capacity": "alliance", "positions": "1"}, 400, None),
    ]
    for data, status, code in cases:
        response = client.post(url, json=data, headers=comms)
        assert response.status_code == status, (data, response.get_json())
        if code:
            assert error_of(response)["code"] == code
    officer = api_headers(alliance.drafter)
    other = client.post(
        url,
        json={"speaker": alliance.chiefs["moorland"].id, "capacity": "moorland"},
        headers=officer,
    )
    assert other.status_code == 403
    assert client.post(url, data="not json", headers=comms).status_code == 400
    assert (
        client.post("/api/v1/meetings/999/appearances", json={}, headers=comms).status_code == 404
    )
    ok = {"speaker": alliance.chiefs["moorland"].id, "capacity": "moorland"}
    assert client.post(url, json=ok, headers=comms).status_code == 201
    again = client.post(url, json=ok, headers=comms)
    assert again.status_code == 409 and error_of(again)["code"] == "duplicate_appearance"


def test_mandates_through_the_api(client, alliance):
    admin = api_headers(alliance.admin)
    chief = alliance.chiefs["moorland"]
    data = {"user": chief.email, "areas": ["housing"], "starts_on": "2026-01-01"}
    created = client.post("/api/v1/mandates", json=data, headers=admin)
    assert created.status_code == 201
    assert created.get_json()["ends_on"] is None and created.get_json()["areas"] == ["housing"]
    reversed_dates = client.post(
        "/api/v1/mandates",
        json={**data, "starts_on": "2026-05-01", "ends_on": "2026-04-30"},
        headers=admin,
    )
    assert reversed_dates.status_code == 400
    assert error_of(reversed_dates)["code"] == "dates_reversed"
    bad_date = client.post("/api/v1/mandates", json={**data, "starts_on": "someday"}, headers=admin)
    assert bad_date.status_code == 400
    refused = client.post("/api/v1/mandates", json=data, headers=api_headers(alliance.comms))
    assert refused.status_code == 403
    listed = client.get("/api/v1/mandates", headers=api_headers(alliance.drafter)).get_json()
    assert [m["user"]["name"] for m in listed] == [chief.name]


def test_review_a_flag_through_the_api(client, alliance, comms):
    draft = make_position(alliance.drafter)
    db.session.commit()
    meeting = make_meeting(alliance.comms, areas=[alliance.area])
    response = client.post(
        f"/api/v1/meetings/{meeting.id}/appearances",
        json={"speaker": alliance.comms.id, "capacity": "alliance", "positions": [draft.id]},
        headers=comms,
    )
    flags = response.get_json()["flags"]
    assert sorted(f["kind"] for f in flags) == ["no_mandate", "no_unified_text"]
    flag_id = flags[0]["id"]
    empty = client.post(f"/api/v1/flags/{flag_id}/review", json={"note": ""}, headers=comms)
    assert empty.status_code == 400 and error_of(empty)["code"] == "note_required"
    officer = client.post(
        f"/api/v1/flags/{flag_id}/review",
        json={"note": "fine"},
        headers=api_headers(alliance.drafter),
    )
    assert officer.status_code == 403
    done = client.post(f"/api/v1/flags/{flag_id}/review", json={"note": "Checked."}, headers=comms)
    assert done.status_code == 200
    assert done.get_json()["reviewed"] and done.get_json()["review_note"] == "Checked."
    again = client.post(f"/api/v1/flags/{flag_id}/review", json={"note": "x"}, headers=comms)
    assert again.status_code == 409
    assert (
        client.post("/api/v1/flags/999/review", json={"note": "x"}, headers=comms).status_code
        == 404
    )
    queue = client.get("/api/v1/flags", headers=comms).get_json()
    assert len(queue["open"]) == 1 and queue["reviewed"]["total"] == 1
    assert db.session.get(Flag, flag_id).reviewed_by_id == alliance.comms.id


def test_bad_filters_are_refused(client, alliance, comms):
    response = client.get("/api/v1/appearances?flag=purple", headers=comms)
    assert response.status_code == 400 and "flag filter" in error_of(response)["message"]
    response = client.get(
        "/api/v1/appearances?date_from=2026-05-01&date_to=2026-04-01", headers=comms
    )
    assert response.status_code == 400


def test_numbers_beyond_any_row_are_refused_not_a_server_error(client, alliance, comms):
    huge = 10**20
    response = client.get(f"/api/v1/appearances?speaker={huge}&page={huge}", headers=comms)
    assert response.status_code == 400 and error_of(response)["code"] == "invalid"
    assert client.get(f"/api/v1/meetings?page={huge}", headers=comms).status_code == 200
    meeting = make_meeting(alliance.comms)
    url = f"/api/v1/meetings/{meeting.id}/appearances"
    for data in (
        {"speaker": huge, "capacity": "alliance"},
        {"speaker": alliance.comms.id, "capacity": "alliance", "positions": [huge]},
    ):
        assert client.post(url, json=data, headers=comms).status_code == 400
    created = client.post("/api/v1/meetings", json={**MEETING, "areas": [huge]}, headers=comms)
    assert created.status_code == 400
