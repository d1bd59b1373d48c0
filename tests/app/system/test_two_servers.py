"""Two gunicorn servers on one database, as production runs them behind a load balancer.

A round-robin client alternates between them: a sign-in on one is good on the other (signed
cookies, one SECRET_KEY), an edit through one is seen at once through the other, and a graceful
restart of one server's workers during a load run answers no 5xx. Rate limits live in Redis, so
both servers count the same sign-in attempts.
"""

import itertools
import os
import signal
import subprocess
import threading
import time

import pytest
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import User
from app.demo import alliance as demo
from app.drafting.models import Position
from app.extensions import db
from tests.support.serving import served

pytestmark = [pytest.mark.slow, pytest.mark.fresh_db]

SECONDS = float(os.environ.get("CONCORD_LOAD_SECONDS", "15"))
REDIS = "redis://127.0.0.1:6379/15"


def redis_answers() -> bool:
    try:
        return (
            subprocess.run(["redis-cli", "-n", "15", "ping"], capture_output=True).returncode == 0
        )
    except FileNotFoundError:
        return False


@pytest.fixture
def two_servers(app, tmp_path, monkeypatch):
    if not redis_answers():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    subprocess.run(["redis-cli", "-n", "15", "flushdb"], check=True, capture_output=True)
    demo.load(db.session)
    chief = db.session.execute(
        select(User).where(User.email == "chief@harbourside.example")
    ).scalar_one()
    token = accounts.issue_token(db.session, chief, "two servers")
    db.session.commit()
    position = db.session.execute(select(Position).order_by(Position.id)).scalars().first()
    state = (position.id, position.slug, position.current_revision.number)
    db.session.remove()
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", REDIS)
    monkeypatch.setenv("LOGIN_RATE_LIMIT", "6 per minute")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with served(url, tmp_path / "a") as first, served(url, tmp_path / "b") as second:
        yield first, second, token, state


def test_what_one_server_writes_the_other_shows_at_once(two_servers):
    first, second, token, (position_id, _, number) = two_servers
    with first.client() as one, second.client() as other:
        _edit_on_one_read_on_other(one, other, token, position_id, number)


def _edit_on_one_read_on_other(one, other, token, position_id, number):
    one.sign_in("policy@harbourside.example", demo.DEMO_PASSWORD)
    other.cookies = dict(one.cookies)  # the load balancer sends the next request elsewhere
    assert other.get("/").status == 200
    body = f"Edited through one server at {time.time()}."
    saved = one.post_json(
        f"/api/v1/positions/{position_id}/revisions",
        {"body": body, "base_revision": number, "note": "two servers"},
        token,
    )
    assert saved.status == 201, saved.body
    seen = other.get(f"/api/v1/positions/{position_id}", Authorization=f"Bearer {token}")
    assert seen.json()["current_revision"]["body"] == body


def test_both_servers_count_the_same_sign_in_attempts(two_servers):
    first, second, _, _ = two_servers
    answers = []
    for server in itertools.islice(itertools.cycle([first, second]), 8):
        client = server.client()
        page = client.get("/login")
        from tests.support.client import csrf_token

        answers.append(
            client.post_form(
                "/login",
                {
                    "csrf_token": csrf_token(page.body),
                    "email": "chief@harbourside.example",
                    "password": "wrong password",
                },
            ).status
        )
        client.close()
    assert 429 in answers[6:], answers  # six a minute across both, not six on each


def test_a_graceful_restart_during_load_answers_no_5xx(two_servers):
    first, second, token, (position_id, slug, _) = two_servers
    statuses: dict[int, int] = {}
    failures: list[str] = []
    stop = time.monotonic() + SECONDS
    lock = threading.Lock()

    def run(offset: int) -> None:
        servers = itertools.cycle([first, second] if offset % 2 else [second, first])
        clients = {id(s): s.client() for s in (first, second)}
        while time.monotonic() < stop:
            server = next(servers)
            client = clients[id(server)]
            for path in (f"/public/{slug}", f"/api/v1/positions/{position_id}"):
                try:
                    answer = client.get(path, Authorization=f"Bearer {token}")
                except OSError as error:
                    with lock:
                        failures.append(f"{path}: {error!r}")
                    continue
                with lock:
                    statuses[answer.status] = statuses.get(answer.status, 0) + 1
        for client in clients.values():
            client.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS / 3)
    os.kill(first.process.pid, signal.SIGHUP)  # gunicorn: new workers, old ones finish first
    for thread in threads:
        thread.join(SECONDS + 60)
    assert not failures, failures[:5]
    assert sum(statuses.values()) > 0
    assert not [s for s in statuses if s >= 500], statuses
