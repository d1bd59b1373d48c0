"""The position page's version: moved by every write its page shows, and by nothing else."""

from flask import g

from app.accounts import services as accounts
from app.divergence.services import stances
from app.drafting.queries.position_page import page_version
from app.extensions import db
from tests.support.client import login
from tests.support.factories import approve, make_position, revise


def version_of(position) -> int:
    db.session.commit()
    db.session.expire_all()
    return page_version(db.session, position.id)


def test_each_write_on_a_position_moves_its_version_and_no_other(alliance):
    mine = make_position(alliance.drafter, title="Fair rents")
    other = make_position(alliance.drafter, title="Open data")
    before = (version_of(mine), version_of(other))

    revise(alliance.drafter, mine, "We ask for fair, stable rents.")
    after_edit = version_of(mine)
    assert after_edit > before[0]

    approve(alliance.chiefs[alliance.partners[0].slug], mine)
    after_signoff = version_of(mine)
    assert after_signoff > after_edit

    partner = alliance.partners[1]
    officer = alliance.officers[partner.slug]
    stances.set_stance(db.session, officer, mine.id, partner.slug, view="support", rationale="")
    assert version_of(mine) > after_signoff
    assert version_of(other) == before[1]  # nothing written on the other one


def test_signing_in_or_a_password_change_leaves_every_version(alliance, client):
    position = make_position(alliance.drafter)
    before = version_of(position)
    login(client, alliance.comms)
    accounts.change_password(
        db.session, alliance.comms, current="correct horse battery", new="a new long passphrase"
    )
    assert version_of(position) == before


def test_a_renamed_person_moves_every_version(alliance):
    position = make_position(alliance.drafter)
    before = version_of(position)
    alliance.drafter.name = "Renamed Person"
    assert version_of(position) > before


def test_the_page_is_served_again_only_while_its_version_stands(alliance, client):
    position = make_position(alliance.drafter)
    db.session.commit()
    login(client, alliance.drafter)
    url = f"/positions/{position.id}"
    client.get(url)  # the first page of a session makes its form token, part of the ETag
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    other = make_position(alliance.drafter, title="Open data")  # elsewhere: still 304
    db.session.commit()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    other_version = version_of(other)
    revise(alliance.drafter, position, "We ask for fair, stable rents.")
    db.session.commit()
    g.pop("_login_user", None)
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 200
    assert "stable rents" in again.get_data(as_text=True)
    assert version_of(other) == other_version
