"""Who may do what, everywhere: every route of the app, web and API, tried by every role.

The expected answers are declared in tests/support/permissions.py; the world of roles and the
realistic request for each route are in tests/support/roles.py. Here the routes come from
`app.url_map` itself, so a new route without a declared permission fails the first test; the
second walks every route and method with every role, on realistic ids built through the
services, and compares the answer with the table. Each role allowed to write gets fresh data of
its own, so one role's success never decides the next role's answer; the refused roles share one
set (a refusal changes nothing, and if one did not, the walk has already failed).

An answer is *allowed* when it is 2xx, or a redirect that is neither to the sign-in page nor
carries an error message; *refused* when it is 401, 403 or 404, a redirect to sign in, or a
redirect whose flashed message is an error (a refused form writes nothing). Anything else (a
400 or 409 on realistic input, or any 5xx) fails the test.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import event, select

from app.divergence.models import DifferConfirmation, DifferStatement, Stance
from app.drafting.models import SignOff
from app.extensions import db
from app.meetings.services import appearances
from tests.support.client import login
from tests.support.factories import make_meeting
from tests.support.permissions import (
    ADMIN,
    ANON,
    COMMS,
    OTHER_CHIEF,
    PERMISSIONS,
    ROLES,
)
from tests.support.roles import SECRET, Case, World, cases

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def declared_routes(app) -> dict[str, set[str]]:
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        routes.setdefault(rule.endpoint, set()).update(rule.methods - IGNORED_METHODS)
    return routes


def test_every_route_has_a_declared_permission(app):
    routes = declared_routes(app)
    undeclared = sorted(
        f"{endpoint} {method}"
        for endpoint, methods in routes.items()
        for method in methods
        if method not in PERMISSIONS.get(endpoint, {})
    )
    assert not undeclared, (
        "Routes with no declared permission (add them to tests/support/permissions.py): "
        + ", ".join(undeclared)
    )
    stale = sorted(
        f"{endpoint} {method}"
        for endpoint, methods in PERMISSIONS.items()
        for method in methods
        if method not in routes.get(endpoint, set())
    )
    assert not stale, "Declared permissions for routes that do not exist: " + ", ".join(stale)
    unknown = {r for methods in PERMISSIONS.values() for roles in methods.values() for r in roles}
    assert unknown <= set(ROLES)


# ---- asking and judging ------------------------------------------------------------------------


class Clients:
    """One signed-in test client per role (a fresh one for each signed-out try)."""

    def __init__(self, app, world: World):
        self.app, self.world, self.clients = app, world, {}

    def get(self, role: str):
        if role == ANON:
            return self.app.test_client()
        if role not in self.clients:
            self.clients[role] = self.app.test_client()
            login(self.clients[role], self.world.users[role])
        return self.clients[role]

    def forget(self, role: str) -> None:
        self.clients.pop(role, None)


def ask(client, case: Case, token: str | None):
    headers = {}
    if case.path.startswith("/api/") and token:
        headers["Authorization"] = f"Bearer {token}"
    with client.session_transaction() as flashes:
        flashes.pop("_flashes", None)
    return client.open(
        case.path, method=case.method, data=case.form, json=case.json, headers=headers
    )


def judge(client, response) -> str:
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if status in (401, 403, 404):
        return "refused"
    if 300 <= status < 400:
        if "/login?next=" in response.headers.get("Location", ""):
            return "refused"
        with client.session_transaction() as session:
            if any(category == "error" for category, _ in session.get("_flashes", [])):
                return "refused"
        return "allowed"
    if 200 <= status < 300:
        return "allowed"
    return f"unexpected {status}: {response.get_data()[:300].decode(errors='replace')}"


@dataclass
class Walk:
    checked: int = 0
    wrong: list = field(default_factory=list)
    leaks: list = field(default_factory=list)
    writes_on_read: list = field(default_factory=list)


WRITES = ("INSERT", "UPDATE", "DELETE")


def walk(app, world: World) -> Walk:
    clients = Clients(app, world)
    result = Walk()
    reading: list[str] = []  # the GET being answered, while one is

    def note_write(conn, cursor, statement, parameters, context, executemany):
        if reading and statement.lstrip().upper().startswith(WRITES):
            result.writes_on_read.append(f"{reading[0]}: {statement.split(chr(10))[0][:80]}")

    event.listen(db.engine, "before_cursor_execute", note_write)
    try:
        _walk(clients, world, result, reading)
    finally:
        event.remove(db.engine, "before_cursor_execute", note_write)
    return result


def _walk(clients: Clients, world: World, result: Walk, reading: list[str]) -> None:
    for endpoint in sorted(PERMISSIONS):
        for method, allowed in sorted(PERMISSIONS[endpoint].items()):
            shared = None  # a refusal changes nothing, so the refused roles share one try's data
            for role in ROLES:
                build = cases(world, role).get((endpoint, method))
                assert build is not None, f"no request for {endpoint} {method} in cases()"
                expected = "allowed" if role in allowed else "refused"
                if expected == "refused":
                    case = shared = shared or build()
                else:
                    case = build()
                client = clients.get(role)
                if method == "GET":
                    reading.append(f"GET {case.path} as {role}")
                try:
                    response = ask(client, case, world.tokens.get(role))
                    answer = judge(client, response)
                except Exception as error:  # noqa: BLE001  (TESTING propagates a 500's cause)
                    db.session.rollback()
                    answer, response = f"server error: {error!r}", None
                finally:
                    reading.clear()
                if case.after:
                    case.after()
                if case.relogin:
                    clients.forget(role)
                result.checked += 1
                if answer != expected:
                    result.wrong.append(f"{endpoint} {method} as {role}: {answer}, not {expected}")
                shown = response.get_data().decode(errors="replace") if response is not None else ""
                if response is not None:
                    response.close()
                if role == ANON and not case.secret_ok and SECRET in shown:
                    result.leaks.append(f"{case.method} {case.path}")


def test_every_route_with_every_role(app, alliance, capsys):
    world = World(alliance)
    result = walk(app, world)
    assert not result.wrong, "\n".join(result.wrong)
    assert not result.leaks, "internal records shown signed out: " + ", ".join(result.leaks)
    assert not result.writes_on_read, "a GET wrote:\n" + "\n".join(result.writes_on_read)
    endpoints = sum(len(methods) for methods in PERMISSIONS.values())
    assert result.checked == endpoints * len(ROLES) >= 90 * 7
    with capsys.disabled():
        print(f"\npermissions: {endpoints} routes x {len(ROLES)} roles = {result.checked} checked")
    assert_nobody_acted_for_another_partner()


def assert_nobody_acted_for_another_partner():
    """After every role tried every route: each decision is its author's own partner's."""
    db.session.rollback()
    for signoff in db.session.execute(select(SignOff)).scalars():
        assert signoff.user.partner_id == signoff.partner_id
        assert "chief_officer" in signoff.user.roles
    for stance in db.session.execute(select(Stance)).scalars():
        assert stance.user.partner_id == stance.partner_id
    for statement in db.session.execute(select(DifferStatement)).scalars():
        assert statement.user.partner_id == statement.partner_id
    for confirmation in db.session.execute(select(DifferConfirmation)).scalars():
        assert confirmation.user.partner_id == confirmation.partner_id
        assert "chief_officer" in confirmation.user.roles


# ---- the rules the issue names, one by one -----------------------------------------------------


@pytest.fixture
def world(alliance) -> World:
    return World(alliance)


def test_nobody_decides_for_a_partner_they_do_not_belong_to(client, world):
    """Stances, statements and sign-offs through the API, aimed at partner A by partner B."""
    moorland_chief = world.users[OTHER_CHIEF]
    headers = {"Authorization": f"Bearer {world.tokens[OTHER_CHIEF]}"}
    base = f"/api/v1/positions/{world.draft.id}"
    for partner in ("harbourside", "riverbank"):
        response = client.put(
            f"{base}/stances/{partner}", json={"stance": "oppose"}, headers=headers
        )
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "forbidden"
    response = client.post(
        f"{base}/signoffs",
        json={"revision": 2, "decision": "object", "comment": "No", "partner": "harbourside"},
        headers=headers,
    )
    assert response.status_code == 201 and response.get_json()["partner"] == "moorland"
    for admin_or_comms in (ADMIN, COMMS):
        staff = {"Authorization": f"Bearer {world.tokens[admin_or_comms]}"}
        response = client.post(
            f"{base}/signoffs", json={"revision": 2, "decision": "approve"}, headers=staff
        )
        assert response.status_code == 403
    db.session.rollback()
    decided = db.session.execute(
        select(SignOff.partner_id).where(SignOff.position_id == world.draft.id)
    ).scalars()
    assert set(decided) == {moorland_chief.partner_id}
    # Nor speaks for partner A in the spokesperson log, even when recording their own words.
    response = client.post(
        f"/api/v1/meetings/{world.meeting.id}/appearances",
        json={"speaker": moorland_chief.id, "capacity": "harbourside", "summary": "For them."},
        headers=headers,
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "not_own_partner"
    stance_partners = db.session.execute(
        select(Stance.partner_id).where(Stance.position_id == world.draft.id)
    ).scalars()
    assert set(stance_partners) == {world.chief.partner_id}


def test_internal_records_are_never_shown_signed_out(client, world):
    """Drafts and internal meetings: refused or absent in every signed-out view of them."""
    draft, meeting = world.draft, world.meeting
    assert client.get(f"/positions/{draft.id}").status_code == 302
    assert client.get(f"/public/{draft.slug}").status_code == 404
    assert client.get(f"/meetings/{meeting.id}").status_code == 404
    assert client.get(f"/meetings/positions/{draft.id}").status_code == 404
    assert client.get(f"/meetings/audiences/{world.organisation_id}").status_code == 404
    assert client.get(f"/api/v1/positions/{draft.id}").status_code == 401
    assert client.get(f"/api/v1/meetings/{meeting.id}").status_code == 401
    for path in (
        "/public/",
        "/api/v1/published",
        "/meetings/",
        "/meetings/?when=past",
        "/meetings/log",
        "/meetings/log.csv",
        "/meetings/audiences",
        "/meetings/public.ics",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert SECRET not in response.get_data(as_text=True), path
    # The published position is public, and its page names no draft.
    page = client.get(f"/public/{world.published.slug}")
    assert page.status_code == 200 and "Clean rivers" in page.get_data(as_text=True)
    assert SECRET not in page.get_data(as_text=True)


def test_a_public_meeting_is_readable_signed_out_and_an_internal_one_is_not(client, world):
    public = make_meeting(world.alliance.comms, title="Open hearing", public=True)
    appearances.record_appearance(
        db.session,
        world.alliance.comms,
        public.id,
        speaker=world.chief.id,
        capacity="harbourside",
        positions=[world.published.id],
        summary="We set out the agreed text.",
    )
    db.session.commit()
    assert client.get(f"/meetings/{public.id}").status_code == 200
    assert client.get(f"/meetings/{world.meeting.id}").status_code == 404
    listing = client.get("/meetings/?when=past").get_data(as_text=True)
    assert "Open hearing" in listing and SECRET not in listing


@pytest.mark.parametrize("path", ["/admin/audit", "/admin/people"])
def test_admin_pages_refuse_everyone_else(client, world, path):
    for role in ROLES:
        fresh = client.application.test_client()
        if role != ANON:
            login(fresh, world.users[role])
        status = fresh.get(path).status_code
        if role == ADMIN:
            assert status == 200
        elif role == ANON:
            assert status == 302
        else:
            assert status == 403, role


def test_nul_characters_answer_400_never_500(client, world):
    """PostgreSQL cannot store a NUL character: every way of sending one is refused first."""
    login(client, world.policy)
    for path in (
        "/positions/?q=a%00",
        "/divergence/?status=%00",
        "/meetings/log?partner=%00",
        "/public/a%00b",
        "/api/v1/published?page=%00",
    ):
        assert client.get(path).status_code == 400, path
    form = {"title": "a\x00", "area": world.area.id, "body": "b"}
    assert client.post("/positions/new", data=form).status_code == 400
    signed_out = client.application.test_client()
    response = signed_out.post("/login", data={"email": "a\x00@x.test", "password": "x"})
    assert response.status_code == 400
