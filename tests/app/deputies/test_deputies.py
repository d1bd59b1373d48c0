"""Deputies on stored data: naming, confirming, revoking, and deciding for the partner with the
record saying in which capacity (position page, history, public signatories, API, audit)."""

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from app.alliance import settings as alliance_settings
from app.alliance.services import administration
from app.audit.models import AuditEvent
from app.deputies import services
from app.extensions import db
from positions.refusals import Conflict, Forbidden, Invalid
from tests.support.client import api_headers, api_post, body_of, error_of, login
from tests.support.factories import approve, make_position, make_user, publish

TODAY = datetime(2026, 6, 10, 9, tzinfo=UTC)
JUNE = {"starts_on": date(2026, 6, 1), "ends_on": date(2026, 6, 30)}
ACTING = "Jo Smith, acting for the chief officer of Harbourside"


@pytest.fixture(autouse=True)
def june(monkeypatch):
    monkeypatch.setattr(alliance_settings, "utcnow", lambda: TODAY)


@pytest.fixture
def jo(alliance):
    return make_user(
        "jo@example.org", "policy_officer", partner=alliance.partners[0], name="Jo Smith"
    )


def name(granter, partner, deputy, **period):
    return services.name_deputy(
        db.session, granter, partner_id=partner.id, deputy_id=deputy.id, **(period or JUNE)
    )


def test_a_deputy_decides_for_the_partner_and_the_record_says_so(alliance, client, session, jo):
    harbourside = alliance.partners[0]
    name(alliance.chiefs["harbourside"], harbourside, jo)
    position = make_position(alliance.drafter, title="Signed by a deputy")
    signoff = approve(jo, position)
    assert signoff.partner_id == harbourside.id and signoff.deputation_id is not None
    assert signoff.decided_by == ACTING
    event = db.session.execute(
        select(AuditEvent).where(AuditEvent.action == "signoff.approve")
    ).scalar_one()
    details = json.loads(event.details)
    assert (details["decided_by"], details["acting_for"]) == ("Jo Smith", "harbourside")
    for slug in ("moorland", "riverbank"):
        approve(alliance.chiefs[slug], position)
    publish(alliance.comms, position)
    session.commit()
    login(client, alliance.drafter)
    assert ACTING in body_of(client.get(f"/positions/{position.id}"))
    assert ACTING in body_of(client.get(f"/positions/{position.id}/history"))
    assert ACTING in body_of(client.get(f"/public/{position.slug}"))
    api = client.get(f"/api/v1/positions/{position.id}", headers=api_headers(alliance.drafter))
    mine = next(p for p in api.get_json()["consensus"]["partners"] if p["partner"] == "harbourside")
    assert (mine["decided_by"], mine["acting_for"]) == (
        "Jo Smith",
        "the chief officer of Harbourside",
    )
    published = client.get("/api/v1/published").get_json()[0]["signatories"]
    assert {s["acting_for"] for s in published} == {None, "the chief officer of Harbourside"}


def test_a_deputy_sees_the_to_do_list_as_acting(alliance, client, session, jo):
    name(alliance.chiefs["harbourside"], alliance.partners[0], jo)
    session.commit()
    login(client, jo)
    page = body_of(client.get("/"))
    assert "To decide for Harbourside" in page and "You are Harbourside's deputy today" in page


def test_outside_the_period_or_once_revoked_a_deputy_cannot_sign(alliance, session, jo):
    harbourside = alliance.partners[0]
    later = name(
        alliance.chiefs["harbourside"],
        harbourside,
        jo,
        starts_on=date(2026, 7, 1),
        ends_on=date(2026, 7, 5),
    )
    position = make_position(alliance.drafter)
    with pytest.raises(Forbidden):
        approve(jo, position)
    services.revoke(db.session, alliance.chiefs["harbourside"], later.id)
    now = name(alliance.chiefs["harbourside"], harbourside, jo)
    kept = approve(jo, position)
    services.revoke(db.session, alliance.admin, now.id)
    with pytest.raises(Forbidden):
        approve(jo, position, "object", "No.")
    assert kept.decided_by == ACTING  # decisions made under it stay valid
    revoked = (
        db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.action == "deputation.revoke")
            .order_by(AuditEvent.seq)
        )
        .scalars()
        .all()
    )
    assert [e.actor_id for e in revoked] == [alliance.chiefs["harbourside"].id, alliance.admin.id]


def test_an_admins_naming_waits_for_the_chief_officer(alliance, session, jo):
    row = name(alliance.admin, alliance.partners[0], jo)
    assert row.confirmed_at is None
    position = make_position(alliance.drafter)
    with pytest.raises(Forbidden):
        approve(jo, position)
    with pytest.raises(Forbidden):
        services.confirm(db.session, alliance.admin, row.id)
    with pytest.raises(Forbidden):
        services.confirm(db.session, alliance.chiefs["moorland"], row.id)
    services.confirm(db.session, alliance.chiefs["harbourside"], row.id)
    assert approve(jo, position).deputation_id == row.id
    actions = db.session.execute(
        select(AuditEvent.action).where(AuditEvent.object_type == "deputation")
    ).scalars()
    assert list(actions) == ["deputation.name", "deputation.confirm"]


def test_refusals_with_clear_messages(alliance, session, jo):
    harbourside, moorland = alliance.partners[0], alliance.partners[1]
    chief = alliance.chiefs["harbourside"]
    name(chief, harbourside, jo)
    with pytest.raises(Conflict, match="already has a deputy from 1 Jun 2026 to 30 Jun 2026"):
        name(chief, harbourside, jo, starts_on=date(2026, 6, 20), ends_on=date(2026, 7, 2))
    with pytest.raises(Invalid, match="is not one of Harbourside's people"):
        name(
            chief,
            harbourside,
            alliance.officers["moorland"],
            starts_on=date(2026, 8, 1),
            ends_on=date(2026, 8, 2),
        )
    with pytest.raises(Invalid, match="ends .* before it starts"):
        name(chief, harbourside, jo, starts_on=date(2026, 8, 9), ends_on=date(2026, 8, 2))
    with pytest.raises(Forbidden):  # a deputy names nobody
        name(
            jo, harbourside, alliance.drafter, starts_on=date(2026, 8, 1), ends_on=date(2026, 8, 2)
        )
    with pytest.raises(Forbidden):  # nor does another partner's chief officer
        name(
            alliance.chiefs["moorland"],
            harbourside,
            jo,
            starts_on=date(2026, 8, 1),
            ends_on=date(2026, 8, 2),
        )
    administration.update_partner(
        db.session, alliance.admin, moorland.slug, left_on=date(2026, 6, 1)
    )
    with pytest.raises(Conflict, match="no longer a partner"):
        name(alliance.admin, moorland, alliance.officers["moorland"])


def test_the_web_page_names_and_revokes(alliance, client, session, jo):
    session.commit()
    login(client, alliance.chiefs["harbourside"])
    page = body_of(client.get("/deputies/"))
    assert "Name a deputy" in page and "Jo Smith" in page
    data = {
        "partner": alliance.partners[0].id,
        "deputy": jo.id,
        "starts_on": "2026-06-30",
        "ends_on": "2026-06-01",
    }
    refused = client.post("/deputies/", data=data)
    assert refused.status_code == 400
    assert "before it starts" in body_of(refused) and 'value="2026-06-30"' in body_of(refused)
    data.update(starts_on="2026-06-01", ends_on="2026-06-30")
    assert client.post("/deputies/", data=data).status_code == 302
    row = services.deputations_for(db.session, alliance.chiefs["harbourside"])[0]
    assert "In force" in body_of(client.get("/deputies/"))
    assert client.post(f"/deputies/{row.id}/revoke").status_code == 302
    assert "Revoked" in body_of(client.get("/deputies/"))


def test_the_api_names_confirms_lists_and_revokes(alliance, client, session, jo):
    session.commit()
    body = {
        "partner": alliance.partners[0].id,
        "deputy": jo.id,
        "starts_on": "2026-06-01",
        "ends_on": "2026-06-30",
    }
    named = api_post(client, alliance.admin, "/deputations", body)
    assert named.status_code == 201 and named.get_json()["confirmed"] is False
    deputation = named.get_json()["id"]
    confirmed = api_post(
        client, alliance.chiefs["harbourside"], f"/deputations/{deputation}/confirm"
    )
    assert confirmed.get_json()["confirmed"] is True
    error_of(api_post(client, alliance.admin, "/deputations", body), 409, "deputation_overlaps")
    mine = client.get("/api/v1/deputations", headers=api_headers(alliance.chiefs["harbourside"]))
    assert [d["id"] for d in mine.get_json()] == [deputation]
    others = client.get("/api/v1/deputations", headers=api_headers(alliance.chiefs["moorland"]))
    assert others.get_json() == []
    revoked = api_post(client, alliance.chiefs["harbourside"], f"/deputations/{deputation}/revoke")
    assert revoked.get_json()["revoked_at"] is not None


def test_a_deputation_named_after_a_page_was_seen_shows_the_decision_panel(
    alliance, client, session, jo
):
    """The position page is kept under its version: naming a deputy moves every version, so
    the deputy's next view is not the page kept from before."""
    position = make_position(alliance.drafter)
    session.commit()
    login(client, jo)
    before = client.get(f"/positions/{position.id}")
    assert 'id="sign-off"' not in body_of(before)
    name(alliance.chiefs["harbourside"], alliance.partners[0], jo)
    session.commit()
    after = client.get(
        f"/positions/{position.id}", headers={"If-None-Match": before.headers["ETag"]}
    )
    assert after.status_code == 200 and 'id="sign-off"' in body_of(after)
