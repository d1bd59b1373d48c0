"""Browser journeys: the real app on 127.0.0.1, a fresh SQLite database, Debian's Chromium.

One server and one Chromium serve the whole session. The database is built the way an operator
builds it (`flask db upgrade`, then `flask demo load`, in a subprocess), so the journeys start
from the demo alliance: three partners, a chief officer and a policy officer for each, an admin
and a comms officer. Each journey makes its own positions with titles of its own, so journeys
never depend on one another's order.

Fixtures a new journey needs:

    def test_something(open_as):
        page = open_as("chief@moorland.example")      # a signed-in tab (a context of its own)
        page.goto("/positions/")
        look(page, "positions-index")                 # axe + screenshots (tests/e2e/journeys.py)

A journey that changes the whole alliance today (a partner joining or leaving at once) would
change what every other journey must do: it takes `open_on_own`, the same on a demo server of
its module's own (`own_server`).

Every page is watched: a server exception, a JavaScript error, a Content-Security-Policy
violation or a failed stylesheet or script fails the test that caused it.

The spokesperson log (app/meetings/, pages at /meetings) has its journeys in test_meetings.py,
guarded by `journeys.meetings_landed()`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import got_request_exception

from app import create_app
from app.accounts import services as accounts
from app.extensions import db
from tests.e2e import journeys
from tests.support.live import E2EConfig, live

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CONCORD_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# `make test` sets this, so CI can never pass by silently skipping the browser.
REQUIRED = os.environ.get("CONCORD_REQUIRE_BROWSER") == "1"

try:
    import playwright.sync_api  # noqa: F401  (the journeys import it at the top)
except ImportError:
    if REQUIRED:
        raise
    collect_ignore_glob = ["test_*.py"]  # the playwright package is missing: nothing to drive


def _unavailable(reason: str):
    if REQUIRED:
        pytest.fail(f"{reason} (CONCORD_REQUIRE_BROWSER=1: `make test` needs the browser tests)")
    pytest.skip(reason)


@dataclass
class LiveServer:
    url: str
    app: object
    errors: list = field(default_factory=list)
    states: dict = field(default_factory=dict)  # email -> signed-in storage state

    def build(self, make):
        """Set data up through the services, not the browser: `make(session, users)` runs in
        the app, `users` finds demo people by email, and the result is committed."""
        with self.app.app_context():
            result = make(db.session, lambda email: accounts.find_by_email(db.session, email))
            db.session.commit()
            return result


def _flask(args: list[str], env: dict) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")


@contextmanager
def demo_server(tmp_path_factory, name: str) -> Iterator[LiveServer]:
    """The app on 127.0.0.1 (a free port), on a fresh SQLite database with the demo loaded."""
    instance = tmp_path_factory.mktemp(name)
    database = f"sqlite:///{instance / 'concord.db'}"
    env = {
        **os.environ,
        "CONCORD_INSTANCE": str(instance),
        "DATABASE_URL": database,
        "SECRET_KEY": E2EConfig.SECRET_KEY,
    }
    _flask(["db", "upgrade"], env)
    _flask(["demo", "load"], env)
    _flask(["audit", "checkpoint"], env)  # as a scheduled job would: the public page shows it

    app = create_app(E2EConfig, SQLALCHEMY_DATABASE_URI=database)
    with live(app, f"{name}-server") as url:
        server = LiveServer(url=url, app=app)

        def remember(sender, exception, **extra):
            server.errors.append(repr(exception))

        got_request_exception.connect(remember, app, weak=False)
        yield server
    got_request_exception.disconnect(remember, app)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """The demo server every journey shares."""
    with demo_server(tmp_path_factory, "e2e-instance") as server:
        yield server


@pytest.fixture(scope="module")
def own_server(tmp_path_factory) -> Iterator[LiveServer]:
    """A demo server of the module's own, for journeys that change the whole alliance today
    (a partner joining or leaving at once would change what every other journey must do)."""
    with demo_server(tmp_path_factory, "e2e-own") as server:
        yield server


@pytest.fixture(scope="session")
def empty_server(tmp_path_factory) -> LiveServer:
    """The app on an empty, migrated database with no admin: start-up makes the set-up token."""
    instance = tmp_path_factory.mktemp("e2e-empty")
    database = f"sqlite:///{instance / 'concord.db'}"
    env = {**os.environ, "CONCORD_INSTANCE": str(instance), "DATABASE_URL": database}
    _flask(["db", "upgrade"], env)

    app = create_app(
        E2EConfig,
        SQLALCHEMY_DATABASE_URI=database,
        SETUP_TOKEN_FILE=str(instance / "setup_token"),
    )
    with live(app, "e2e-empty-server") as url:
        server = LiveServer(url=url, app=app)
        server.states["setup_token"] = (instance / "setup_token").read_text().strip()
        yield server
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def open_empty(browser, empty_server):
    """`open_empty()`: an anonymous tab on the empty server."""
    context = browser.new_context(base_url=empty_server.url, viewport=journeys.DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    watcher = journeys.watch(page)
    yield page
    context.close()
    assert not watcher.problems, "the browser reported:\n" + "\n".join(watcher.problems)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven by Playwright (its own browser download cannot work here)."""
    if not CHROMIUM.exists():
        _unavailable(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    if not journeys.AXE.exists():
        _unavailable(f"axe-core not installed at {journeys.AXE}: run `make install-test`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is missing: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_as(browser, live_server):
    """`open_as(email)` gives a tab signed in as that demo user, on the dashboard; `open_as()`
    an anonymous one, on a blank page; `javascript=False` for a browser without JavaScript.

    Each call is a browser context of its own (its own cookies), so two people can work side by
    side in one test. A sign-in is made once per person and reused through its storage state.
    """
    yield from _tabs(browser, live_server)


@pytest.fixture
def open_on_own(browser, own_server):
    """`open_as`, on the module's own demo server (`own_server`)."""
    yield from _tabs(browser, own_server)


def _tabs(browser, server: LiveServer):
    contexts, watchers = [], []

    def open_tab(email: str | None = None, *, javascript: bool = True):
        context = browser.new_context(
            java_script_enabled=javascript,
            base_url=server.url,
            viewport=journeys.DESKTOP,
            storage_state=server.states.get(email),
            locale="en-GB",
            timezone_id="Europe/London",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        watchers.append(journeys.watch(page))
        if email and email not in server.states:
            journeys.sign_in(page, email)
            server.states[email] = context.storage_state()
        elif email:
            page.goto("/")  # the same starting point, signed in fresh or not
        return page

    errors_before = len(server.errors)
    yield open_tab
    for context in contexts:
        context.close()
    server_errors = server.errors[errors_before:]
    assert not server_errors, f"the server raised: {server_errors}"
    problems = [p for w in watchers for p in w.problems]
    assert not problems, "the browser reported:\n" + "\n".join(problems)
