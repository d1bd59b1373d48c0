"""The JSON API, exactly as issue 2 specifies it: endpoints, statuses, shapes, error JSON."""

import pytest

from app.audit.models import AuditEvent
from app.drafting.models import Position, SignOff
from positions.diffing import Op
from positions.hashing import content_hash
from tests.support.client import api_headers, error_of
from tests.support.factories import (
    approve,
    committed_count,
    make_position,
    published_position,
    revise,
)

API = "/api/v1"


@pytest.fixture
def api(alliance, client):
    """api(user).get/post(...): the client with that user's bearer token."""

    class Caller:
        def __init__(self, user):
            self.headers = api_headers(user)

        def get(self, path, **kw):
            return client.get(API + path, headers=self.headers, **kw)

        def post(self, path, json=None, **kw):
            return client.post(API + path, json=json, headers=self.headers, **kw)

    return Caller


def test_partners_are_listed_alphabetically(alliance, api):
    response = api(alliance.drafter).get("/partners")
    assert response.status_code == 200
    member = {"active": True, "joined_on": "2020-01-01", "left_on": None}
    assert response.get_json() == [
        {"slug": "harbourside", "name": "Harbourside", **member},
        {"slug": "moorland", "name": "Moorland", **member},
        {"slug": "riverbank", "name": "Riverbank", **member},
    ]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer cnc_not-a-token"}, {"Authorization": "Basic abc"}],
)
def test_no_or_invalid_token_is_401(alliance, client, headers):
    for path in ("/partners", "/positions", "/positions/1"):
        error_of(client.get(API + path, headers=headers), 401, "unauthorised")
    error_of(client.post(API + "/positions", json={}, headers=headers), 401)


def test_create_position_is_201_with_the_position(alliance, api, session):
    response = api(alliance.drafter).post(
        "/positions", {"title": "Fair rents", "body": "We ask.", "area": "housing"}
    )
    assert response.status_code == 201
    data = response.get_json()
    assert data["title"] == "Fair rents" and data["status"] == "draft"
    assert data["current_revision"]["number"] == 1
    assert data["current_revision"]["body"] == "We ask."
    assert data["published_revision"] is None
    assert committed_count(Position) == 1


def test_create_position_accepts_an_area_by_id(alliance, api):
    response = api(alliance.drafter).post(
        "/positions", {"title": "T", "body": "b", "area": str(alliance.area.id)}
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        ({"body": "b", "area": "housing"}, "missing_field", "title"),
        ({"title": "T", "area": "housing"}, "missing_field", "body"),
        ({"title": "T", "body": "b"}, "missing_field", "area"),
        ({"title": 5, "body": "b", "area": "housing"}, "bad_field", "title"),
        ({"title": "T", "body": ["b"], "area": "housing"}, "bad_field", "body"),
        ({"title": "  ", "body": "b", "area": "housing"}, "title_required", "title"),
        ({"title": "T" * 201, "body": "b", "area": "housing"}, "title_too_long", "title"),
    ],
)
def test_bad_position_fields_are_400_naming_the_field(alliance, api, payload, code, field):
    answer = api(alliance.drafter).post("/positions", payload)
    error_of(answer, 400, code)
    assert answer.get_json()["error"]["field"] == field
    assert committed_count(Position) == 0


@pytest.mark.parametrize(
    "raw", ["{not json", "[1, 2]", '"a string"', "null", ""], ids=lambda r: r or "empty"
)
def test_bad_json_is_400(alliance, client, raw):
    headers = {**api_headers(alliance.drafter), "Content-Type": "application/json"}
    error_of(client.post(API + "/positions", data=raw, headers=headers), 400, "bad_json")


def test_a_form_post_is_bad_json(alliance, client):
    response = client.post(
        API + "/positions", data={"title": "T"}, headers=api_headers(alliance.drafter)
    )
    error_of(response, 400, "bad_json")


def test_an_unknown_area_is_404(alliance, api):
    error_of(
        api(alliance.drafter).post("/positions", {"title": "T", "body": "b", "area": "moon"}),
        404,
        "unknown_area",
    )


def test_an_oversized_body_is_413(alliance, api, app):
    body = "x" * (app.config["MAX_BODY_BYTES"] + 1)
    response = api(alliance.drafter).post(
        "/positions", {"title": "T", "body": body, "area": "housing"}
    )
    error_of(response, 413, "body_too_large")


def test_an_oversized_request_is_413_json(alliance, api, app):
    body = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = api(alliance.drafter).post(
        "/positions", {"title": "T", "body": body, "area": "housing"}
    )
    error_of(response, 413)


def test_comms_cannot_create_positions(alliance, api):
    response = api(alliance.comms).post(
        "/positions", {"title": "T", "body": "b", "area": "housing"}
    )
    error_of(response, 403, "forbidden")


def test_list_positions(alliance, api, session):
    for i in range(3):
        make_position(alliance.drafter, title=f"P{i}")
    published_position(alliance, title="Out")
    response = api(alliance.drafter).get("/positions")
    data = response.get_json()
    assert response.status_code == 200
    assert data["total"] == 4 and data["page"] == 1 and data["pages"] == 1
    assert {p["title"] for p in data["items"]} == {"P0", "P1", "P2", "Out"}
    published = api(alliance.drafter).get("/positions?status=published").get_json()
    assert [p["title"] for p in published["items"]] == ["Out"]
    paged = api(alliance.drafter).get("/positions?per_page=2&page=2").get_json()
    assert (paged["pages"], len(paged["items"])) == (2, 2)


BY_CHIEF = {"decided_by": "Chief", "acting_for": None}  # each partner's own chief decided


def test_show_position_shape_and_consensus(alliance, api, session):
    position = make_position(alliance.drafter, body="First.")
    alliance.approve_all(position)
    revise(alliance.drafter, position, "Second.")
    approve(alliance.chiefs["moorland"], position)
    approve(alliance.chiefs["riverbank"], position, "object", "No.")
    session.commit()
    data = api(alliance.drafter).get(f"/positions/{position.id}").get_json()
    assert set(data) >= {"id", "title", "status", "current_revision", "published_revision"}
    current = data["current_revision"]
    assert set(current) >= {"number", "hash", "body", "author", "created_at"}
    assert (current["number"], current["body"], current["author"]) == (2, "Second.", "Policy")
    assert current["hash"] == position.current_revision.content_hash
    assert data["published_revision"] is None
    assert (data["ready"], data["decision_due"]) == (False, None)
    assert data["consensus"] == {
        "publishable": False,
        "partners": [
            {"partner": "harbourside", "state": "stale", "revision": 1, **BY_CHIEF},
            {"partner": "moorland", "state": "approved", "revision": 2, **BY_CHIEF},
            {"partner": "riverbank", "state": "objected", "revision": 2, **BY_CHIEF},
        ],
    }


def test_show_position_awaiting_and_publishable(alliance, api, session):
    position = make_position(alliance.drafter)
    session.commit()
    caller = api(alliance.drafter)
    partners = caller.get(f"/positions/{position.id}").get_json()["consensus"]["partners"]
    assert {(p["state"], p["revision"]) for p in partners} == {("awaiting", None)}
    alliance.approve_all(position)
    session.commit()
    assert caller.get(f"/positions/{position.id}").get_json()["consensus"]["publishable"]


@pytest.mark.parametrize(
    "path", ["/positions/999", "/positions/999/revisions", "/positions/999/diff?from=1&to=1"]
)
def test_an_unknown_position_is_404(alliance, api, path):
    error_of(api(alliance.drafter).get(path), 404)


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/positions/999/revisions", {"body": "b", "base_revision": 1}),
        ("/positions/999/signoffs", {"revision": 1, "decision": "approve"}),
        ("/positions/999/publish", {"revision": 1}),
    ],
)
def test_writing_to_an_unknown_position_is_404(alliance, api, path, payload):
    user = alliance.chiefs["moorland"]
    error_of(api(user).post(path, payload), 404)


def test_an_unknown_api_path_is_404_json(alliance, api):
    error_of(api(alliance.drafter).get("/nothing-here"), 404)


HUGE = 10**20  # beyond any database integer
REFUSED = (400, 404)


@pytest.mark.parametrize(
    ("method", "path", "payload", "statuses"),
    [
        ("get", f"/positions/{HUGE}", None, (404,)),
        ("get", f"/positions?page={HUGE}", None, (200,)),
        ("get", "/positions?per_page=-5", None, (200,)),
        ("get", "/positions?page=-3", None, (200,)),
        ("get", f"/positions/{{pid}}/diff?from=1&to={HUGE}", None, REFUSED),
        ("post", "/positions/{pid}/revisions", {"body": "b", "base_revision": HUGE}, REFUSED),
        ("post", "/positions/{pid}/signoffs", {"revision": HUGE, "decision": "approve"}, REFUSED),
        ("post", "/positions", {"title": "T", "body": "b", "area": str(HUGE)}, REFUSED),
        ("get", f"/published?page={HUGE}", None, (200,)),
    ],
)
def test_out_of_range_numbers_are_refused_never_a_500(
    alliance, client, session, method, path, payload, statuses
):
    position = make_position(alliance.drafter)  # {pid}: a position that exists
    session.commit()
    headers = api_headers(alliance.chiefs["moorland"])
    path = path.format(pid=position.id)
    response = getattr(client, method)(API + path, json=payload, headers=headers)
    assert response.status_code in statuses, response.get_data(as_text=True)
    if response.status_code >= 400:
        error_of(response, response.status_code)


def test_post_revision_is_201_with_number(alliance, api, session):
    position = make_position(alliance.drafter)
    session.commit()
    response = api(alliance.drafter).post(
        f"/positions/{position.id}/revisions",
        {"body": "New text.", "base_revision": 1, "note": "why"},
    )
    assert response.status_code == 201
    data = response.get_json()
    assert (data["number"], data["merged"]) == (2, False)
    assert data["hash"] == content_hash("Fair rents", "New text.")
    revisions = api(alliance.drafter).get(f"/positions/{position.id}/revisions").get_json()
    assert [(r["number"], r["title"], r["note"]) for r in revisions["items"]] == [
        (2, "Fair rents", "why"),
        (1, "Fair rents", "First draft"),
    ]


def test_post_revision_can_change_the_title(alliance, api, session):
    position = make_position(alliance.drafter)
    session.commit()
    api(alliance.drafter).post(
        f"/positions/{position.id}/revisions",
        {"title": "Stable rents", "body": "b", "base_revision": 1},
    )
    data = api(alliance.drafter).get(f"/positions/{position.id}").get_json()
    assert data["title"] == "Stable rents"


def test_a_clean_concurrent_edit_is_merged_true(alliance, api, session):
    position = make_position(alliance.drafter, body="Rents fair.\n\nRepairs quick.")
    revise(alliance.officers["moorland"], position, "Rents fair and stable.\n\nRepairs quick.")
    session.commit()
    response = api(alliance.drafter).post(
        f"/positions/{position.id}/revisions",
        {"body": "Rents fair.\n\nRepairs quick and free.", "base_revision": 1},
    )
    assert response.status_code == 201
    assert response.get_json()["merged"] is True and response.get_json()["number"] == 3
    body = api(alliance.drafter).get(f"/positions/{position.id}").get_json()
    assert body["current_revision"]["body"] == "Rents fair and stable.\n\nRepairs quick and free."


def test_an_overlapping_concurrent_edit_is_409_edit_conflict(alliance, api, session):
    position = make_position(alliance.drafter, body="Rents should be fair.")
    revise(alliance.officers["moorland"], position, "Rents should be low.")
    session.commit()
    response = api(alliance.drafter).post(
        f"/positions/{position.id}/revisions",
        {"body": "Rents should be capped.", "base_revision": 1},
    )
    error = error_of(response, 409, "edit_conflict")
    assert (error["base_revision"], error["current_revision"]) == (1, 2)
    assert committed_count(Position) == 1


def test_an_unchanged_revision_is_400_no_change(alliance, api, session):
    position = make_position(alliance.drafter, body="Same.")
    session.commit()
    response = api(alliance.drafter).post(
        f"/positions/{position.id}/revisions", {"body": "Same.", "base_revision": 1}
    )
    error_of(response, 400, "no_change")


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"body": "b"}, 400, "bad_field"),
        ({"body": "b", "base_revision": "one"}, 400, "bad_field"),
        ({"body": "b", "base_revision": 0}, 400, "bad_field"),
        ({"body": "b", "base_revision": True}, 400, "bad_field"),
        ({"body": "b", "base_revision": 1.5}, 400, "bad_field"),
        ({"base_revision": 1}, 400, "missing_field"),
        ({"body": "b", "base_revision": 9}, 404, "unknown_revision"),
    ],
)
def test_bad_revision_requests(alliance, api, session, payload, status, code):
    position = make_position(alliance.drafter)
    session.commit()
    error_of(
        api(alliance.drafter).post(f"/positions/{position.id}/revisions", payload), status, code
    )


def test_diff_ops_rebuild_both_bodies_exactly(alliance, api, session):
    old = "Line one stays.\n\nWe ask for *fair* rents — now.  \nTail: café 10%.\n"
    new = "Line one stays.\n\nWe ask for **stable**, fair rents — soon.\nTail: café 12%!\n\nNew."
    position = make_position(alliance.drafter, body=old)
    revise(alliance.drafter, position, new)
    session.commit()
    response = api(alliance.drafter).get(f"/positions/{position.id}/diff?from=1&to=2")
    data = response.get_json()
    assert response.status_code == 200 and (data["from"], data["to"]) == (1, 2)
    assert {op["op"] for op in data["ops"]} <= {o.value for o in Op}
    assert {"insert", "delete", "equal"} <= {op["op"] for op in data["ops"]}
    rebuilt_old = "".join(o["text"] for o in data["ops"] if o["op"] != "insert")
    rebuilt_new = "".join(o["text"] for o in data["ops"] if o["op"] != "delete")
    assert (rebuilt_old, rebuilt_new) == (old, new)
    backwards = api(alliance.drafter).get(f"/positions/{position.id}/diff?from=2&to=1")
    ops = backwards.get_json()["ops"]
    assert "".join(o["text"] for o in ops if o["op"] != "insert") == new


@pytest.mark.parametrize(
    ("query", "status"), [("from=1&to=7", 404), ("from=1", 400), ("from=x&to=1", 400)]
)
def test_diff_with_a_bad_revision(alliance, api, session, query, status):
    position = make_position(alliance.drafter)
    session.commit()
    error_of(api(alliance.drafter).get(f"/positions/{position.id}/diff?{query}"), status)


def test_sign_off_is_201(alliance, api, session):
    position = make_position(alliance.drafter)
    session.commit()
    response = api(alliance.chiefs["moorland"]).post(
        f"/positions/{position.id}/signoffs", {"revision": 1, "decision": "approve"}
    )
    assert response.status_code == 201
    data = response.get_json()
    assert (data["partner"], data["decision"], data["revision"]) == ("moorland", "approve", 1)
    assert data["hash"] == position.current_revision.content_hash


@pytest.mark.parametrize("who", ["policy_officer", "comms", "admin"])
def test_sign_off_by_anyone_but_the_partners_chief_is_403_and_audited(alliance, api, session, who):
    user = {
        "policy_officer": alliance.officers["moorland"],
        "comms": alliance.comms,
        "admin": alliance.admin,
    }[who]
    position = make_position(alliance.drafter)
    session.commit()
    response = api(user).post(
        f"/positions/{position.id}/signoffs", {"revision": 1, "decision": "approve"}
    )
    error_of(response, 403, "forbidden")
    assert committed_count(SignOff) == 0
    assert committed_count(AuditEvent, AuditEvent.action == "signoff.refused") == 1


def test_sign_off_on_an_old_revision_is_409_not_current(alliance, api, session):
    position = make_position(alliance.drafter)
    revise(alliance.drafter, position, "Second.")
    session.commit()
    response = api(alliance.chiefs["moorland"]).post(
        f"/positions/{position.id}/signoffs", {"revision": 1, "decision": "approve"}
    )
    error_of(response, 409, "not_current")


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({"revision": 1, "decision": "object"}, "comment_required"),
        ({"revision": 1, "decision": "maybe"}, "invalid_decision"),
        ({"revision": 1}, "missing_field"),
        ({"decision": "approve"}, "bad_field"),
    ],
)
def test_bad_sign_offs_are_400(alliance, api, session, payload, code):
    position = make_position(alliance.drafter)
    session.commit()
    response = api(alliance.chiefs["moorland"]).post(f"/positions/{position.id}/signoffs", payload)
    error_of(response, 400, code)


def test_publish_without_unanimity_is_409_listing_the_partners(alliance, api, session):
    position = make_position(alliance.drafter)
    approve(alliance.chiefs["moorland"], position)
    session.commit()
    response = api(alliance.comms).post(f"/positions/{position.id}/publish", {"revision": 1})
    error = error_of(response, 409, "not_unanimous")
    assert error["partners"] == ["harbourside", "riverbank"]


def test_publish_is_200_with_the_publication(alliance, api, session):
    position = make_position(alliance.drafter)
    alliance.approve_all(position)
    session.commit()
    response = api(alliance.comms).post(f"/positions/{position.id}/publish", {"revision": 1})
    assert response.status_code == 200
    data = response.get_json()
    assert (data["id"], data["revision"]) == (position.id, 1)
    assert data["hash"] == position.current_revision.content_hash
    assert [s["partner"] for s in data["signatories"]] == ["Harbourside", "Moorland", "Riverbank"]


def test_publish_a_revision_that_is_not_current_is_409(alliance, api, session):
    position = make_position(alliance.drafter)
    alliance.approve_all(position)
    session.commit()
    error_of(
        api(alliance.comms).post(f"/positions/{position.id}/publish", {"revision": 2}),
        409,
        "not_current",
    )


def test_publish_by_a_policy_officer_is_403(alliance, api, session):
    position = make_position(alliance.drafter)
    alliance.approve_all(position)
    session.commit()
    error_of(api(alliance.drafter).post(f"/positions/{position.id}/publish", {"revision": 1}), 403)


def test_published_needs_no_auth_and_lists_signatories(alliance, client, session):
    position = published_position(alliance, body="The agreed words.")
    revise(alliance.drafter, position, "A redraft, not yet agreed.")
    make_position(alliance.drafter, title="A draft")
    session.commit()
    response = client.get(API + "/published")
    assert response.status_code == 200
    [entry] = response.get_json()
    assert set(entry) == {"id", "title", "revision", "hash", "published_at", "url", "signatories"}
    assert (entry["id"], entry["title"], entry["revision"]) == (position.id, "Fair rents", 1)
    assert entry["hash"] == position.published_revision.content_hash
    assert entry["url"] == f"http://localhost/public/{position.slug}"
    assert client.get(entry["url"]).status_code == 200
    assert [(s["partner"], s["name"]) for s in entry["signatories"]] == [
        ("Harbourside", "Chief"),
        ("Moorland", "Chief"),
        ("Riverbank", "Chief"),
    ]
    assert all(s["at"] for s in entry["signatories"])


def test_show_position_after_publication_has_the_published_revision(alliance, api, session):
    position = published_position(alliance)
    revise(alliance.drafter, position, "Redraft.")
    session.commit()
    data = api(alliance.drafter).get(f"/positions/{position.id}").get_json()
    assert data["published_revision"]["number"] == 1
    assert data["current_revision"]["number"] == 2
    assert data["status"] == "draft"


def test_the_whole_story_through_the_api(alliance, api, session):
    drafter = api(alliance.drafter)
    created = drafter.post("/positions", {"title": "T", "body": "One.", "area": "housing"})
    pid = created.get_json()["id"]
    for chief in alliance.chiefs.values():
        api(chief).post(f"/positions/{pid}/signoffs", {"revision": 1, "decision": "approve"})
    drafter.post(f"/positions/{pid}/revisions", {"body": "Two.", "base_revision": 1})
    comms = api(alliance.comms)
    stale = comms.post(f"/positions/{pid}/publish", {"revision": 2})
    assert set(error_of(stale, 409, "not_unanimous")["partners"]) == {
        "harbourside",
        "moorland",
        "riverbank",
    }
    for chief in alliance.chiefs.values():
        api(chief).post(f"/positions/{pid}/signoffs", {"revision": 2, "decision": "approve"})
    assert comms.post(f"/positions/{pid}/publish", {"revision": 2}).status_code == 200
    listed = api(alliance.comms).get("/positions?status=published&include=body").get_json()
    [entry] = listed["items"]
    assert entry["published_revision"]["body"] == "Two."
