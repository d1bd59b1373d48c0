"""No query per row: each page costs the same number of SQL statements with 5 or 40 positions.

A world of n positions in every state (draft, agreed, stale approvals, objected, published and
redrafted) is built, a page is fetched once to warm up, then counted; then the world grows to
40 and the page is counted again. The counts must be equal.
"""

import pytest

from app.extensions import db
from tests.support.client import api_headers, login
from tests.support.factories import approve, make_position, publish, revise
from tests.support.queries import counting_queries

SMALL, LARGE = 5, 40


def grow_world(alliance, start: int, stop: int) -> int:
    """Positions start..stop-1, cycling through the states; returns the last one's id."""
    position = None
    for i in range(start, stop):
        position = make_position(alliance.drafter, title=f"Position {i:03d}", body=f"Text {i}.")
        kind = i % 5
        if kind in (1, 2, 4):
            alliance.approve_all(position)
        if kind == 2:
            revise(alliance.drafter, position, f"Text {i}, changed after approval.")
        if kind == 3:
            approve(alliance.chiefs["moorland"], position, "object", "Not yet.")
        if kind == 4:
            publish(alliance.comms, position)
            revise(alliance.drafter, position, f"Text {i}, redrafted after publication.")
    db.session.commit()
    return position.id


def count(client, path: str, **kw) -> int:
    """Statements for one request, made in an app context (so a session) of its own."""
    with client.application.app_context(), counting_queries() as statements:
        response = client.get(path, **kw)
    assert response.status_code == 200, path
    return len(statements)


def counts_at_both_sizes(alliance, client, path_for, signed_in_as=None, **kw):
    last = grow_world(alliance, 0, SMALL)
    if signed_in_as is not None:
        login(client, signed_in_as)
    count(client, path_for(last), **kw)  # warm-up: the first request loads what is cached after
    small = count(client, path_for(last), **kw)
    last = grow_world(alliance, SMALL, LARGE)
    large = count(client, path_for(last), **kw)
    return small, large


@pytest.mark.parametrize(
    ("page", "path"),
    [
        ("dashboard", "/"),
        ("positions list", "/positions/"),
        ("public list", "/public/"),
    ],
)
def test_pages_cost_the_same_queries_for_5_or_40_positions(alliance, client, page, path):
    small, large = counts_at_both_sizes(
        alliance, client, lambda _: path, signed_in_as=alliance.chiefs["moorland"]
    )
    print(f"{page}: {small} queries with {SMALL} positions, {large} with {LARGE}")
    assert small == large


def test_position_page_costs_the_same_however_many_positions(alliance, client):
    small, large = counts_at_both_sizes(
        alliance,
        client,
        lambda last: f"/positions/{last}",
        signed_in_as=alliance.chiefs["moorland"],
    )
    print(f"position page: {small} queries with {SMALL} positions, {large} with {LARGE}")
    assert small == large


def test_position_page_costs_the_same_with_a_long_history(alliance, client, session):
    position = make_position(alliance.drafter, body="Revision 1.")
    login(client, alliance.chiefs["moorland"])

    def grow(upto: int):
        while position.current_revision.number < upto:
            alliance.approve_all(position)
            revise(alliance.drafter, position, f"Revision {position.current_revision.number + 1}.")
        session.commit()

    grow(SMALL)
    path = f"/positions/{position.id}"
    count(client, path)
    small = count(client, path)
    grow(LARGE)
    large = count(client, path)
    print(f"position page: {small} queries with {SMALL} revisions, {large} with {LARGE}")
    assert small == large


def test_api_positions_list_costs_the_same_for_5_or_40_positions(alliance, client):
    headers = api_headers(alliance.drafter)
    small, large = counts_at_both_sizes(
        alliance, client, lambda _: "/api/v1/positions", headers=headers
    )
    print(f"GET /api/v1/positions: {small} queries with {SMALL} positions, {large} with {LARGE}")
    assert small == large


def test_api_published_costs_the_same_for_5_or_40_positions(alliance, client):
    small, large = counts_at_both_sizes(alliance, client, lambda _: "/api/v1/published")
    print(f"GET /api/v1/published: {small} queries with {SMALL} positions, {large} with {LARGE}")
    assert small == large
