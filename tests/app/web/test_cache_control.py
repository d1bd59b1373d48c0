"""Cache-Control: what is seen signed in stays private; pages showing a secret are never stored."""

from tests.support.client import api_headers, login
from tests.support.factories import make_position


def _cache_control(response) -> set[str]:
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",")}


def test_every_signed_in_page_is_private(alliance, client):
    position = make_position(alliance.drafter)
    login(client, alliance.drafter)
    for url in ("/", "/positions/", f"/positions/{position.id}", "/meetings", "/account"):
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        assert "private" in _cache_control(response), url
        assert "public" not in _cache_control(response), url


def test_a_public_page_seen_signed_in_is_not_marked_public(alliance, client):
    login(client, alliance.drafter)
    response = client.get("/public")
    assert "public" not in _cache_control(response)


def test_api_answers_to_a_bearer_are_private(alliance, client):
    response = client.get("/api/v1/positions", headers=api_headers(alliance.drafter))
    assert response.status_code == 200
    assert "private" in _cache_control(response)


def test_the_new_api_token_page_is_never_stored(alliance, client):
    login(client, alliance.drafter)
    response = client.post("/account/tokens", data={"name": "laptop"})
    assert response.status_code == 200
    assert {"no-store", "private"} <= _cache_control(response)
    assert "no-store" in _cache_control(client.get("/account/tokens"))


def test_the_invitation_and_reset_link_pages_are_never_stored(alliance, client):
    login(client, alliance.admin)
    invited = client.post(
        "/admin/people",
        data={
            "email": "new@harbourside.test",
            "name": "New",
            "partner": "harbourside",
            "roles": ["policy_officer"],
        },
    )
    assert invited.status_code == 200 and "/welcome/" in invited.get_data(as_text=True)
    assert {"no-store", "private"} <= _cache_control(invited)
    reset = client.post(f"/admin/people/{alliance.drafter.id}/reset")
    assert "/welcome/" in reset.get_data(as_text=True)
    assert {"no-store", "private"} <= _cache_control(reset)


def test_the_calendar_link_page_is_never_stored(alliance, client):
    login(client, alliance.drafter)
    response = client.post("/meetings/calendar", data={"name": "Work phone"})
    assert response.status_code == 200 and ".ics" in response.get_data(as_text=True)
    assert {"no-store", "private"} <= _cache_control(response)


def test_signed_out_pages_keep_their_own_policy(client):
    assert "private" not in _cache_control(client.get("/login"))
