"""One parsing layer: whatever arrives in a query string, a form or a JSON body, the answer is a
clear 4xx, never a 500. Hypothesis sends Unicode digits ('²' passes str.isdigit() but not int()),
numbers too big for any column, lone surrogates in every API string, and the fixed cases: JSON
nested a thousand deep, duplicate keys, date_to=9999-12-31 and huge hidden revision numbers."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.client import api_headers, error_of, login
from tests.support.factories import make_meeting, make_position

API = "/api/v1"
CHECKS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

unicode_digits = st.text(
    alphabet=st.characters(categories=("Nd", "No"), exclude_characters="0123456789"),
    min_size=1,
    max_size=6,
)
odd_numbers = st.one_of(
    unicode_digits,
    st.sampled_from(["²", "1²", "³⁴", "٣", "१२", "-1", "1e3", " 7 ", "0x10", "9" * 40]),
    st.integers(min_value=2**31, max_value=10**40).map(str),
)

QUERY_PAGES = [
    "/meetings/log?speaker={v}",
    "/meetings/log?area={v}&position={v}&audience={v}",
    "/meetings/log.csv?speaker={v}&audience={v}",
    "/meetings/?page={v}",
    "/meetings/flags?page={v}",
    API + "/appearances?speaker={v}&area={v}",
    API + "/positions?page={v}&per_page={v}",
    API + "/meetings?page={v}",
    API + "/divergence?area={v}",
]


@CHECKS
@given(value=odd_numbers)
def test_odd_numbers_in_query_strings_are_never_a_500(alliance, client, value):
    headers = api_headers(alliance.comms)
    for signed_in in (False, True):
        if signed_in:
            login(client, alliance.comms)
        for page in QUERY_PAGES:
            url = page.format(v=value)
            response = client.get(url, headers=headers if url.startswith(API) else {})
            assert response.status_code < 500, (url, response.status_code)
        client.post("/logout")


@CHECKS
@given(value=odd_numbers)
def test_odd_numbers_in_json_fields_are_never_a_500(alliance, client, value):
    headers = api_headers(alliance.comms)
    meeting = make_meeting(alliance.comms)
    sent = [
        ("/positions", {"title": "T", "body": "B", "area": value}),
        ("/meetings", {"title": "T", "starts_at": "2026-10-07T09:30", "areas": [value]}),
        (f"/meetings/{meeting.id}/appearances", {"speaker": value, "capacity": "alliance"}),
        (
            f"/meetings/{meeting.id}/appearances",
            {"speaker": alliance.comms.id, "capacity": "alliance", "positions": [value]},
        ),
    ]
    for path, payload in sent:
        response = client.post(API + path, json=payload, headers=headers)
        assert response.status_code < 500, (path, response.get_json())


def _payloads(position_id: int, meeting_id: int, partner: str) -> list[tuple[str, str, dict]]:
    """Every API write, with a valid body: each string field in turn gets a lone surrogate."""
    return [
        ("POST", "/positions", {"title": "T", "body": "B", "area": "housing", "note": "n"}),
        ("POST", f"/positions/{position_id}/revisions", {"body": "B", "base_revision": 1}),
        ("POST", f"/positions/{position_id}/signoffs", {"revision": 1, "decision": "approve"}),
        ("PUT", f"/positions/{position_id}/stances/{partner}", {"stance": "support"}),
        (
            "POST",
            f"/positions/{position_id}/amendments",
            {"base_revision": 1, "body": "B", "reason": "R"},
        ),
        ("POST", "/meetings", {"title": "T", "starts_at": "2026-10-07T09:30", "place": "P"}),
        ("PATCH", f"/meetings/{meeting_id}", {"title": "T", "place": "P"}),
    ]


@CHECKS
@given(
    surrogate=st.integers(min_value=0xD800, max_value=0xDFFF).map(chr),
    which=st.integers(min_value=0, max_value=50),
    where=st.sampled_from(["alone", "after", "before"]),
)
def test_a_lone_surrogate_in_any_api_string_is_a_400(alliance, client, surrogate, which, where):
    position = make_position(alliance.drafter)
    meeting = make_meeting(alliance.comms)
    cases = [
        (method, path, payload, field)
        for method, path, payload in _payloads(position.id, meeting.id, "harbourside")
        for field, value in payload.items()
        if isinstance(value, str)
    ]
    method, path, payload, field = cases[which % len(cases)]
    text = {"alone": surrogate, "after": f"ok{surrogate}", "before": f"{surrogate}ok"}[where]
    raw = json.dumps({**payload, field: text})  # ensure_ascii: the surrogate travels as \\udXXX
    response = client.open(
        API + path,
        method=method,
        data=raw,
        content_type="application/json",
        headers=api_headers(alliance.chiefs["harbourside"]),
    )
    assert response.status_code == 400, (path, field, response.get_json())
    assert error_of(response)["code"] == "bad_text"


@pytest.mark.parametrize("depth", [33, 900, 1000, 100_000])
def test_json_nested_too_deep_is_a_400(alliance, client, depth):
    for raw in ("[" * depth + "]" * depth, '{"a":' * depth + "1" + "}" * depth):
        response = client.post(
            API + "/positions",
            data=raw,
            content_type="application/json",
            headers=api_headers(alliance.drafter),
        )
        assert response.status_code == 400
        assert error_of(response)["code"] == "bad_json"


def test_nesting_the_api_uses_is_accepted(alliance, client):
    response = client.post(
        API + "/meetings",
        json={
            "title": "T",
            "starts_at": "2026-10-07T09:30",
            "audience": [{"organisation": "Body", "person": "P"}],
        },
        headers=api_headers(alliance.comms),
    )
    assert response.status_code == 201, response.get_json()


def test_duplicate_json_keys_are_refused(alliance, client):
    raw = '{"title": "First", "title": "Second", "body": "B", "area": "housing"}'
    response = client.post(
        API + "/positions",
        data=raw,
        content_type="application/json",
        headers=api_headers(alliance.drafter),
    )
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "bad_json" and "title" in error["message"]


@pytest.mark.parametrize(
    "url", ["/meetings/log?date_to=9999-12-31", "/meetings/log?date_from=0001-01-01"]
)
def test_dates_at_the_end_of_the_calendar_are_a_400(alliance, client, url):
    login(client, alliance.comms)
    assert client.get(url).status_code == 400
    api = client.get(API + "/appearances?" + url.split("?")[1], headers=api_headers(alliance.comms))
    assert api.status_code == 400 and error_of(api)["field"] in ("date_to", "date_from")


def test_a_huge_hidden_base_revision_on_the_edit_form_is_a_400_keeping_the_text(alliance, client):
    position = make_position(alliance.drafter)
    login(client, alliance.drafter)
    page = client.post(
        f"/positions/{position.id}/edit",
        data={"title": "Fair rents", "body": "What I typed.", "base_revision": str(10**30)},
    )
    assert page.status_code == 400
    assert "What I typed." in page.get_data(as_text=True)


def test_a_huge_hidden_base_revision_on_the_amendment_form_is_a_400_keeping_the_text(
    alliance, client
):
    position = make_position(alliance.drafter)
    login(client, alliance.drafter)
    page = client.post(
        f"/positions/{position.id}/amendments/new",
        data={"body": "My wording.", "reason": "Clearer.", "base_revision": str(2**63)},
    )
    assert page.status_code == 400
    assert "My wording." in page.get_data(as_text=True)
