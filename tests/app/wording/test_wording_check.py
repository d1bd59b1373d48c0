"""The wording check through the page and the API, against the texts in force on the day."""

from datetime import timedelta

from app.extensions import db, utcnow
from tests.support.client import api_headers, error_of, login
from tests.support.factories import backdate_publications, published_position, revise

AGREED = "We ask for rents that rise no faster than wages. Councils must license every landlord."


def test_the_page_shows_each_passage_its_source_and_where_it_departs(alliance, client):
    position = published_position(alliance, title="Fair rents", body=AGREED)
    login(client, alliance.comms)
    answer = client.post(
        "/wording",
        data={"text": "We ask for rents that rise no faster than pay. Councils must license "
              "every landlord. We also want free buses for everyone today."},
    )  # fmt: skip
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert "As a whole: not an agreed position." in page
    assert "1 verbatim · 1 minor drift · 1 not an agreed position" in page
    assert f'href="/public/{position.slug}"' in page
    assert '<del><span class="sr-only">[deleted: </span>wages' in page
    assert '<ins><span class="sr-only">[inserted: </span>pay' in page


def test_a_date_compares_the_text_in_force_then_not_a_later_one(alliance, client):
    position = published_position(alliance, title="Fair rents", body=AGREED)
    backdate_publications(position, days=30)
    revise(alliance.drafter, position, AGREED.replace("wages", "inflation"))
    alliance.approve_all(position)
    from tests.support.factories import publish

    publish(alliance.comms, position)
    db.session.commit()
    said = "We ask for rents that rise no faster than wages."
    headers = api_headers(alliance.comms)
    then = (utcnow() - timedelta(days=10)).date().isoformat()
    old = client.post("/api/v1/wording-check", json={"text": said, "day": then}, headers=headers)
    assert old.status_code == 200
    [check] = old.get_json()["passages"]
    assert check["verdict"] == "verbatim" and check["source"]["revision"] == 1
    now = client.post("/api/v1/wording-check", json={"text": said}, headers=headers).get_json()
    assert now["passages"][0]["verdict"] == "minor drift"
    assert now["passages"][0]["source"]["revision"] == 2
    changes = now["passages"][0]["changes"]
    assert {"op": "delete", "text": "inflation"} in [
        {"op": c["op"], "text": c["text"].strip(". ")} for c in changes
    ]


def test_nothing_published_before_the_day_means_not_agreed(alliance, client):
    published_position(alliance, title="Fair rents", body=AGREED)
    long_ago = (utcnow() - timedelta(days=400)).date().isoformat()
    answer = client.post(
        "/api/v1/wording-check",
        json={"text": "We ask for rents that rise no faster than wages.", "day": long_ago},
        headers=api_headers(alliance.comms),
    )
    assert answer.get_json()["verdict"] == "not an agreed position"


def test_bad_input_is_refused_with_what_was_typed_kept(alliance, client):
    login(client, alliance.drafter)
    answer = client.post("/wording", data={"text": "Too short."})
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "no sentence of 4 words or more" in page and "Too short." in page
    bad_day = client.post("/wording", data={"text": AGREED, "day": "0001-01-01"})
    assert bad_day.status_code == 400 and "Give a date between" in bad_day.get_data(as_text=True)
    headers = api_headers(alliance.comms)
    error_of(client.post("/api/v1/wording-check", json={"text": ""}, headers=headers), 400)
    error_of(
        client.post("/api/v1/wording-check", json={"text": "x" * 20_001}, headers=headers), 400
    )
