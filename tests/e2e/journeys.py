"""Helpers the browser journeys share: signing in, drafting, deciding, and `look()`.

`look(page, name)` is the check every page type gets: axe-core run inside the page at phone and
desktop width (no serious or critical violation allowed), and a full-page screenshot at each
width saved to tests/artifacts/screenshots/<name>-390.png and <name>-1280.png; and at 360 px
nothing may make the page scroll sideways.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyotp

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
NARROW = {"width": 360, "height": 740}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "concord-demo"  # app.demo.alliance.DEMO_PASSWORD

# The demo alliance (app/demo/alliance.py), partners in their neutral, alphabetical order.
PARTNERS = {
    "harbourside": "Harbourside Tenants Federation",
    "moorland": "Moorland Villages Network",
    "riverbank": "Riverbank Community Trust",
}
ADMIN = "admin@alliance.example"
COMMS = "comms@alliance.example"


def meetings_landed() -> bool:
    """True once the spokesperson log (app/meetings/) is part of the app.

    tests/e2e/test_meetings.py skips on this: recording a meeting, a flagged appearance, the
    flag review, the CSV export, and `look()` on every page type of the log. New pages of the
    log (say a mandate form or a calendar feed) get their journey and `look()` there.
    """
    return (ROOT / "app" / "meetings" / "views.py").exists()


def chief(slug: str) -> str:
    return f"chief@{slug}.example"


def policy(slug: str) -> str:
    return f"policy@{slug}.example"


# ---- watching a page -------------------------------------------------------------------------


@dataclass
class Watcher:
    """What went wrong in a tab: JavaScript errors, CSP violations, failed assets."""

    problems: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def watch(page) -> Watcher:
    watcher = Watcher()

    def console(message):
        text = message.text
        # Error pages (404, 403, 409, a refused form's 400) are deliberate; their document
        # status shows up as "Failed to load resource". Failed assets are caught below.
        if message.type == "error" and not text.startswith("Failed to load resource"):
            watcher.problems.append(f"console error on {page.url}: {text}")

    def response(resp):
        if resp.request.resource_type != "document" and resp.status >= 400:
            watcher.problems.append(f"{resp.status} for {resp.url} (from {page.url})")

    def dialog(d):
        watcher.dialogs.append(d.message)
        d.accept()  # confirm dialogs say yes, as a user who means it would

    page.on("console", console)
    page.on("pageerror", lambda error: watcher.problems.append(f"page error: {error}"))
    page.on("response", response)
    page.on("dialog", dialog)
    page.watcher = watcher
    return watcher


# ---- accessibility and screenshots -----------------------------------------------------------

AXE_RESULTS: dict[str, dict] = {}
BLOCKING = ("serious", "critical")

_RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary),
  }));
}"""


def axe_violations(page) -> list[dict]:
    """Run axe-core inside the page.

    The app's Content-Security-Policy forbids inline scripts, so `add_script_tag` (an inline
    script element) is refused; evaluating the same local file through the DevTools protocol is
    not, and keeps the CSP switched on for everything the tests check.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(_RUN_AXE)


def look(page, name: str) -> None:
    """Check one page type: axe at both widths, a screenshot at each; no serious violation."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    found: dict[str, dict] = {}
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        for violation in axe_violations(page):
            found.setdefault(violation["id"], violation)
        page.screenshot(path=SCREENSHOTS / f"{name}-{size['width']}.png", full_page=True)
    # The narrowest phones in use: nothing may push the page sideways at 360 px.
    page.set_viewport_size(NARROW)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    page.set_viewport_size(DESKTOP)
    blocking = [v for v in found.values() if v["impact"] in BLOCKING]
    AXE_RESULTS[name] = {
        "url": page.url,
        "blocking": [v["id"] for v in blocking],
        "other": [f"{v['id']} ({v['impact']})" for v in found.values() if v not in blocking],
        "violations": list(found.values()),
    }
    assert not blocking, f"axe on {name} ({page.url}):\n" + json.dumps(blocking, indent=2)
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at 360px wide ({page.url})"


def look_printed(page, name: str) -> None:
    """How the page prints: the print stylesheet, screenshotted at A4-ish width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.emulate_media(media="print")
    try:
        page.set_viewport_size({"width": 794, "height": 1123})
        page.screenshot(path=SCREENSHOTS / f"{name}-print.png", full_page=True)
    finally:
        page.emulate_media(media="screen")
        page.set_viewport_size(DESKTOP)


def write_axe_report() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "axe-report.json"
    path.write_text(json.dumps(AXE_RESULTS, indent=2, sort_keys=True), encoding="utf-8")
    return path


# ---- doing things as a user ------------------------------------------------------------------


TOTP_SECRETS: dict[str, str] = {}  # email -> the second factor's key, read off enrolment
_LAST_STEP: dict[str, int] = {}  # email -> the time step of the last code typed


def sign_in(page, email: str, password: str = PASSWORD) -> None:
    """Sign in through the form; a chief officer or admin types the code too, enrolling first
    (the key read off the page, as a person's app would) when the server asks."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.locator(".flashes, input[name=code]").first.wait_for()
    if page.locator("input[name=code]").count() and type_second_factor(page, email):
        return  # enrolled: the "signed in" message was on the recovery codes page
    flash_says(page, "Signed in as")


def type_second_factor(page, email: str) -> list[str]:
    """At the code page: enrol (returns the recovery codes shown, and goes on to the
    dashboard) or type a fresh code. Each code counts once, so a second sign-in within the same
    30 seconds types the next step's code (accepted a step early), or waits for it."""
    shown = page.get_by_test_id("totp-secret")
    if shown.count():
        TOTP_SECRETS[email] = shown.inner_text().strip()
        _type_code(page, email)
        page.get_by_role("button", name="Turn on and sign in").click()
        codes = page.get_by_test_id("recovery-codes").inner_text().split()
        flash_says(page, "Signed in as")
        page.get_by_role("link", name="I have kept them").click()
        return codes
    _type_code(page, email)
    page.get_by_role("button", name="Sign in").click()
    return []


def _type_code(page, email: str) -> None:
    totp = pyotp.TOTP(TOTP_SECRETS[email])
    now = int(time.time()) // 30
    step = max(now, _LAST_STEP.get(email, now - 1) + 1)
    if step > now + 1:
        time.sleep((step - 1) * 30 - time.time() + 1)
    _LAST_STEP[email] = step
    page.get_by_label("Code").fill(totp.at(step * 30))


def flash_says(page, text: str) -> str:
    """The flash message after an action; every action must say what it did."""
    flashes = page.locator(".flashes")
    flashes.wait_for()
    content = flashes.inner_text()
    assert text in content, f"expected a flash saying {text!r}, got {content!r}"
    return content


def position_id(page) -> int:
    found = re.search(r"/positions/(\d+)", page.url)
    assert found, page.url
    return int(found.group(1))


def draft(page, title: str, body: str, area: str = "Housing", note: str = "") -> int:
    """Draft a position through the form; returns its id, leaving the page on it."""
    page.goto("/positions/new")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Policy area").select_option(label=area)
    page.get_by_label("Text (Markdown)").fill(body)
    if note:
        page.get_by_label("Note on this revision").fill(note)
    page.get_by_role("button", name="Save as revision 1").click()
    flash_says(page, f"Created “{title}” as revision 1")
    return position_id(page)


def edit(page, pid: int, body: str, note: str = "Edited") -> None:
    page.goto(f"/positions/{pid}/edit")
    page.get_by_label("Text (Markdown)").fill(body)
    page.get_by_label("What changed").fill(note)
    page.get_by_role("button", name="Save new revision").click()


def decide(page, pid: int, decision: str = "approve", comment: str = "") -> None:
    """A chief officer's decision on the current revision, through the sign-off form."""
    page.goto(f"/positions/{pid}")
    label = "Approve this text" if decision == "approve" else "Object"
    page.get_by_label(label, exact=True).check()
    if comment:
        page.get_by_label("Comment").fill(comment)
    page.get_by_role("button", name="Record decision").click()


def mark_ready(page, pid: int, note: str = "", due: str = "") -> None:
    """Put the position up for sign-off through its page's form (default deadline unless due)."""
    page.goto(f"/positions/{pid}")
    if due:
        page.get_by_label("Decision needed by").fill(due)
    if note:
        page.get_by_label("Note to the chief officers").fill(note)
    page.get_by_role("button", name="Mark ready for sign-off").click()
    flash_says(page, "Ready for sign-off")


def partner_states(page) -> dict[str, str]:
    """The consensus panel as {partner name: state words}, in the order shown."""
    cards = page.locator(".consensus-panel .partner-card")
    states = {}
    for i in range(cards.count()):
        card = cards.nth(i)
        states[card.locator(".partner-name").inner_text()] = card.locator(".state").inner_text()
    return states
