"""Bounded answers: revision lists come a page at a time, and lists leave bodies out unless
asked (include=body). One position's own answer keeps its bodies."""

from tests.support.client import api_headers
from tests.support.factories import make_position, revise

API = "/api/v1"
LONG = "A long paragraph of policy text. " * 2000  # about 64 KB


def _history(alliance, revisions: int):
    position = make_position(alliance.drafter, body=LONG)
    for n in range(2, revisions + 1):
        revise(alliance.drafter, position, f"{LONG} Edit {n}.")
    return position


def test_the_revision_list_is_paged_newest_first_without_bodies(alliance, client, session):
    position = _history(alliance, 7)
    session.commit()
    headers = api_headers(alliance.drafter)
    url = f"{API}/positions/{position.id}/revisions"
    first = client.get(f"{url}?per_page=3", headers=headers)
    assert first.status_code == 200
    data = first.get_json()
    assert (data["page"], data["pages"], data["total"]) == (1, 3, 7)
    assert [r["number"] for r in data["items"]] == [7, 6, 5]
    assert all("body" not in r for r in data["items"])
    assert len(first.get_data()) < 5_000  # not 7 × 64 KB
    last = client.get(f"{url}?per_page=3&page=3", headers=headers).get_json()
    assert [r["number"] for r in last["items"]] == [1]


def test_the_revision_list_brings_bodies_when_asked(alliance, client, session):
    position = _history(alliance, 2)
    session.commit()
    answer = client.get(
        f"{API}/positions/{position.id}/revisions?include=body",
        headers=api_headers(alliance.drafter),
    ).get_json()
    assert [r["body"] for r in answer["items"]] == [f"{LONG} Edit 2.", LONG]


def test_the_revision_list_is_never_longer_than_the_largest_page(alliance, client, session):
    position = _history(alliance, 3)
    session.commit()
    answer = client.get(
        f"{API}/positions/{position.id}/revisions?per_page=100000",
        headers=api_headers(alliance.drafter),
    ).get_json()
    assert answer["total"] == 3 and len(answer["items"]) == 3


def test_the_positions_list_leaves_bodies_out_unless_asked(alliance, client, session):
    make_position(alliance.drafter, body=LONG)
    session.commit()
    headers = api_headers(alliance.drafter)
    plain = client.get(f"{API}/positions?per_page=200", headers=headers)
    [item] = plain.get_json()["items"]
    assert "body" not in item["current_revision"] and len(plain.get_data()) < 5_000
    [full] = client.get(f"{API}/positions?include=body", headers=headers).get_json()["items"]
    assert full["current_revision"]["body"] == LONG


def test_one_position_keeps_its_body(alliance, client, session):
    position = make_position(alliance.drafter, body=LONG)
    session.commit()
    answer = client.get(f"{API}/positions/{position.id}", headers=api_headers(alliance.drafter))
    assert answer.get_json()["current_revision"]["body"] == LONG


def test_pages_with_bodies_are_smaller(alliance, client, session):
    position = _history(alliance, 22)
    session.commit()
    answer = client.get(
        f"{API}/positions/{position.id}/revisions?include=body&per_page=200",
        headers=api_headers(alliance.drafter),
    ).get_json()
    assert answer["total"] == 22 and len(answer["items"]) == 20 and answer["pages"] == 2
