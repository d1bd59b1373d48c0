"""Load: the app served by gunicorn (loopback only) under a bounded mixed load, with no 5xx.

Threads of a small client (http.client, keep-alive, cookies) hit public pages, signed-in pages,
the JSON API, and writes through both the API and the web forms (CSRF and all), for
CONCORD_LOAD_SECONDS (15) or CONCORD_LOAD_REQUESTS (4000), whichever ends first, with
CONCORD_LOAD_THREADS (8) threads. Every answer must be one a user could expect (2xx, 3xx, or a
deliberate 4xx such as a refused publish); not one may be a 5xx or a dropped connection, and the
server log must hold no traceback.
"""

import html
import json
import os
import random
import re
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import User
from app.demo import alliance as demo
from app.drafting.models import Position
from app.extensions import db
from tests.support.client import csrf_token
from tests.support.serving import served

pytestmark = [pytest.mark.slow, pytest.mark.fresh_db]  # gunicorn reads the database

SECONDS = float(os.environ.get("CONCORD_LOAD_SECONDS", "15"))
MAX_REQUESTS = int(os.environ.get("CONCORD_LOAD_REQUESTS", "4000"))
THREADS = int(os.environ.get("CONCORD_LOAD_THREADS", "8"))
REPORT = Path(__file__).resolve().parents[2] / "artifacts" / "hardening"

EXPECTED = {200, 201, 302, 304, 400, 403, 404, 409}


class Load:
    """Shared by the threads: what to ask for, and the tally of answers."""

    def __init__(self, server, positions, slugs, cookies, tokens):
        self.server, self.positions, self.slugs = server, positions, slugs
        self.cookies, self.tokens = cookies, tokens
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.kinds: Counter = Counter()
        self.errors: list[str] = []
        self.sent = 0
        self.deadline = time.monotonic() + SECONDS

    def take_a_turn(self) -> bool:
        with self.lock:
            if self.sent >= MAX_REQUESTS or time.monotonic() >= self.deadline:
                return False
            self.sent += 1
            return True

    def note(self, kind: str, path: str, answer) -> None:
        with self.lock:
            self.statuses[answer.status] += 1
            self.kinds[kind] += 1
            if answer.status not in EXPECTED:
                self.errors.append(f"{kind} {path}: {answer.status} {answer.body[:200]!r}")


def public(load, client, rng):
    path = rng.choice(
        [
            "/public/",
            f"/public/{rng.choice(load.slugs)}",
            "/login",
            "/api/v1/published",
            "/static/concord.css",
            "/public/no-such-position",
        ]
    )
    return "public", path, client.get(path)


def signed_in(load, client, rng):
    pid = rng.choice(load.positions)
    path = rng.choice(
        [
            "/",
            "/positions/",
            f"/positions/{pid}",
            f"/positions/{pid}/history",
            f"/positions/{pid}/compare",
            f"/positions/{pid}/timeline",
            "/divergence/",
            "/meetings/",
            "/meetings/log",
            "/positions/?q=rent",
            "/admin/audit",
        ]
    )
    return "page", path, client.get(path)


def api_read(load, client, rng):
    pid = rng.choice(load.positions)
    path = rng.choice(
        [
            "/api/v1/positions",
            f"/api/v1/positions/{pid}",
            f"/api/v1/positions/{pid}/revisions",
            "/api/v1/partners",
            "/api/v1/divergence",
            f"/api/v1/positions/{pid}/diff?from=1&to=1",
        ]
    )
    token = rng.choice(list(load.tokens.values()))
    return "api", path, client.get(path, Authorization=f"Bearer {token}")


def api_write(load, client, rng):
    pid = rng.choice(load.positions)
    token = load.tokens
    seen = client.get(f"/api/v1/positions/{pid}", Authorization=f"Bearer {token['comms']}")
    if seen.status != 200:
        return "api-write", f"/api/v1/positions/{pid}", seen
    number = seen.json()["current_revision"]["number"]
    body = seen.json()["current_revision"]["body"]
    kind = rng.choice(["edit", "approve", "publish"])
    if kind == "edit":
        path = f"/api/v1/positions/{pid}/revisions"
        payload = {
            "body": f"{body}\n\nA line added under load {rng.random()}.",
            "base_revision": number,
        }
        return "api-write", path, client.post_json(path, payload, token["policy"])
    if kind == "approve":
        path = f"/api/v1/positions/{pid}/signoffs"
        payload = {"revision": number, "decision": "approve"}
        return "api-write", path, client.post_json(path, payload, token["chief"])
    path = f"/api/v1/positions/{pid}/publish"
    return "api-write", path, client.post_json(path, {"revision": number}, token["comms"])


def form_write(load, client, rng):
    """The edit form, as a person uses it: fetch it, change the text, send it with its token."""
    pid = rng.choice(load.positions)
    path = f"/positions/{pid}/edit"
    page = client.get(path)
    if page.status != 200:
        return "form", path, page
    body = re.search(r"<textarea[^>]*name=\"body\"[^>]*>\n?(.*?)</textarea>", page.body, re.S)
    base = re.search(r'name="base_revision"[^>]*value="(\d+)"', page.body) or re.search(
        r'value="(\d+)"[^>]*name="base_revision"', page.body
    )
    title = re.search(r'name="title"[^>]*value="([^"]*)"', page.body) or re.search(
        r'value="([^"]*)"[^>]*name="title"', page.body
    )
    if not (body and base and title):
        raise AssertionError(f"the edit form of {pid} is not as expected")
    data = {
        "csrf_token": csrf_token(page.body),
        "title": html.unescape(title.group(1)),
        "body": html.unescape(body.group(1)) + f"\n\nTyped under load {rng.random()}.",
        "base_revision": base.group(1),
        "note": "load",
    }
    return "form", path, client.post_form(path, data)


def run_thread(load: Load, index: int) -> None:
    rng = random.Random(index)
    client = load.server.client()
    role = ["comms", "chief", "policy", "admin"][index % 4]
    client.cookies.update(load.cookies[role])
    visitor = load.server.client()
    actions = [public] * 3 + [signed_in] * 4 + [api_read] * 3 + [api_write] * 2
    if role == "policy":
        actions.append(form_write)
    try:
        while load.take_a_turn():
            action = rng.choice(actions)
            kind, path, answer = action(load, visitor if action is public else client, rng)
            load.note(kind, path, answer)
    except Exception as exc:  # a dropped connection or a broken page: a failure
        with load.lock:
            load.errors.append(f"thread {index}: {exc!r}")
    finally:
        client.close()
        visitor.close()


def test_the_served_app_under_load_answers_without_a_single_5xx(app, tmp_path):
    demo.load(db.session)
    db.session.commit()
    users = {
        "comms": "comms@alliance.example",
        "chief": "chief@harbourside.example",
        "policy": "policy@harbourside.example",
        "admin": "admin@alliance.example",
    }
    tokens = {}
    for role, email in users.items():
        user = db.session.execute(select(User).where(User.email == email)).scalar_one()
        tokens[role] = accounts.issue_token(db.session, user, "load")
    db.session.commit()
    positions = list(db.session.execute(select(Position.id)).scalars())
    slugs = list(db.session.execute(select(Position.slug)).scalars())
    dialect = db.engine.dialect.name
    db.session.remove()

    with served(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, workers=2, threads=4) as server:
        cookies = {}
        for role, email in users.items():
            signing_in = server.client()
            signing_in.sign_in(email, demo.DEMO_PASSWORD)
            cookies[role] = dict(signing_in.cookies)
            signing_in.close()
        load = Load(server, positions, slugs, cookies, tokens)
        started = time.monotonic()
        threads = [threading.Thread(target=run_thread, args=(load, i)) for i in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(SECONDS + 120)
        elapsed = time.monotonic() - started
        assert not any(t.is_alive() for t in threads), "a load thread hung"
        log = server.log_text()

    total = sum(load.statuses.values())
    server_errors = sum(n for status, n in load.statuses.items() if status >= 500)
    report = {
        "database": dialect,
        "seconds": round(elapsed, 1),
        "threads": THREADS,
        "gunicorn": "2 workers x 4 threads",
        "requests": total,
        "per_second": round(total / elapsed, 1),
        "by_status": {str(k): v for k, v in sorted(load.statuses.items())},
        "by_kind": dict(load.kinds),
        "5xx": server_errors,
        "failures": len(load.errors),
    }
    REPORT.mkdir(parents=True, exist_ok=True)
    (REPORT / f"load-{dialect}.json").write_text(json.dumps(report, indent=2))
    print(f"\nload: {json.dumps(report)}")
    assert load.errors == [], load.errors[:5]
    assert server_errors == 0
    assert "Traceback" not in log, log[-3000:]
    assert "WORKER TIMEOUT" not in log
    assert total >= min(MAX_REQUESTS, 50)  # it really was under load
    assert all(load.kinds[k] for k in ("public", "page", "api", "api-write", "form")), report
