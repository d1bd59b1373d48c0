"""The public record: published text, its signatories and hash, readable without signing in."""

import re

from app.alliance.models import Partner
from tests.support.client import XSS_BODY, assert_inert, body_of
from tests.support.factories import (
    approve,
    make_area,
    make_position,
    publish,
    published_position,
    revise,
)
from tests.support.world import Alliance


def test_public_list_shows_published_positions_only(alliance, client, session):
    published_position(alliance, title="Agreed and out")
    make_position(alliance.drafter, title="Still a draft")
    session.commit()
    response = client.get("/public/")
    assert response.status_code == 200
    page = body_of(response)
    assert "Agreed and out" in page and "Still a draft" not in page


def test_public_list_with_nothing_published_says_so(app, client):
    assert "has not published a position yet" in body_of(client.get("/public/"))


def test_public_page_shows_text_signatories_revision_time_and_hash(alliance, client, session):
    position = published_position(alliance, title="Fair rents", body="We ask for **fair** rents.")
    session.commit()
    response = client.get(f"/public/{position.slug}")
    page = body_of(response)
    assert response.status_code == 200
    assert "We ask for <strong>fair</strong> rents." in page
    assert position.current_revision.content_hash in page
    assert re.search(
        r"version 1, agreed by all three partners on \d{1,2} \w+ \d{4} · published", page
    )
    signatories = re.findall(
        r'<span class="partner-name">([^<]+)</span>\s*<span>✔ ([^<]+)</span>', page
    )
    assert signatories == [
        ("Harbourside", "Chief"),
        ("Moorland", "Chief"),
        ("Riverbank", "Chief"),
    ]
    assert len(re.findall(r'<span class="small muted">[^<]*\d{4}, \d\d:\d\d', page)) == 3


def test_public_page_keeps_the_published_text_while_a_redraft_awaits(alliance, client, session):
    position = published_position(alliance, body="The agreed words.")
    published_hash = position.current_revision.content_hash
    revise(alliance.drafter, position, "Unapproved new words.")
    alliance.approve_all(position)  # agreed, but not yet published
    session.commit()
    page = body_of(client.get(f"/public/{position.slug}"))
    assert "The agreed words." in page and "Unapproved new words." not in page
    assert published_hash in page
    assert position.current_revision.content_hash not in page
    assert "version 1, agreed by all three partners" in page


def test_an_unpublished_position_has_no_public_page(alliance, client, session):
    position = make_position(alliance.drafter)
    session.commit()
    response = client.get(f"/public/{position.slug}")
    assert response.status_code == 404
    assert "We can't find that page" in body_of(response)


def test_html_and_script_are_inert_on_the_public_page(alliance, client, session):
    position = published_position(alliance, body=XSS_BODY)
    session.commit()
    page = body_of(client.get(f"/public/{position.slug}"))
    assert "Fine words." in page
    assert_inert(page)


def test_signatories_are_in_alphabetical_order_whatever_the_signing_order(app, client, session):
    alliance = Alliance(["Zephyr", "Alder", "Moor"])
    position = make_position(alliance.drafter)
    for slug in ("zephyr", "moor", "alder"):
        approve(alliance.chiefs[slug], position)
    publish(alliance.comms, position)
    session.commit()
    page = body_of(client.get(f"/public/{position.slug}"))
    names = re.findall(r'<span class="partner-name">([^<]+)</span>', page)
    assert names == ["Alder", "Moor", "Zephyr"]


def test_the_public_pages_do_not_need_a_session(alliance, client, session):
    position = published_position(alliance)
    session.commit()
    response = client.get(f"/public/{position.slug}")
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_the_public_navigation_links_the_public_log(app, client):
    page = client.get("/public/").get_data(as_text=True)
    nav = page.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/meetings/log"' in nav


def test_public_pages_lead_with_the_alliance_and_its_partners_alphabetically(app, client, session):
    alliance = Alliance(["Zephyr", "Alder", "Moor"])
    position = published_position(alliance, title="Fair rents")
    session.commit()
    for url in ("/public/", f"/public/{position.slug}"):
        page = body_of(client.get(url))
        brand = page.split('class="brand"', 1)[1].split("</a>", 1)[0]
        assert "Concord" not in brand and app.config["ALLIANCE_NAME"] in brand
        masthead = page.split('class="alliance-partners"', 1)[1].split("</p>", 1)[0]
        named = re.findall(r'<span class="partner-named">([^<]+)</span>', masthead)
        assert named == ["Alder", "Moor", "Zephyr"]


def test_the_number_of_partners_comes_from_the_data(app, client, session):
    position = published_position(Alliance(["Alder", "Zephyr"]), title="Fair rents")
    session.commit()
    page = body_of(client.get(f"/public/{position.slug}"))
    assert "version 1, agreed by both partners on" in page
    assert "three" not in page


def test_a_partner_renamed_shows_on_a_public_page_seen_before(app, client, session):
    alliance = Alliance(["Alder", "Moor"])
    position = published_position(alliance, title="Fair rents")
    session.commit()
    assert "Alder" in body_of(client.get(f"/public/{position.slug}"))
    session.query(Partner).filter_by(name="Alder").one().name = "Alderwood"
    session.commit()
    masthead = body_of(client.get(f"/public/{position.slug}")).split("alliance-partners", 1)[1]
    assert "Alderwood" in masthead.split("</p>", 1)[0]


def test_the_public_index_groups_positions_by_area_alphabetically_with_a_search_box(
    alliance, client
):
    transport = make_area("Transport")
    published_position(alliance, title="Bus routes", body="Buses.", area=transport)
    published_position(alliance, title="Fair rents", body="Rents.")  # Housing
    page = client.get("/public/").get_data(as_text=True)
    housing, buses = page.index(">Housing</h3>"), page.index(">Transport</h3>")
    assert housing < page.index("Fair rents") < buses < page.index("Bus routes")
    assert 'action="/public/search"' in page
