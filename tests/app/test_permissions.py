"""Who may do what, everywhere: every route of the app, web and API, tried by every role.

The expected answers are declared in tests/app/permissions_table.py. Here the routes come from
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

import itertools
from dataclasses import dataclass, field

import pytest
from flask import current_app
from sqlalchemy import event, select

from app.accounts import services as accounts
from app.divergence.models import DifferConfirmation, DifferStatement, Stance
from app.divergence.services import amendments, differ, stances
from app.drafting.models import Position, SignOff
from app.extensions import db
from app.meetings.models import Appearance, Flag, Meeting
from app.meetings.services import appearances, feeds, mandates
from tests.app.builders import publish
from tests.app.permissions_table import (
    ADMIN,
    ANON,
    CHIEF,
    COMMS,
    OTHER_CHIEF,
    OTHER_POLICY,
    PERMISSIONS,
    POLICY,
    ROLES,
)
from tests.app.test_meetings_services import make_meeting
from tests.conftest import PASSWORD, Alliance, login, make_position, make_user, revise

IGNORED_METHODS = {"HEAD", "OPTIONS"}
SECRET = "zq-internal-7731"  # in every internal record; never in an answer to a signed-out tab
NEW_PASSWORD = "a different long passphrase 42"


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
        "Routes with no declared permission (add them to tests/app/permissions_table.py): "
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


# ---- the world the routes are tried on ---------------------------------------------------------


@dataclass
class Case:
    method: str
    path: str
    form: dict | None = None
    json: dict | None = None
    relogin: bool = False  # the request signs its client out (a welcome link, signing out)
    after: object = None  # a clean-up to run after the request
    secret_ok: bool = False  # a secret link: its holder reads internal records by design


@dataclass
class World:
    """Harbourside (partner A) owns the data; Moorland's people are the other partner's."""

    alliance: Alliance
    users: dict = field(default_factory=dict)
    serial: itertools.count = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self):
        a = self.alliance
        self.users = {
            ANON: None,
            ADMIN: a.admin,
            CHIEF: a.chiefs["harbourside"],
            POLICY: a.officers["harbourside"],
            COMMS: a.comms,
            OTHER_CHIEF: a.chiefs["moorland"],
            OTHER_POLICY: a.officers["moorland"],
        }
        self.chief, self.policy = self.users[CHIEF], self.users[POLICY]
        self.area = a.area
        # A draft with two revisions, partner A's stance and an open amendment.
        self.draft = self.position()
        revise(self.policy, self.draft, f"Second draft {SECRET}.")
        stances.set_stance(
            db.session,
            self.chief,
            self.draft.id,
            "harbourside",
            view="support",
            rationale=f"Why {SECRET}",
        )
        self.amendment = self.propose(self.draft)
        self.published = self.approved(title="Clean rivers")
        publish(a.comms, self.published)
        # Every partner's statement written: ready for agree-to-differ confirmations.
        self.differing = self.position()
        for officer in a.officers.values():
            differ.write_statement(db.session, officer, self.differing.id, text=f"We {SECRET}")
        # An internal meeting at which partner A's chief spoke for the alliance (flagged).
        self.meeting = self.internal_meeting()
        self.appearance = self.speak(self.meeting)
        self.organisation_id = self.meeting.counterparts[0].organisation_id
        mandates.grant_mandate(
            db.session, a.admin, user=self.policy.id, areas=[self.area.id], starts_on="2024-01-01"
        )
        _, self.feed_token = feeds.create_feed(db.session, self.chief, "mine")
        self.invitation = self.invite()
        self.throwaway = make_user("throwaway@example.org", "comms")  # its password is reset
        self.visitor = make_user("visitor@example.org", "comms")  # signs in on a fresh tab
        self.tokens = {
            role: accounts.issue_token(db.session, user, "permissions")
            for role, user in self.users.items()
            if user is not None
        }
        db.session.commit()

    def n(self) -> int:
        return next(self.serial)

    # ---- fresh data for one try ---------------------------------------------------------------

    def position(self, title: str | None = None, body: str = f"Draft {SECRET}.") -> Position:
        title = title or f"Draft {self.n()} {SECRET}"
        position = make_position(self.policy, title=title, body=body)
        db.session.commit()
        return position

    def approved(self, title: str | None = None) -> Position:
        """Unanimously approved, not yet published: nothing secret, since it may be published."""
        position = self.position(title=title or f"Agreed {self.n()}", body="Agreed text.")
        self.alliance.approve_all(position)
        db.session.commit()
        return position

    def propose(self, position: Position) -> int:
        amendment = amendments.propose(
            db.session,
            self.policy,
            position.id,
            base_number=position.current_revision.number,
            body=f"Amended {self.n()} {SECRET}.",
            reason=f"Because {SECRET}",
        )
        db.session.commit()
        return amendment.number

    def agreed_to_differ(self) -> Position:
        """Published as agreed to differ: public, so nothing secret in it."""
        position = self.position(title=f"Differ {self.n()}", body="Our views.")
        for officer in self.alliance.officers.values():
            differ.write_statement(db.session, officer, position.id, text="We differ.")
        for chief in self.alliance.chiefs.values():
            differ.confirm(db.session, chief, position.id)
        db.session.commit()
        return position

    def internal_meeting(self) -> Meeting:
        return make_meeting(
            self.alliance.comms,
            title=f"Briefing {self.n()} {SECRET}",
            audience=(f"Ministry {SECRET}",),
            areas=(self.area,),
        )

    def speak(self, meeting: Meeting) -> Appearance:
        appearance = appearances.record_appearance(
            db.session,
            self.alliance.comms,
            meeting.id,
            speaker=self.chief.id,
            capacity="alliance",
            positions=[self.draft.id],
            summary=f"Said {SECRET}",
        )
        db.session.commit()
        return appearance

    def flag(self) -> int:
        appearance = self.speak(self.internal_meeting())
        flag = db.session.execute(
            select(Flag).where(Flag.appearance_id == appearance.id).limit(1)
        ).scalar_one()
        return flag.id

    def token_of_chief(self) -> int:
        accounts.issue_token(db.session, self.chief, "to revoke")
        db.session.commit()
        return accounts.tokens_of(db.session, self.chief)[0].id

    def feed_of_chief(self) -> int:
        feed, _ = feeds.create_feed(db.session, self.chief, "to revoke")
        db.session.commit()
        return feed.id

    def invite(self) -> str:
        user = accounts.invite_user(
            db.session,
            self.alliance.admin,
            email=f"invitee{self.n()}@example.org",
            name="Invited Person",
            roles=["policy_officer"],
            partner_slug="harbourside",
        )
        db.session.commit()
        return accounts.account_link_token(user, "invite", current_app.config["SECRET_KEY"])

    def restore_password(self, role: str):
        def restore():
            user = self.users[role]
            if user is None:
                return
            user.password_hash = accounts.generate_password_hash(PASSWORD)
            db.session.commit()

        return restore


def meeting_form(title: str) -> dict:
    return {
        "title": title,
        "starts_at": "2026-03-02T10:00",
        "ends_at": "2026-03-02T11:00",
        "kind": "meeting",
        "status": "planned",
        "areas": [],
        "audience-0-organisation": f"Ministry {SECRET}",
        "audience-0-person": "A. Official",
    }


def appearance_form(w: World) -> dict:
    return {
        "speaker": str(w.chief.id),
        "capacity": "alliance",
        "positions": [str(w.draft.id)],
        "summary": f"Said {SECRET}",
    }


# ---- one realistic request per route and method --------------------------------------------


def cases(w: World, role: str) -> dict[tuple[str, str], Case]:
    """The request each role tries on each route; writes get fresh data of their own."""
    d, p, m = w.draft.id, w.published, w.meeting.id
    api = "/api/v1"
    c = {
        # signing in, accounts, administration
        ("auth.login", "GET"): lambda: Case("GET", "/login"),
        ("auth.login", "POST"): lambda: Case(
            "POST", "/login", form={"email": w.visitor.email, "password": PASSWORD}
        ),
        ("auth.logout", "POST"): lambda: Case("POST", "/logout", relogin=True),
        ("account.profile", "GET"): lambda: Case("GET", "/account"),
        ("account.profile", "POST"): lambda: Case(
            "POST",
            "/account",
            form={"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
            after=w.restore_password(role),
        ),
        ("account.tokens", "GET"): lambda: Case("GET", "/account/tokens"),
        ("account.tokens", "POST"): lambda: Case("POST", "/account/tokens", form={"name": "x"}),
        ("account.revoke", "POST"): lambda: Case(
            "POST", f"/account/tokens/{w.token_of_chief()}/revoke"
        ),
        ("account.welcome", "GET"): lambda: Case("GET", f"/welcome/{w.invitation}"),
        ("account.welcome", "POST"): lambda: Case(
            "POST",
            f"/welcome/{w.invite()}",
            form={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
            relogin=True,
        ),
        ("admin.audit_log", "GET"): lambda: Case("GET", "/admin/audit?verify=1"),
        ("admin.people", "GET"): lambda: Case("GET", "/admin/people"),
        ("admin.people", "POST"): lambda: Case(
            "POST",
            "/admin/people",
            form={
                "email": f"new{w.n()}@example.org",
                "name": "New Person",
                "partner": "harbourside",
                "roles": ["policy_officer"],
            },
        ),
        ("admin.reset", "POST"): lambda: Case("POST", f"/admin/people/{w.throwaway.id}/reset"),
        # positions on the web
        ("dashboard.index", "GET"): lambda: Case("GET", "/"),
        ("drafting.index", "GET"): lambda: Case("GET", "/positions/?q=draft"),
        ("drafting.new", "GET"): lambda: Case("GET", "/positions/new"),
        ("drafting.new", "POST"): lambda: Case(
            "POST",
            "/positions/new",
            form={"title": f"New {w.n()} {SECRET}", "area": w.area.id, "body": SECRET},
        ),
        ("drafting.show", "GET"): lambda: Case("GET", f"/positions/{d}"),
        ("drafting.edit", "GET"): lambda: Case("GET", f"/positions/{d}/edit"),
        ("drafting.edit", "POST"): lambda: Case(
            "POST",
            f"/positions/{w.position().id}/edit",
            form={"title": f"Edited {SECRET}", "body": SECRET, "base_revision": 1, "note": "e"},
        ),
        ("drafting.history", "GET"): lambda: Case("GET", f"/positions/{d}/history"),
        ("drafting.compare_view", "GET"): lambda: Case("GET", f"/positions/{d}/compare?from=1"),
        ("drafting.sign_off", "POST"): lambda: Case(
            "POST",
            f"/positions/{w.position().id}/signoff",
            form={"revision": 1, "decision": "approve", "comment": "Fine."},
        ),
        ("drafting.publish", "POST"): lambda: Case(
            "POST", f"/positions/{w.approved().id}/publish", form={"revision": 1}
        ),
        ("drafting.preview", "POST"): lambda: Case(
            "POST", "/positions/preview", form={"body": "**b**"}
        ),
        ("divergence.board_view", "GET"): lambda: Case("GET", "/divergence/"),
        ("divergence.set_stance", "POST"): lambda: Case(
            "POST",
            f"/positions/{d}/stance",
            form={"stance": "oppose", "rationale": f"{w.n()} {SECRET}"},
        ),
        ("divergence.propose_amendment", "GET"): lambda: Case(
            "GET", f"/positions/{d}/amendments/new"
        ),
        ("divergence.propose_amendment", "POST"): lambda: Case(
            "POST",
            f"/positions/{d}/amendments/new",
            form={"base_revision": 2, "body": f"Other {w.n()} {SECRET}", "reason": SECRET},
        ),
        ("divergence.amendment", "GET"): lambda: Case(
            "GET", f"/positions/{d}/amendments/{w.amendment}"
        ),
        ("divergence.accept_amendment", "POST"): lambda: _fresh_amendment(w, "accept"),
        ("divergence.decline_amendment", "POST"): lambda: Case(
            "POST",
            f"/positions/{d}/amendments/{w.propose(w.draft)}/decline",
            form={"reason": SECRET},
        ),
        ("divergence.differ_page", "GET"): lambda: Case(
            "GET", f"/positions/{w.differing.id}/differ"
        ),
        ("divergence.differ_page", "POST"): lambda: Case(
            "POST", f"/positions/{w.differing.id}/differ", form={"statement": f"Ours {SECRET}"}
        ),
        ("divergence.confirm_differ", "POST"): lambda: Case(
            "POST", f"/positions/{w.differing.id}/differ/confirm"
        ),
        ("divergence.reopen", "POST"): lambda: Case(
            "POST", f"/positions/{w.agreed_to_differ().id}/reopen"
        ),
        ("divergence.timeline", "GET"): lambda: Case("GET", f"/positions/{d}/timeline"),
        ("divergence.review_date", "POST"): lambda: Case(
            "POST", f"/positions/{d}/review-date", form={"review_by": "2030-01-31"}
        ),
        ("divergence.close", "POST"): lambda: Case(
            "POST",
            f"/positions/{w.position().id}/close",
            form={"action": "withdraw", "reason": SECRET},
        ),
        # the public record
        ("public.index", "GET"): lambda: Case("GET", "/public/"),
        ("public.position", "GET"): lambda: Case("GET", f"/public/{p.slug}"),
        ("static", "GET"): lambda: Case("GET", "/static/concord.css"),
        # the spokesperson log
        ("meetings.index", "GET"): lambda: Case("GET", "/meetings/?when=past"),
        ("meetings.show", "GET"): lambda: Case("GET", f"/meetings/{m}"),
        ("meetings.new", "GET"): lambda: Case("GET", "/meetings/new"),
        ("meetings.new", "POST"): lambda: Case(
            "POST", "/meetings/new", form=meeting_form(f"New {w.n()} {SECRET}")
        ),
        ("meetings.edit", "GET"): lambda: Case("GET", f"/meetings/{m}/edit"),
        ("meetings.edit", "POST"): lambda: Case(
            "POST", f"/meetings/{m}/edit", form=meeting_form(f"Briefing {SECRET}")
        ),
        ("meetings.briefing", "GET"): lambda: Case("GET", f"/meetings/{m}/briefing"),
        ("meetings.new_appearance", "GET"): lambda: Case("GET", f"/meetings/{m}/appearances/new"),
        ("meetings.new_appearance", "POST"): lambda: Case(
            "POST",
            f"/meetings/{w.internal_meeting().id}/appearances/new",
            form=appearance_form(w),
        ),
        ("meetings.edit_appearance", "GET"): lambda: Case(
            "GET", f"/meetings/appearances/{w.appearance.id}/edit"
        ),
        ("meetings.edit_appearance", "POST"): lambda: Case(
            "POST", f"/meetings/appearances/{w.appearance.id}/edit", form=appearance_form(w)
        ),
        ("meetings.log_index", "GET"): lambda: Case("GET", "/meetings/log"),
        ("meetings.log_csv", "GET"): lambda: Case("GET", "/meetings/log.csv"),
        ("meetings.position_log", "GET"): lambda: Case("GET", f"/meetings/positions/{d}"),
        ("meetings.audiences", "GET"): lambda: Case("GET", "/meetings/audiences"),
        ("meetings.audience", "GET"): lambda: Case(
            "GET", f"/meetings/audiences/{w.organisation_id}"
        ),
        ("meetings.audience", "POST"): lambda: Case(
            "POST",
            f"/meetings/audiences/{w.organisation_id}",
            form={"alias": f"Alias {w.n()} {SECRET}"},
        ),
        ("meetings.flags", "GET"): lambda: Case("GET", "/meetings/flags"),
        ("meetings.review", "POST"): lambda: Case(
            "POST", f"/meetings/flags/{w.flag()}/review", form={"note": f"Checked {SECRET}"}
        ),
        ("meetings.mandates_page", "GET"): lambda: Case("GET", "/meetings/mandates"),
        ("meetings.mandates_page", "POST"): lambda: Case(
            "POST",
            "/meetings/mandates",
            form={
                "user": str(w.policy.id),
                "areas": [w.area.id],
                "starts_on": "2025-01-01",
                "note": SECRET,
            },
        ),
        ("meetings.calendar_links", "GET"): lambda: Case("GET", "/meetings/calendar"),
        ("meetings.calendar_links", "POST"): lambda: Case(
            "POST", "/meetings/calendar", form={"name": "phone"}
        ),
        ("meetings.revoke_calendar", "POST"): lambda: Case(
            "POST", f"/meetings/calendar/{w.feed_of_chief()}/revoke"
        ),
        ("meetings.calendar_feed", "GET"): lambda: Case(
            "GET", f"/meetings/calendar/{w.feed_token}.ics", secret_ok=True
        ),
        ("meetings.public_calendar", "GET"): lambda: Case("GET", "/meetings/public.ics"),
        # the JSON API
        ("api.openapi", "GET"): lambda: Case("GET", f"{api}/openapi.json"),
        ("api.published", "GET"): lambda: Case("GET", f"{api}/published"),
        ("api.partners", "GET"): lambda: Case("GET", f"{api}/partners"),
        ("api.list_positions", "GET"): lambda: Case("GET", f"{api}/positions"),
        ("api.create_position", "POST"): lambda: Case(
            "POST",
            f"{api}/positions",
            json={"title": f"API {w.n()} {SECRET}", "body": SECRET, "area": w.area.slug},
        ),
        ("api.show_position", "GET"): lambda: Case("GET", f"{api}/positions/{d}"),
        ("api.create_revision", "POST"): lambda: Case(
            "POST",
            f"{api}/positions/{w.position().id}/revisions",
            json={"body": f"New {SECRET}", "base_revision": 1, "note": "n"},
        ),
        ("api.list_revisions", "GET"): lambda: Case("GET", f"{api}/positions/{d}/revisions"),
        ("api.diff", "GET"): lambda: Case("GET", f"{api}/positions/{d}/diff?from=1&to=2"),
        ("api.sign_off", "POST"): lambda: Case(
            "POST",
            f"{api}/positions/{w.position().id}/signoffs",
            # A body naming partner A changes nothing: the signer's own partner decides.
            json={"revision": 1, "decision": "approve", "partner": "harbourside"},
        ),
        ("api.publish", "POST"): lambda: Case(
            "POST", f"{api}/positions/{w.approved().id}/publish", json={"revision": 1}
        ),
        ("api.get_stance", "GET"): lambda: Case("GET", f"{api}/positions/{d}/stances/harbourside"),
        ("api.put_stance", "PUT"): lambda: Case(
            "PUT",
            f"{api}/positions/{d}/stances/harbourside",
            json={"stance": "reservations", "rationale": f"{w.n()} {SECRET}"},
        ),
        ("api.list_amendments", "GET"): lambda: Case("GET", f"{api}/positions/{d}/amendments"),
        ("api.propose_amendment", "POST"): lambda: Case(
            "POST",
            f"{api}/positions/{d}/amendments",
            json={"base_revision": 2, "body": f"API {w.n()} {SECRET}", "reason": SECRET},
        ),
        ("api.accept_amendment", "POST"): lambda: _fresh_amendment(w, "accept", api=True),
        ("api.decline_amendment", "POST"): lambda: Case(
            "POST",
            f"{api}/positions/{d}/amendments/{w.propose(w.draft)}/decline",
            json={"reason": SECRET},
        ),
        ("api.divergence_board", "GET"): lambda: Case("GET", f"{api}/divergence"),
        ("api.differ_statement", "POST"): lambda: Case(
            "POST", f"{api}/positions/{w.differing.id}/differ", json={"statement": SECRET}
        ),
        ("api.differ_confirm", "POST"): lambda: Case(
            "POST", f"{api}/positions/{w.differing.id}/differ/confirm", json={}
        ),
        ("api.timeline", "GET"): lambda: Case("GET", f"{api}/positions/{d}/timeline"),
        ("api.list_meetings", "GET"): lambda: Case("GET", f"{api}/meetings"),
        ("api.create_meeting", "POST"): lambda: Case(
            "POST",
            f"{api}/meetings",
            json={"title": SECRET, "starts_at": "2026-03-02T10:00", "audience": ["Ministry"]},
        ),
        ("api.show_meeting", "GET"): lambda: Case("GET", f"{api}/meetings/{m}"),
        ("api.update_meeting", "PATCH"): lambda: Case(
            "PATCH", f"{api}/meetings/{m}", json={"place": "Room 1"}
        ),
        ("api.record_appearance", "POST"): lambda: Case(
            "POST",
            f"{api}/meetings/{w.internal_meeting().id}/appearances",
            json={"speaker": w.chief.id, "capacity": "alliance", "summary": SECRET},
        ),
        ("api.list_appearances", "GET"): lambda: Case("GET", f"{api}/appearances"),
        ("api.list_mandates", "GET"): lambda: Case("GET", f"{api}/mandates"),
        ("api.grant_mandate", "POST"): lambda: Case(
            "POST",
            f"{api}/mandates",
            json={"user": w.policy.id, "areas": [w.area.slug], "starts_on": "2025-01-01"},
        ),
        ("api.list_flags", "GET"): lambda: Case("GET", f"{api}/flags"),
        ("api.review_flag", "POST"): lambda: Case(
            "POST", f"{api}/flags/{w.flag()}/review", json={"note": SECRET}
        ),
    }
    return c


def _fresh_amendment(w: World, action: str, *, api: bool = False) -> Case:
    position = w.position()
    number = w.propose(position)
    prefix = "/api/v1" if api else ""
    return Case("POST", f"{prefix}/positions/{position.id}/amendments/{number}/{action}", json={})


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
    return f"unexpected {status}: {response.get_data(as_text=True)[:300]}"


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
                shown = response.get_data(as_text=True) if response is not None else ""
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
