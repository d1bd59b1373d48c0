"""A signed-out visitor's public page may be up to a second old, served without the database
(issue 19's micro-caching); a signed-in person's page never is."""

import pytest

from app.web import caching
from tests.support.client import body_of, login
from tests.support.factories import publish, published_position, revise
from tests.support.queries import counting_queries


@pytest.fixture
def copies(app, monkeypatch):
    """Copies kept for a second, on a clock the test moves."""
    monkeypatch.setitem(app.config, "PUBLIC_COPY_SECONDS", 1.0)
    now = [1000.0]
    monkeypatch.setattr(caching, "clock", lambda: now[0])
    app.extensions.pop("concord_public_copies", None)

    def later(seconds: float) -> None:
        now[0] += seconds

    return later


def statements_of(client, path: str, **kw) -> tuple[int, object]:
    with counting_queries() as statements:
        response = client.get(path, **kw)
    return len(statements), response


@pytest.mark.parametrize("path", ["/public/", "/public/{slug}", "/public/feed.atom"])
def test_a_second_visit_within_the_second_asks_the_database_nothing(
    alliance, client, session, copies, path
):
    position = published_position(alliance, title="Fair rents")
    session.commit()
    url = path.format(slug=position.slug)
    first, answer = statements_of(client, url)
    again, copy = statements_of(client, url)
    assert first > 0 and again == 0
    assert copy.status_code == 200 and copy.get_data() == answer.get_data()
    assert copy.headers.get("ETag") == answer.headers.get("ETag")
    assert copy.headers["Content-Type"] == answer.headers["Content-Type"]


def test_a_change_shows_once_the_second_has_passed(alliance, client, session, copies):
    position = published_position(alliance, title="Fair rents", body="First words.")
    session.commit()
    assert "First words." in body_of(client.get(f"/public/{position.slug}"))
    revise(alliance.drafter, position, "Second words.")
    alliance.approve_all(position)
    publish(alliance.comms, position)
    session.commit()
    assert "First words." in body_of(client.get(f"/public/{position.slug}"))  # the copy
    copies(1.01)
    assert "Second words." in body_of(client.get(f"/public/{position.slug}"))


def test_a_signed_in_person_is_never_served_a_copy(alliance, client, session, copies):
    position = published_position(alliance, title="Fair rents", body="First words.")
    session.commit()
    client.get(f"/public/{position.slug}")  # a copy made for the public
    login(client, alliance.drafter)
    revise(alliance.drafter, position, "Second words.")
    alliance.approve_all(position)
    publish(alliance.comms, position)
    session.commit()
    count, response = statements_of(client, f"/public/{position.slug}")
    assert count > 0 and "Second words." in body_of(response)


def test_the_copy_answers_a_browser_that_has_it_with_304(alliance, client, session, copies):
    position = published_position(alliance, title="Fair rents")
    session.commit()
    etag = client.get(f"/public/{position.slug}").headers["ETag"]
    count, response = statements_of(
        client, f"/public/{position.slug}", headers={"If-None-Match": etag}
    )
    assert (count, response.status_code) == (0, 304)


def test_a_missing_page_is_not_kept(alliance, client, session, copies):
    assert client.get("/public/no-such-position").status_code == 404
    count, response = statements_of(client, "/public/no-such-position")
    assert count > 0 and response.status_code == 404
