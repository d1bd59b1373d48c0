"""Administering the alliance: set-up from nothing, partners, policy areas and settings,
through the command line, the admin page and the JSON API; every change on the audit chain."""

import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.alliance.models import AllianceSettings, Partner, PolicyArea
from app.alliance.services import administration as admin
from app.alliance.settings import load_stored
from app.audit.models import AuditEvent
from app.drafting.services import consensus
from app.extensions import SETTINGS
from tests.support.client import api_headers, error_of, login
from tests.support.factories import make_position, publish, revise


@pytest.fixture(autouse=True)
def _settings_restored(app, monkeypatch):
    """Saving settings changes the process's copy; the next test gets the configured ones."""
    monkeypatch.setitem(app.extensions, SETTINGS, app.extensions[SETTINGS])


def actions(session) -> list[str]:
    return list(session.execute(select(AuditEvent.action).order_by(AuditEvent.seq)).scalars())


def required_slugs(session, position) -> set[str]:
    return {s.partner.slug for s in consensus.consensus_for(session, position).standings}


# ---- set-up from nothing ---------------------------------------------------------------------


INIT = (
    "alliance", "init", "--name", "Estuary Alliance", "--timezone", "Europe/Berlin",
    "--partner", "Riverbank Trust=riverbank", "--partner", "Moor Group",
    "--area", "Housing", "--area", "Clean rivers",
    "--admin-email", "Director@Estuary.test", "--admin-name", "Dana Director",
)  # fmt: skip


def test_init_sets_up_an_alliance_and_prints_the_admins_link(flask_cli, session, client):
    result = flask_cli(*INIT)
    assert result.exit_code == 0, result.output
    partners = session.execute(select(Partner).order_by(Partner.slug)).scalars().all()
    assert [(p.slug, p.name) for p in partners] == [
        ("moor-group", "Moor Group"),
        ("riverbank", "Riverbank Trust"),
    ]
    assert {a.name for a in session.execute(select(PolicyArea)).scalars()} == {
        "Housing",
        "Clean rivers",
    }
    row = session.get(AllianceSettings, 1)
    assert (row.name, row.time_zone) == ("Estuary Alliance", "Europe/Berlin")
    director = session.execute(select(User).filter_by(email="director@estuary.test")).scalar_one()
    assert director.roles == "admin" and director.partner is None
    assert "Estuary Alliance: 2 partners, 2 policy areas." in result.output
    link = re.search(r"http://\S+/welcome/\S+", result.output).group(0)
    page = client.get(link.split("5000", 1)[-1])
    assert page.status_code == 200 and "Dana Director" in page.get_data(as_text=True)
    assert actions(session).count("partner.create") == 2
    assert {"alliance.settings", "area.create", "user.invite"} <= set(actions(session))


def test_init_refuses_a_database_with_partners_unless_asked_to_add(flask_cli, session):
    assert flask_cli(*INIT).exit_code == 0
    again = flask_cli(*INIT)
    assert again.exit_code == 1 and "already has partners" in again.output
    added = flask_cli(
        "alliance", "init", "--add", "--name", "Estuary Alliance", "--timezone", "UTC",
        "--partner", "Harbourside", "--admin-email", "director@estuary.test",
        "--admin-name", "Dana Director",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert session.execute(select(Partner).filter_by(slug="harbourside")).scalar_one()
    assert session.execute(select(User)).scalars().all().__len__() == 1


def test_init_asks_for_what_the_options_leave_out(flask_cli, session):
    answers = "Tide Alliance\nEurope/Dublin\nAlder=alder\nBirch\n\nHousing\n\nann@tide.test\nAnn\n"
    result = flask_cli("alliance", "init", input=answers)
    assert result.exit_code == 0, result.output
    assert {p.slug for p in session.execute(select(Partner)).scalars()} == {"alder", "birch"}
    assert session.get(AllianceSettings, 1).time_zone == "Europe/Dublin"
    assert "Tide Alliance: 2 partners, 1 policy area." in result.output


def test_init_refuses_a_time_zone_that_does_not_exist_and_writes_nothing(flask_cli, session):
    result = flask_cli(*[("Mars/Olympus" if a == "Europe/Berlin" else a) for a in INIT])
    assert result.exit_code == 1 and "not a time zone" in result.output
    assert session.execute(select(Partner)).first() is None


# ---- partners --------------------------------------------------------------------------------


def test_a_partner_that_joins_must_sign_from_its_join_date(alliance, session):
    position = make_position(alliance.drafter)
    today = consensus.clock_of(session).today()
    newcomer = admin.add_partner(
        session, alliance.admin, name="Estuary Trust", joined_on=today + timedelta(days=3)
    )
    assert "estuary-trust" not in required_slugs(session, position)
    admin.update_partner(session, alliance.admin, newcomer.slug, joined_on=today)
    assert "estuary-trust" in required_slugs(session, position)


def test_a_partner_that_leaves_stops_being_required_and_keeps_its_slug(alliance, session):
    position = make_position(alliance.drafter)
    today = consensus.clock_of(session).today()
    admin.update_partner(
        session, alliance.admin, "moorland", name="Moorland Federation", left_on=today
    )
    moorland = admin.find_partner(session, "moorland")
    assert moorland.name == "Moorland Federation"
    assert "moorland" not in required_slugs(session, position)
    event = session.execute(
        select(AuditEvent).where(AuditEvent.action == "partner.update")
    ).scalar_one()
    assert '"left_on"' in event.details and "Moorland Federation" in event.details


def test_the_admin_page_adds_and_edits_partners(alliance, client, session):
    login(client, alliance.admin)
    page = client.get("/admin/alliance")
    assert page.status_code == 200 and "Harbourside" in page.get_data(as_text=True)
    added = client.post(
        "/admin/alliance/partners",
        data={"new-partner-name": "Estuary Trust", "new-partner-slug": "estuary"},
    )
    assert added.status_code == 302
    assert admin.find_partner(session, "estuary").name == "Estuary Trust"
    renamed = client.post(
        "/admin/alliance/partners/estuary",
        data={"p-estuary-name": "Estuary Partnership", "p-estuary-joined_on": "2025-03-03"},
    )
    assert renamed.status_code == 302
    estuary = admin.find_partner(session, "estuary")
    assert (estuary.name, estuary.joined_on) == ("Estuary Partnership", date(2025, 3, 3))


def test_a_refused_partner_form_keeps_what_was_typed(alliance, client, session):
    login(client, alliance.admin)
    response = client.post(
        "/admin/alliance/partners/moorland",
        data={
            "p-moorland-name": "Moorland typed",
            "p-moorland-joined_on": "2025-05-01",
            "p-moorland-left_on": "2025-01-01",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "leaves after the day it joined" in html and 'value="Moorland typed"' in html
    assert admin.find_partner(session, "moorland").name == "Moorland"
    taken = client.post("/admin/alliance/partners", data={"new-partner-name": "Harbourside"})
    assert taken.status_code == 409 and "already taken" in taken.get_data(as_text=True)


def test_people_who_are_not_admins_cannot_change_partners(alliance, client, session):
    login(client, alliance.chiefs["harbourside"])
    assert client.get("/admin/alliance").status_code == 403
    refused = client.post("/admin/alliance/partners", data={"new-partner-name": "Sneaky"})
    assert refused.status_code == 403
    assert session.execute(select(Partner).filter_by(name="Sneaky")).first() is None


def test_partners_through_the_api(alliance, client, session):
    headers = api_headers(alliance.admin)
    created = client.post(
        "/api/v1/partners",
        json={"name": "Estuary Trust", "joined_on": "2025-03-03"},
        headers=headers,
    )
    assert created.status_code == 201, created.get_json()
    assert created.get_json() == {
        "slug": "estuary-trust",
        "name": "Estuary Trust",
        "active": True,
        "joined_on": "2025-03-03",
        "left_on": None,
    }
    changed = client.patch(
        "/api/v1/partners/estuary-trust", json={"left_on": "2026-01-01"}, headers=headers
    )
    assert changed.status_code == 200 and changed.get_json()["left_on"] == "2026-01-01"
    bad = client.patch(
        "/api/v1/partners/estuary-trust", json={"left_on": "2020-01-01"}, headers=headers
    )
    assert error_of(bad, 400)["field"] == "left_on"
    missing = client.patch("/api/v1/partners/nowhere", json={"name": "X"}, headers=headers)
    error_of(missing, 404, "unknown_partner")
    chief = client.post(
        "/api/v1/partners",
        json={"name": "Sneaky"},
        headers=api_headers(alliance.chiefs["harbourside"]),
    )
    error_of(chief, 403)


# ---- policy areas ----------------------------------------------------------------------------


def test_a_retired_area_stays_on_its_positions_but_takes_no_new_one(alliance, client, session):
    old = make_position(alliance.drafter)
    admin.update_area(session, alliance.admin, "housing", retired=True)
    session.commit()
    assert old.area.slug == "housing"
    login(client, alliance.drafter)
    form = client.get("/positions/new").get_data(as_text=True)
    assert ">Housing<" not in form
    refused = client.post(
        "/api/v1/positions",
        json={"title": "New", "body": "Text.", "area": "housing"},
        headers=api_headers(alliance.drafter),
    )
    error_of(refused, 400, "retired_area")
    assert f"/positions/{old.id}" and client.get(f"/positions/{old.id}").status_code == 200


def test_merging_moves_positions_and_retires_the_merged_area(alliance, client, session):
    rivers = admin.add_area(session, alliance.admin, name="Clean rivers")
    position = make_position(alliance.drafter, area=rivers)
    session.commit()
    login(client, alliance.admin)
    merged = client.post(
        "/admin/alliance/areas/clean-rivers/merge", data={"merge-clean-rivers-into": "housing"}
    )
    assert merged.status_code == 302
    session.refresh(position)
    session.refresh(rivers)
    assert position.area.slug == "housing" and rivers.retired
    event = session.execute(
        select(AuditEvent).where(AuditEvent.action == "area.merge")
    ).scalar_one()
    assert '"positions":1' in event.details.replace(" ", "")


def test_areas_through_the_api(alliance, client, session):
    headers = api_headers(alliance.admin)
    created = client.post("/api/v1/areas", json={"name": "Clean rivers"}, headers=headers)
    assert created.status_code == 201
    assert created.get_json() == {"slug": "clean-rivers", "name": "Clean rivers", "retired": False}
    renamed = client.patch(
        "/api/v1/areas/clean-rivers", json={"name": "Rivers", "retired": True}, headers=headers
    )
    assert renamed.get_json() == {"slug": "clean-rivers", "name": "Rivers", "retired": True}
    into_retired = client.post(
        "/api/v1/areas/housing/merge", json={"into": "clean-rivers"}, headers=headers
    )
    error_of(into_retired, 400, "retired_area")
    listed = client.get("/api/v1/areas", headers=api_headers(alliance.drafter)).get_json()
    assert [a["slug"] for a in listed] == ["housing", "clean-rivers"]  # by name: Housing, Rivers


# ---- settings --------------------------------------------------------------------------------


def test_saved_settings_show_on_every_page_and_survive_a_restart(
    alliance, client, session, another_app
):
    login(client, alliance.admin)
    saved = client.post(
        "/admin/alliance",
        data={
            "name": "Estuary Alliance",
            "time_zone": "Pacific/Auckland",
            "public_introduction": "We speak together.",
            "accountable_partner": "harbourside",
        },
    )
    assert saved.status_code == 302
    assert "Estuary Alliance" in client.get("/").get_data(as_text=True)
    assert consensus.clock_of(session).zone.key == "Pacific/Auckland"
    session.commit()
    restarted = another_app()
    load_stored(restarted)  # as create_app does, here on the test's own connection
    assert restarted.extensions[SETTINGS].name == "Estuary Alliance"
    assert "alliance.settings" in actions(session)


def test_a_bad_time_zone_is_refused_on_the_page_with_the_form_kept(alliance, client, session):
    login(client, alliance.admin)
    response = client.post(
        "/admin/alliance", data={"name": "Kept name", "time_zone": "Mars/Olympus"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "not a time zone" in html and 'value="Kept name"' in html
    assert session.get(AllianceSettings, 1) is None


def test_settings_through_the_api(alliance, client):
    headers = api_headers(alliance.admin)
    before = client.get("/api/v1/settings", headers=headers).get_json()
    assert before["accountable_partner"] is None
    after = client.patch(
        "/api/v1/settings",
        json={"public_introduction": "Hello.", "accountable_partner": "moorland"},
        headers=headers,
    ).get_json()
    assert after["public_introduction"] == "Hello." and after["name"] == before["name"]
    assert after["accountable_partner"] == "moorland"
    error_of(client.get("/api/v1/settings", headers=api_headers(alliance.comms)), 403)


def test_the_settings_command_shows_what_is_stored(flask_cli, alliance, session):
    admin.save_settings(
        session, alliance.admin, name="Estuary Alliance", public_introduction="We speak.\nTogether."
    )
    session.commit()
    shown = flask_cli("alliance", "settings")
    assert shown.exit_code == 0, shown.output
    assert "Estuary Alliance" in shown.output and "Europe/London" in shown.output
    assert "  We speak.\n  Together." in shown.output
    assert "Accountable body:  -" in shown.output


def test_the_settings_command_changes_them_on_the_audit_chain(flask_cli, alliance, session):
    before = actions(session).count("alliance.settings")
    changed = flask_cli(
        "alliance", "settings", "--name", "Tide Alliance", "--timezone", "Pacific/Auckland",
        "--introduction", "Hello.", "--accountable", "moorland",
    )  # fmt: skip
    assert changed.exit_code == 0, changed.output
    assert "Accountable body:  Moorland (moorland)" in changed.output
    row = session.get(AllianceSettings, 1)
    assert (row.name, row.time_zone, row.public_introduction) == (
        "Tide Alliance",
        "Pacific/Auckland",
        "Hello.",
    )
    assert row.accountable_partner.slug == "moorland"
    assert consensus.clock_of(session).zone.key == "Pacific/Auckland"
    # One change, one event, as the admin page's save; who made it is the command line's.
    assert actions(session).count("alliance.settings") == before + 1
    event = session.execute(select(AuditEvent).order_by(AuditEvent.seq.desc())).scalars().first()
    assert event.action == "alliance.settings" and event.actor_id is None
    assert json.loads(event.details)["accountable_partner"] == "moorland"
    cleared = flask_cli("alliance", "settings", "--no-accountable")
    assert cleared.exit_code == 0 and "Accountable body:  -" in cleared.output
    session.expire_all()
    assert session.get(AllianceSettings, 1).accountable_partner is None
    assert session.get(AllianceSettings, 1).name == "Tide Alliance"  # the rest as it was
    assert flask_cli("alliance", "settings", "--introduction", "").exit_code == 0
    session.expire_all()
    assert session.get(AllianceSettings, 1).public_introduction == ""
    both = flask_cli("alliance", "settings", "--accountable", "moorland", "--no-accountable")
    assert both.exit_code == 2 and "not both" in both.output


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--timezone", "Mars/Olympus", "not a time zone"),
        ("--accountable", "nowhere", "There is no partner 'nowhere'"),
    ],
)
def test_the_settings_command_refuses_an_unknown_zone_or_partner_and_writes_nothing(
    flask_cli, alliance, session, option, value, says
):
    before = actions(session)
    refused = flask_cli("alliance", "settings", "--name", "Never saved", option, value)
    assert refused.exit_code == 2, refused.output
    assert says in refused.output and option in refused.output
    assert refused.exception is None or isinstance(refused.exception, SystemExit)
    assert "Traceback" not in refused.output
    assert session.get(AllianceSettings, 1) is None and actions(session) == before


# ---- what a join or a leave does to positions in flight ----------------------------------------


def test_the_dashboard_and_position_page_say_what_a_join_does(alliance, client, session):
    drafts = [make_position(alliance.drafter, title=f"Draft {i}") for i in range(3)]
    login(client, alliance.drafter)
    page = client.get(f"/positions/{drafts[0].id}")  # kept under its ETag from now on
    assert "joined on" not in page.get_data(as_text=True)
    today = consensus.clock_of(session).today()
    admin.add_partner(session, alliance.admin, name="Estuary Trust", joined_on=today)
    session.commit()
    when = f"{today.day} {today.strftime('%B')}"
    board = client.get("/").get_data(as_text=True)
    assert f"Estuary Trust joined on {when}: 3 drafts now also need its approval." in board
    shown = client.get(f"/positions/{drafts[0].id}").get_data(as_text=True)
    assert f"Estuary Trust joined on {when}: this draft now also needs its approval." in shown
    assert "Estuary Trust" in shown  # among the partners whose approval it needs


def test_a_published_text_keeps_its_signatories_when_a_partner_leaves(alliance, client, session):
    position = make_position(alliance.drafter)
    alliance.approve_all(position)
    publish(alliance.comms, position)
    session.commit()
    before = client.get(f"/public/{position.slug}").get_data(as_text=True)
    assert "Approved by every partner" in before and "of the time" not in before
    today = consensus.clock_of(session).today()
    admin.update_partner(session, alliance.admin, "moorland", left_on=today)
    session.commit()
    login(client, alliance.admin)
    cards = client.get("/admin/alliance").get_data(as_text=True)
    assert f"Left on {today.day} {today.strftime('%B %Y')}: no longer a signatory." in cards
    client.post("/logout")
    public = client.get(f"/public/{position.slug}").get_data(as_text=True)
    assert "Moorland" in public
    assert "Approved by every partner of the time" in public
    assert "a published text keeps the signatories it had" in public
    login(client, alliance.drafter)
    board = client.get("/").get_data(as_text=True)
    assert "Moorland left on" in board and "no longer need" in board
    # Its page says nothing of the leave: it is no draft, and nothing it had is taken away.
    shown = client.get(f"/positions/{position.id}").get_data(as_text=True)
    assert "Moorland left on" not in shown and "this draft" not in shown
    revise(alliance.drafter, position, "A newer text.")
    session.commit()
    redrafted = client.get(f"/positions/{position.id}").get_data(as_text=True)
    assert "Moorland left on" in redrafted and "this draft no longer needs" in redrafted
    # Its approval of the published text stays in the decisions, marked as no longer counting.
    assert redrafted.count("(no longer a signatory)") == 1


def test_the_public_pages_show_the_introduction_and_the_accountable_body(alliance, client, session):
    position = make_position(alliance.drafter)
    alliance.approve_all(position)
    publish(alliance.comms, position)
    session.commit()
    before = client.get(f"/public/{position.slug}")
    assert "Accountable body" not in before.get_data(as_text=True)
    admin.save_settings(
        session,
        alliance.admin,
        public_introduction="Three trusts, one voice.",
        accountable_partner="riverbank",
    )
    session.commit()
    index = client.get("/public/").get_data(as_text=True)
    assert "Three trusts, one voice." in index
    assert "The accountable body for these positions is Riverbank." in index
    after = client.get(
        f"/public/{position.slug}", headers={"If-None-Match": before.headers["ETag"]}
    )
    assert after.status_code == 200 and "Accountable body: Riverbank." in after.get_data(
        as_text=True
    )


def test_another_worker_picks_up_changed_settings(alliance, another_app, session):
    # A second process of the same server, one that re-reads on every request (for the test).
    worker = another_app(SETTINGS_REFRESH_SECONDS=1e-9)
    worker_client = worker.test_client()
    with worker.app_context():
        assert worker.extensions[SETTINGS].name != "Estuary Alliance"
    admin.save_settings(session, alliance.admin, name="Estuary Alliance")
    session.commit()
    page = worker_client.get("/login").get_data(as_text=True)
    assert "Estuary Alliance" in page


def test_the_holiday_country_is_a_setting_checked_against_the_holidays_library(alliance, client):
    headers = api_headers(alliance.admin)
    assert client.get("/api/v1/settings", headers=headers).get_json()["holiday_country"] == (
        "GB-ENG"
    )
    error_of(
        client.patch("/api/v1/settings", json={"holiday_country": "XX"}, headers=headers),
        400,
        "unknown_country",
    )
    try:
        changed = client.patch(
            "/api/v1/settings", json={"holiday_country": "gb-sct"}, headers=headers
        )
        assert changed.get_json()["holiday_country"] == "GB-SCT"
    finally:  # the app keeps its settings for every later test
        client.patch("/api/v1/settings", json={"holiday_country": "GB-ENG"}, headers=headers)
