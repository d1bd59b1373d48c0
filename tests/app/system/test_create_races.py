"""Simultaneous creates: the same title sixteen times, the same new organisation at once.

Every request is answered 201; none answers 500. Each position gets a slug of its own, and the
organisation exists once. Threads are released together by a barrier; no timing is asserted.
"""

import threading

import pytest
from sqlalchemy import func, select

from app.drafting.models import Position
from app.extensions import db
from app.meetings.models import Organisation
from tests.support.client import api_headers

pytestmark = pytest.mark.fresh_db  # threads, each with a connection of its own

CREATES = 16
JOIN_TIMEOUT = 60


def at_once(app, requests) -> list[int]:
    """Send each (method, path, json, headers) from a thread of its own, released together."""
    barrier = threading.Barrier(len(requests), timeout=JOIN_TIMEOUT)
    statuses: list[int] = []
    errors: list[str] = []

    def send(method, path, payload, headers):
        try:
            client = app.test_client()
            barrier.wait()
            response = client.open(path, method=method, json=payload, headers=headers)
            statuses.append(response.status_code)
            if response.status_code >= 500:
                errors.append(response.get_data(as_text=True)[:300])
        except Exception as exc:  # anything else fails the test
            errors.append(repr(exc))

    threads = [threading.Thread(target=send, args=r) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a request hung"
    assert errors == []
    return statuses


def test_sixteen_positions_with_the_same_title_at_once_all_get_slugs(app, alliance):
    headers = api_headers(alliance.drafter)
    payload = {"title": "Same title", "body": "Text.", "area": alliance.area.slug}
    db.session.remove()
    statuses = at_once(app, [("POST", "/api/v1/positions", payload, headers)] * CREATES)
    assert statuses == [201] * CREATES
    slugs = db.session.execute(select(Position.slug)).scalars().all()
    assert len(slugs) == CREATES == len(set(slugs))


def test_the_same_new_organisation_named_at_once_is_created_once(app, alliance):
    headers = api_headers(alliance.comms)
    requests = [
        (
            "POST",
            "/api/v1/meetings",
            {"title": f"Meeting {n}", "starts_at": "2026-10-07T09:30", "audience": ["New Body"]},
            headers,
        )
        for n in range(8)
    ]
    db.session.remove()
    assert at_once(app, requests) == [201] * 8
    named = select(func.count()).select_from(Organisation).where(Organisation.name == "New Body")
    assert db.session.execute(named).scalar_one() == 1
