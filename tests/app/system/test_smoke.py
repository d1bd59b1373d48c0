from tests.support.client import login
from tests.support.factories import approve, make_position, revise


def test_whole_story_through_services(alliance, session, client):
    position = make_position(alliance.drafter)
    alliance.approve_all(position)
    revise(alliance.drafter, position, "We ask for fair and stable rents.")
    session.commit()
    login(client, alliance.comms)
    page = client.get(f"/positions/{position.id}")
    assert page.status_code == 200
    assert "Stale approval" in page.get_data(as_text=True)
    for chief in alliance.chiefs.values():
        approve(chief, position)
    session.commit()
    assert client.get(f"/positions/{position.id}").status_code == 200
