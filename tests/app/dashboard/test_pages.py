"""The dashboard: what needs the signed-in person now, and what was published lately."""

from tests.support.client import body_of, login
from tests.support.factories import approve, make_position, published_position, revise


def test_dashboard_shows_what_awaits_my_partner(alliance, client, session):
    waiting = make_position(alliance.drafter, title="Awaiting us")
    published_position(alliance, title="Already out")
    session.commit()
    login(client, alliance.chiefs["harbourside"])
    page = body_of(client.get("/"))
    assert "Awaiting Harbourside" in page
    assert f'href="/positions/{waiting.id}">Awaiting us' in page
    assert "Recently published" in page and "Already out" in page


def test_dashboard_lists_my_stale_approvals_and_objections(alliance, client, session):
    stale = make_position(alliance.drafter, title="Gone stale")
    alliance.approve_all(stale)
    revise(alliance.drafter, stale, "Changed after approval.")
    objected = make_position(alliance.drafter, title="Vetoed")
    approve(alliance.chiefs["moorland"], objected, "object", "No.")
    session.commit()
    login(client, alliance.chiefs["harbourside"])
    page = body_of(client.get("/"))
    stale_section = page.split("Your approvals gone stale")[1].split("</section>")[0]
    objections = page.split("<h2>Objections</h2>")[1].split("</section>")[0]
    assert "Gone stale" in stale_section and "Vetoed" not in stale_section
    assert "Vetoed" in objections


def test_dashboard_renders_for_alliance_staff(alliance, client):
    login(client, alliance.comms)
    page = client.get("/")
    assert page.status_code == 200 and "Alliance team" in body_of(page)
