"""The OpenAPI description stays true: every API route described, and real answers validate.

Realistic requests come from the permission walk's world of roles (tests/support/roles.py), so
each operation is called once on real data, as a role allowed to use it, and its answer is
checked against the schema the description gives for that status.
"""

import re

import pytest
from jsonschema import Draft202012Validator

from app.api.contract import OPERATIONS, parse
from app.api.openapi import SPEC
from app.drafting.schemas import DiffQuery, NewPosition, NewRevision
from app.meetings.schemas import MeetingChanges, NewMeeting
from positions.refusals import Invalid
from tests.support.permissions import ADMIN, ANON, CHIEF, COMMS, OTHER_POLICY, PERMISSIONS, POLICY
from tests.support.roles import World, cases

PREFIX = "/api/v1"
METHODS = {"get", "put", "post", "patch", "delete"}


def spec_path(rule: str) -> str:
    """/api/v1/positions/<int:position_id> -> /positions/{position_id}"""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.removeprefix(PREFIX))


def api_routes(app) -> set[tuple[str, str]]:
    return {
        (spec_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(PREFIX + "/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def described() -> set[tuple[str, str]]:
    return {
        (path, method)
        for path, item in SPEC["paths"].items()
        for method in item
        if method in METHODS
    }


def test_the_description_is_served_without_a_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json() == SPEC
    assert SPEC["openapi"] == "3.1.0"
    assert SPEC["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token.",
    }


def test_every_api_route_is_described_and_every_described_path_exists(app):
    routes, paths = api_routes(app), described()
    assert routes - paths == set(), "routes missing from app/api/openapi.py"
    assert paths - routes == set(), "described paths the app does not serve"


def test_every_reference_resolves_and_every_path_parameter_is_declared():
    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(SPEC):
        target = SPEC
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
    for path, item in SPEC["paths"].items():
        declared = {p["name"] for p in item.get("parameters", [])}
        assert declared == set(re.findall(r"{(\w+)}", path)), path
        for method in METHODS & set(item):
            responses = item[method]["responses"]
            assert any(code.startswith("2") for code in responses), (path, method)


def validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(
        {**schema, "components": SPEC["components"]},
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def response_schema(path: str, method: str, status: int) -> dict:
    responses = SPEC["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} answered {status}, not described"
    response = responses[str(status)]
    if "$ref" in response:
        response = SPEC["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response["content"]["application/json"]["schema"]


def check(path: str, method: str, response) -> None:
    assert response.mimetype == "application/json", (path, method)
    schema = response_schema(path, method, response.status_code)
    errors = sorted(validator(schema).iter_errors(response.get_json()), key=str)
    assert not errors, f"{method.upper()} {path}: " + "; ".join(e.message for e in errors[:5])


PREFERRED = (CHIEF, POLICY, COMMS, ADMIN, OTHER_POLICY, ANON)


def test_real_answers_match_the_description(app, client, alliance):
    world = World(alliance)
    rules = {r.endpoint: r for r in app.url_map.iter_rules() if r.rule.startswith(PREFIX + "/")}
    checked = 0
    for endpoint, rule in sorted(rules.items()):
        for method, allowed in PERMISSIONS[endpoint].items():
            role = next(r for r in PREFERRED if r in allowed)
            case = cases(world, role)[(endpoint, method)]()
            headers = {"Authorization": f"Bearer {world.tokens[role]}"} if role != ANON else {}
            response = client.open(case.path, method=method, json=case.json, headers=headers)
            assert response.status_code < 300, (case.path, response.get_data(as_text=True))
            check(spec_path(rule.rule), method.lower(), response)
            checked += 1
    assert checked == len(described())


ERROR_CASES = [
    (ANON, "get", "/positions", None, 401),
    (POLICY, "get", "/positions/{position_id}", None, 404),
    (POLICY, "post", "/positions", "not json", 400),
    (POLICY, "post", "/positions", {"title": "T", "body": "B"}, 400),
    (CHIEF, "post", "/positions/{position_id}/signoffs", {"revision": 1, "decision": "x"}, 400),
    (CHIEF, "post", "/positions/{position_id}/publish", {"revision": 1}, 409),
    (POLICY, "put", "/positions/{position_id}/stances/{partner_slug}", {"stance": "oppose"}, 403),
    (POLICY, "get", "/flags", None, 403),
    (COMMS, "patch", "/meetings/{meeting_id}", {"nonsense": 1}, 400),
    (POLICY, "post", "/positions", {"title": "T", "body": "x" * (1 << 20), "area": "h"}, 413),
    (POLICY, "post", "/positions", {"title": "T", "body": "x" * (1 << 18), "area": "h"}, 413),
]


def test_error_answers_match_the_description(client, alliance):
    world = World(alliance)
    for role, method, path, body, status in ERROR_CASES:
        ids = {
            "position_id": world.draft.id if status != 404 else 999_999,
            "partner_slug": "moorland",
            "meeting_id": world.meeting.id,
        }
        headers = {} if role == ANON else {"Authorization": f"Bearer {world.tokens[role]}"}
        kwargs = {"data": body} if isinstance(body, str) else {"json": body}
        url = PREFIX + path.format(**ids)
        response = client.open(url, method=method, headers=headers, **kwargs)
        assert response.status_code == status, response.get_data(as_text=True)
        check(path, method, response)
        assert set(response.get_json()["error"]) >= {"code", "message"}


def test_what_schemathesis_found_answers_4xx_not_500(client, alliance):
    """NUL characters (PostgreSQL cannot store them), page sizes of 0, ids beyond any row."""
    world = World(alliance)
    headers = {"Authorization": f"Bearer {world.tokens[COMMS]}"}
    for url, body in [
        ("/positions?status=%00", None),
        ("/meetings?partner=a%00b", None),
        ("/positions/1/stances/harbour%00side", None),
        ("/published?page=%00", None),
    ]:
        response = client.get(PREFIX + url, headers=headers, json=body)
        assert response.status_code == 400, url
        assert response.get_json()["error"]["code"] == "bad_text"
    response = client.post(PREFIX + "/meetings", headers=headers, json={"title": "a\x00"})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_text"
    response = client.get(PREFIX + "/positions?per_page=0", headers=headers)
    assert response.status_code == 200
    check("/positions", "get", response)
    for method, url, body in [
        ("patch", "/meetings/288268807141", {}),
        ("post", "/positions/99999999999/publish", {"revision": 1}),
        ("get", "/positions/99999999999", None),
    ]:
        response = client.open(PREFIX + url, method=method, headers=headers, json=body)
        assert response.status_code == 404, (method, url)


# ---- the document is generated from the route contracts --------------------------------------


def test_every_api_route_has_a_contract_and_every_contract_a_route(app):
    served = {
        (rule.endpoint, rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    contracted = {(op.endpoint, op.rule, op.method) for op in OPERATIONS.values()}
    assert served - contracted == set(), "API routes registered without @operation"
    assert contracted - served == set(), "contracts without a route"


def test_the_document_is_valid_openapi_3_1():
    # The OpenAPI Initiative's schema for 3.1 documents, as schemathesis ships it.
    from schemathesis.specs.openapi.definitions import OPENAPI_31

    errors = sorted(Draft202012Validator(OPENAPI_31).iter_errors(SPEC), key=str)
    assert not errors, [e.message for e in errors[:5]]
    for name, schema in SPEC["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)
        # pydantic qualifies a name with its module when two models share it: keep them apart.
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", name), name


def test_only_public_operations_skip_the_token():
    public = {
        (path, method)
        for path, item in SPEC["paths"].items()
        for method, operation in item.items()
        if method in METHODS and operation.get("security") == []
    }
    assert public == {
        ("/openapi.json", "get"),
        ("/published", "get"),
        ("/published/search", "get"),
    }
    assert {op.endpoint for op in OPERATIONS.values() if op.public} == {
        "api.openapi",
        "api.published",
        "api.search_published",
    }


@pytest.mark.parametrize(
    ("model", "data", "code", "field"),
    [
        (NewRevision, {"body": "b"}, "bad_field", "base_revision"),  # a missing number is bad
        (NewRevision, {"base_revision": 1}, "missing_field", "body"),
        (NewRevision, {"body": None, "base_revision": 1}, "missing_field", "body"),
        (NewRevision, {"body": "b", "base_revision": True}, "bad_field", "base_revision"),
        (NewRevision, {"body": "b", "base_revision": 2.0}, "bad_field", "base_revision"),
        (NewRevision, {"body": 5, "base_revision": 1}, "bad_field", "body"),
        (DiffQuery, {"to": "2"}, "bad_field", "from"),
        (MeetingChanges, {"b": 1, "a": 1, "title": 5}, "unknown_field", "a"),
        (
            NewMeeting,
            {"title": "T", "starts_at": "2026-01-01", "audience": [3]},
            "bad_field",
            "audience",
        ),
        (NewMeeting, {"title": "T", "starts_at": "soon"}, "bad_field", "starts_at"),
    ],
)
def test_schemas_refuse_in_the_apis_words(app, model, data, code, field):
    with app.test_request_context(), pytest.raises(Invalid) as refused:
        parse(model, data)
    assert (refused.value.code, refused.value.field) == (code, field)


def test_optional_text_may_be_null_and_unknown_keys_are_ignored():
    body = parse(NewPosition, {"title": "T", "body": "B", "area": "a", "note": None, "x": 1})
    assert (body.title, body.note) == ("T", "")
