"""Hostile text in a real browser: every payload in every user text field, on every page.

The payloads (tests/e2e/xss_payloads.py) go in through the services, as a user would type them:
position titles, bodies and notes, sign-off comments, stances and rationales, amendment texts,
reasons and decline reasons, agree-to-differ statements, withdrawal reasons, meeting titles,
places, organisers and minutes, audience rows (organisation, person, role, represents), aliases,
appearance summaries and follow-ups, flag review notes, mandate notes, people's names (by
invitation, and the people who write everything), API token and calendar link names, search
boxes and filters. Then every page that shows them is opened in headless Chromium with the
Content-Security-Policy bypassed, so escaping and sanitising alone must hold: no dialog opens,
`window.__xss` stays unset, and the page holds no element or attribute that could run script
(no on* handler, no javascript:/vbscript:/data:text/html URL, no iframe, object, base, or meta
refresh, no script but the app's own). Template text is never evaluated.

The app runs on a server of this module's own (the shared demo server stays as the journeys
expect it). Every page's own answer must carry the security headers: a CSP whose scripts allow
no 'unsafe-inline' and which sets frame-ancestors, X-Content-Type-Options: nosniff, and a
Referrer-Policy. Bounded: payloads are batched, many to a record and many records to a page.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode

import pytest
from werkzeug.security import generate_password_hash

from app import create_app
from app.accounts import services as accounts
from app.alliance.models import Partner, PolicyArea
from app.divergence.services import amendments, differ, stances
from app.drafting.services import consensus, governance
from app.drafting.services import editing as drafting
from app.extensions import db
from app.meetings.models import Flag
from app.meetings.services import appearances, feeds, mandates
from app.meetings.services import meetings as meeting_service
from app.meetings.services.meetings import CounterpartInput, MeetingInput
from positions.refusals import Refused
from tests.e2e.xss_payloads import PAYLOADS, TEMPLATE_RESULT
from tests.support.live import E2EConfig, live

# A server of its own (not the journeys' shared one), so with pytest-xdist it may run on another
# worker, beside the journeys.
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("xss")]

PASSWORD = "hostile-text-password"
CHUNKS = 12  # records that carry a batch of payloads each in their long text fields
TRIED = {"payloads": len(PAYLOADS), "fields": set(), "pages": 0}

SCAN = """() => {
  const bad = [];
  const urlAttrs = ["href", "src", "action", "formaction", "xlink:href", "data", "poster",
                    "background", "srcdoc", "lowsrc", "dynsrc", "ping", "content"];
  const dangerous = (value) => {  // the browser's own URL parser says where it would go
    try {
      const url = new URL(value, document.baseURI);
      return ["javascript:", "vbscript:"].includes(url.protocol) ||
        (url.protocol === "data:" && !/^data:image\\/(png|gif|jpeg|webp)/i.test(url.href));
    } catch (e) { return false; }
  };
  for (const el of document.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    if (["iframe", "frame", "object", "embed", "base", "applet", "svg", "math", "portal",
         "foreignobject"].includes(tag)) bad.push(`<${tag}>`);
    if (tag === "meta" && el.hasAttribute("http-equiv")) bad.push("<meta http-equiv>");
    if (tag === "script" && !/\\/static\\/concord\\.js$/.test(el.getAttribute("src") || ""))
      bad.push("<script> " + (el.getAttribute("src") || el.textContent.slice(0, 60)));
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) bad.push(`${tag}[${name}]`);
      if (urlAttrs.includes(name) && dangerous(attr.value))
        bad.push(`${tag}[${name}=${attr.value.slice(0, 40)}]`);
      if (name === "style" && /javascript:|expression\\(/i.test(attr.value))
        bad.push(`${tag}[style]`);
    }
  }
  return {bad, xss: window.__xss === undefined ? null : String(window.__xss)};
}"""


# ---- a server of this module's own, full of hostile text ---------------------------------------


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    path = tmp_path_factory.mktemp("xss") / "concord.db"
    app = create_app(E2EConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    quick = functools.partial(generate_password_hash, method="pbkdf2:sha256:1000")
    with pytest.MonkeyPatch.context() as patch, app.app_context():
        patch.setattr(accounts, "generate_password_hash", quick)
        db.create_all()
        data = fill_with_hostile_text(db.session)
        db.session.commit()
        db.session.remove()
    with live(app, "xss-server") as url:
        yield url, data
    with app.app_context():
        db.engine.dispose()


def chunk(i: int) -> list[str]:
    return PAYLOADS[i::CHUNKS]


def joined(i: int) -> str:
    return "\n\n".join(chunk(i))


def typed(*fields: str) -> None:
    TRIED["fields"].update(fields)


def fill_with_hostile_text(session) -> dict:
    """Every payload in every field, through the services. Returns the ids the pages need."""
    partners = []
    for name, slug in [
        ("Harbourside", "harbourside"),
        ("Moorland <img src=x onerror=alert('partner')>", "moorland"),
        ("Riverbank", "riverbank"),
    ]:
        partner = Partner(name=name, slug=slug, active=True, joined_on=date(2020, 1, 1))
        session.add(partner)
        partners.append(partner)
    area = PolicyArea(name="Housing <script>alert('area')</script>", slug="housing")
    session.add(area)
    session.flush()

    def user(email, name, *roles, partner=None):
        return accounts.create_user(
            session,
            email=email,
            name=name,
            password=PASSWORD,
            roles=list(roles),
            partner_slug=partner,
        )

    admin = user("admin@x.test", '"><img src=x onerror=alert("admin")>', "admin")
    comms = user("comms@x.test", "<svg onload=alert('comms')>", "comms")
    chiefs = {
        p.slug: user(f"chief@{p.slug}.test", PAYLOADS[i], "chief_officer", partner=p.slug)
        for i, p in enumerate(partners)
    }
    officers = {
        p.slug: user(f"policy@{p.slug}.test", PAYLOADS[-1 - i], "policy_officer", partner=p.slug)
        for i, p in enumerate(partners)
    }
    typed("user name (signed-in people)")
    for i, payload in enumerate(PAYLOADS):
        accounts.invite_user(
            session,
            admin,
            email=f"invitee{i}@x.test",
            name=payload,
            roles=["policy_officer"],
            partner_slug="harbourside",
        )
        accounts.issue_token(session, admin, payload)
        feeds.create_feed(session, admin, payload)
    typed("user name (invitation)", "API token name", "calendar link name")
    drafter, chief = officers["harbourside"], chiefs["harbourside"]

    # Every payload as a position title (the lists show them all).
    titled = [
        drafting.create_position(
            session, drafter, title=payload, body="Plain.", area=area.id, note=payload
        )
        for payload in PAYLOADS
    ]
    typed("position title", "revision note")
    # The first CHUNKS positions carry a batch of payloads in every long text field.
    detailed = titled[:CHUNKS]
    for i, position in enumerate(detailed):
        drafting.save_revision(
            session,
            drafter,
            position.id,
            title=position.title,
            body=joined(i),
            base_number=1,
            note=chunk(i)[0],
        )
        for slug, officer in officers.items():
            stances.set_stance(
                session, officer, position.id, slug, view="reservations", rationale=joined(i)
            )
        amendments.propose(
            session,
            drafter,
            position.id,
            base_number=2,
            body=joined(i) + "\n\nMore.",
            reason=joined(i),
        )
        declined = amendments.propose(
            session,
            officers["moorland"],
            position.id,
            base_number=2,
            body="Other.",
            reason=joined(i),
        )
        amendments.decline(session, drafter, position.id, declined.number, reason=joined(i))
        if i % 3 == 0:  # published: on the public record with the approvers' names
            for c in chiefs.values():
                consensus.sign_off(
                    session,
                    c,
                    position.id,
                    revision_number=2,
                    decision="approve",
                    comment=joined(i),
                )
            consensus.publish(session, admin, position.id, revision_number=2)
            # One partner's dissent and one confirmation of a withdrawal, each with a reason.
            governance.state_dissent(session, chief, position.id, reason=joined(i))
            governance.confirm_withdrawal(
                session, chief, position.id, revision_number=2, reason=joined(i)
            )
        elif i % 3 == 1:  # an objection with a comment, then an archive with a reason
            consensus.sign_off(
                session, chief, position.id, revision_number=2, decision="object", comment=joined(i)
            )
            if i == 1:
                governance.archive(session, chief, position.id, reason=joined(i))
        else:  # agreed to differ: every partner's statement is published
            for officer in officers.values():
                differ.write_statement(session, officer, position.id, text=joined(i))
            for c in chiefs.values():
                differ.confirm(session, c, position.id)
    typed(
        "position body",
        "stance rationale",
        "amendment text",
        "amendment reason",
        "decline reason",
        "sign-off comment",
        "withdrawal, archive and dissent reasons",
        "agree-to-differ statement",
    )

    # Every payload in every meeting field; the first CHUNKS meetings carry batches in minutes.
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=400)
    meetings, orgs = [], []
    for i, payload in enumerate(PAYLOADS):
        meeting = meeting_service.create_meeting(
            session,
            comms,
            MeetingInput(
                title=payload,
                starts_at=start + timedelta(days=i),
                place=payload,
                organiser=payload,
                minutes=joined(i) if i < CHUNKS else payload,
                public=i % 2 == 0,
                areas=[area.id],
                counterparts=[CounterpartInput(payload, payload, payload, payload)],
            ),
        )
        meetings.append(meeting)
        orgs.append(meeting.counterparts[0].organisation_id)
        speaker, capacity = (chief, "alliance") if i % 2 else (drafter, "harbourside")
        cited = [detailed[0].id] if i % 2 == 0 else [detailed[1].id]
        appearance = appearances.record_appearance(
            session,
            comms,
            meeting.id,
            speaker=speaker.id,
            capacity=capacity,
            positions=cited,
            summary=joined(i) if i < CHUNKS else payload,
            follow_up=payload,
        )
        for flag in session.query(Flag).filter(Flag.appearance_id == appearance.id):
            appearances.review_flag(session, comms, flag.id, joined(i) if i < CHUNKS else payload)
        mandates.grant_mandate(
            session, admin, user=drafter.id, areas=[area.id], starts_on="2020-01-01", note=payload
        )
        try:
            with session.begin_nested():
                meeting_service.add_alias(
                    session, comms, orgs[-1], payload + " (also)" if len(payload) < 190 else "x"
                )
        except Refused:
            pass  # two payloads that normalise to one name: the alias is refused, rightly
    typed(
        "meeting title",
        "meeting place",
        "meeting organiser",
        "meeting minutes",
        "audience organisation",
        "audience person",
        "audience role",
        "audience represents",
        "organisation alias",
        "appearance summary",
        "appearance follow-up",
        "flag review note",
        "mandate note",
    )
    return {
        "detailed": [p.id for p in detailed],
        "slugs": [p.slug for p in detailed if p.publication_id or p.status == "differ"],
        "meetings": [m.id for m in meetings[:CHUNKS]],
        "public_meetings": [m.id for m in meetings[:CHUNKS] if m.public],
        "appearances": [a.id for m in meetings[:CHUNKS] for a in m.appearances],
        "orgs": orgs[:CHUNKS],
        "emails": {
            "admin": admin.email,
            "comms": comms.email,
            "chief": chief.email,
            "policy": drafter.email,
        },
    }


# ---- looking at pages ------------------------------------------------------------------------


class Tab:
    """A tab that records dialogs and script errors, and judges every page it opens."""

    def __init__(self, browser, base_url: str, email: str | None = None):
        self.context = browser.new_context(base_url=base_url, bypass_csp=True)
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.problems: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        if email:
            self.page.goto("/login")
            self.page.get_by_label("Email").fill(email)
            self.page.get_by_label("Password").fill(PASSWORD)
            self.page.get_by_role("button", name="Sign in").click()
            self.page.locator(".flashes").wait_for()

    def _dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}({dialog.message!r}) on {self.page.url}")
        dialog.dismiss()

    def open(self, path: str, *, wait_for: str | None = None) -> None:
        response = self.page.goto(path, wait_until="load")
        TRIED["pages"] += 1
        assert response is not None and response.status < 500, (path, response)
        check_security_headers(path, response.headers)
        if wait_for:
            self.page.locator(wait_for).first.wait_for(state="attached")
        self.check(path)

    def check(self, path: str) -> None:
        """Judge the page as it stands: nothing ran, nothing dangerous is in the DOM."""
        self.page.wait_for_timeout(30)  # onerror and onload handlers fire after load
        found = self.page.evaluate(SCAN)
        html = self.page.content()
        if found["bad"]:
            self.problems.append(f"{path}: {', '.join(found['bad'][:8])}")
        if found["xss"] is not None:
            self.problems.append(f"{path}: window.__xss = {found['xss']}")
        if TEMPLATE_RESULT in html or E2EConfig.SECRET_KEY in html:
            self.problems.append(f"{path}: template text was evaluated")

    def verdict(self) -> list[str]:
        return self.problems + [f"dialog: {d}" for d in self.dialogs] + self.errors

    def close(self) -> None:
        self.context.close()


def check_security_headers(path: str, headers: dict) -> None:
    policy = headers.get("content-security-policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts is not None, f"{path}: no script policy in {policy!r}"
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, (path, policy)
    assert directives.get("frame-ancestors"), (path, policy)
    assert directives.get("object-src") == ["'none'"], (path, policy)
    assert headers.get("x-content-type-options") == "nosniff", path
    assert headers.get("referrer-policy"), path


@pytest.fixture(scope="module")
def tabs(browser, hostile_server):
    base_url, data = hostile_server
    emails = data["emails"]
    opened = {
        "anon": Tab(browser, base_url),
        "admin": Tab(browser, base_url, emails["admin"]),
        "chief": Tab(browser, base_url, emails["chief"]),
        "policy": Tab(browser, base_url, emails["policy"]),
    }
    yield opened, data
    for tab in opened.values():
        tab.close()


def judge(*tabs: Tab) -> None:
    problems = [p for tab in tabs for p in tab.verdict()]
    assert not problems, "hostile text ran or survived:\n" + "\n".join(problems[:40])


# ---- the pages -------------------------------------------------------------------------------


def test_positions_pages(tabs):
    opened, data = tabs
    policy, chief = opened["policy"], opened["chief"]
    for number in range(1, len(PAYLOADS) // 25 + 2):
        policy.open(f"/positions/?page={number}")
    policy.open("/")
    policy.open("/divergence/")
    policy.open("/divergence/?sort=title")
    for pid in data["detailed"]:
        for path in (
            f"/positions/{pid}",
            f"/positions/{pid}/history",
            f"/positions/{pid}/compare?from=1&to=2",
            f"/positions/{pid}/compare?from=1&to=2&view=side",
            f"/positions/{pid}/compare?from=1&to=2&view=formatted",
            f"/positions/{pid}/compare?from=1&to=2&view=formatted&only=1",
            f"/positions/{pid}/compare?from=1&to=2&view=side&only=1",
            f"/positions/{pid}/compare?from=1&to=2&only=1",
            f"/positions/{pid}/timeline",
            f"/positions/{pid}/amendments/1",
            f"/positions/{pid}/amendments/2",
            f"/positions/{pid}/differ",
        ):
            policy.open(path)
        # The editor's live preview puts the server's sanitised HTML in the page.
        policy.open(f"/positions/{pid}/edit", wait_for=".preview:not([hidden])")
        policy.open(f"/positions/{pid}/amendments/new")
        # The chief's forms: the stance and the statement come back in text areas.
        chief.open(f"/positions/{pid}")
        chief.open(f"/positions/{pid}/differ")
    judge(policy, chief)


def test_public_pages_signed_out(tabs):
    opened, data = tabs
    anon = opened["anon"]
    anon.open("/public/")
    for slug in data["slugs"]:
        anon.open(f"/public/{slug}")
    anon.open("/meetings/?when=past")
    anon.open("/meetings/log")
    anon.open("/meetings/audiences")
    for meeting_id in data["public_meetings"]:
        anon.open(f"/meetings/{meeting_id}")
    judge(anon)


def test_meetings_pages(tabs):
    opened, data = tabs
    admin, policy = opened["admin"], opened["policy"]
    pages = len(PAYLOADS) // 25 + 2
    for number in range(1, pages):
        admin.open(f"/meetings/?when=past&page={number}")
        admin.open(f"/meetings/log?page={number}")
    admin.open("/meetings/audiences")
    admin.open("/meetings/flags")
    admin.open("/meetings/mandates")
    admin.open("/meetings/calendar")
    for meeting_id, org in zip(data["meetings"], data["orgs"], strict=True):
        admin.open(f"/meetings/{meeting_id}")
        admin.open(f"/meetings/{meeting_id}/briefing")
        admin.open(f"/meetings/{meeting_id}/edit")
        admin.open(f"/meetings/{meeting_id}/appearances/new")
        admin.open(f"/meetings/audiences/{org}")
    for appearance_id in data["appearances"]:
        admin.open(f"/meetings/appearances/{appearance_id}/edit")
    for pid in data["detailed"][:2]:
        policy.open(f"/meetings/positions/{pid}")
    judge(admin, policy)


def test_people_tokens_and_the_audit_record(tabs):
    opened, _ = tabs
    admin = opened["admin"]
    admin.open("/admin/people")
    admin.open("/account/tokens")
    admin.open("/account")
    for number in range(1, 4):
        admin.open(f"/admin/audit?page={number}")
    judge(admin)


def test_search_boxes_and_filters_reflect_text_inertly(tabs):
    """What is typed in a search box or a filter comes back on the page: escaped, never run."""
    opened, _ = tabs
    policy, anon = opened["policy"], opened["anon"]
    # Many payloads to a request: each lands in the same place, escaped or not.
    for i in range(CHUNKS):
        text = " ".join(chunk(i))
        policy.open("/positions/?" + urlencode({"q": text, "status": text}))
        anon.open("/meetings/log?" + urlencode({"partner": text, "speaker": text}))
    typed("search box", "log filters")
    # The sign-in form sends back the email typed, and the page it came from.
    for i in range(CHUNKS):
        text = " ".join(chunk(i))
        anon.page.goto("/login?" + urlencode({"next": text}))
        anon.page.get_by_label("Email").fill(text)
        anon.page.get_by_label("Password").fill("wrong password")
        anon.page.get_by_role("button", name="Sign in").click()
        anon.page.locator("main").wait_for()
        anon.check("the sign-in form, refused")
        anon.open("/login?" + urlencode({"next": text}))
    typed("sign-in email")
    judge(policy, anon)


def test_security_headers_on_every_kind_of_answer(tabs):
    opened, data = tabs
    request = opened["anon"].context.request
    for path in (
        "/public/",
        "/login",
        "/static/concord.js",
        "/api/v1/published",
        "/api/v1/positions",
        "/no/such/page",
        "/meetings/public.ics",
    ):
        response = request.get(path)
        assert response.status < 500, path
        check_security_headers(path, response.headers)


def test_the_corpus_was_tried_everywhere(tabs, capsys):
    """The figures for the issue note. The hostile world alone fills 27 fields; the search and
    sign-in tests add theirs only where they ran first in this process, which pytest-xdist does
    not promise, so only the world's are required here."""
    assert TRIED["payloads"] >= 100
    assert len(TRIED["fields"]) >= 27, sorted(TRIED["fields"])
    with capsys.disabled():
        print(
            f"\nxss: {TRIED['payloads']} payloads x {len(TRIED['fields'])} fields, "
            f"{TRIED['pages']} page loads checked in Chromium: nothing ran"
        )
