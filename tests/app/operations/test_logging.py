"""One JSON line per request, tied to its events by the request id; never a secret or a text."""

import json
import logging

import pytest

from app.operations.logging import JsonLines
from tests.support.client import api_headers, login
from tests.support.factories import PASSWORD

SECRET_BODY = "Confidential wording about rent caps nobody outside may read."


@pytest.fixture
def lines(caplog):
    caplog.set_level(logging.INFO, logger="concord.requests")
    caplog.set_level(logging.INFO, logger="concord.events")
    formatter = JsonLines()

    def read(name: str | None = None) -> list[dict]:
        return [
            json.loads(formatter.format(r))
            for r in caplog.records
            if name is None or r.name == name
        ]

    return read


def test_every_request_writes_exactly_one_line_with_its_request_id(client, lines):
    answers = [client.get("/login"), client.get("/public/"), client.get("/no/such/page")]
    requests = lines("concord.requests")
    assert len(requests) == len(answers)
    for answer, line in zip(answers, requests, strict=True):
        assert line["request_id"] == answer.headers["X-Request-ID"]
        assert line["status"] == answer.status_code
        assert set(line) >= {"time", "method", "route", "status", "duration_ms", "user_id"}


def test_events_carry_the_request_id_of_the_request_that_caused_them(alliance, client, lines):
    login(client, alliance.drafter)
    area = alliance.area
    answer = client.post(
        "/positions/new", data={"title": "Logged rents", "body": SECRET_BODY, "area": area.id}
    )
    assert answer.status_code == 302
    created = [e for e in lines("concord.events") if e["message"] == "position.create"]
    assert [e["request_id"] for e in created] == [answer.headers["X-Request-ID"]]
    request_line = lines("concord.requests")[-1]
    assert request_line["user_id"] == alliance.drafter.id


def test_no_password_token_email_or_text_ever_reaches_the_log(alliance, client, lines):
    headers = api_headers(alliance.drafter)
    token = headers["Authorization"].split()[1]
    client.post("/login", data={"email": alliance.drafter.email, "password": PASSWORD})
    client.post("/login", data={"email": alliance.drafter.email, "password": "wrong " + PASSWORD})
    client.post(
        "/api/v1/positions",
        json={"title": "Logged", "body": SECRET_BODY, "area": alliance.area.slug},
        headers=headers,
    )
    client.post("/api/v1/positions", json={"title": "", "body": SECRET_BODY}, headers=headers)
    written = json.dumps(lines())
    assert lines("concord.requests")
    for secret in (PASSWORD, token, alliance.drafter.email, SECRET_BODY):
        assert secret not in written


def test_a_proxys_request_id_is_taken_only_behind_a_configured_proxy(tmp_path, client):
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"]
        != "abc-123"
    )
    from tests.support.apps import make_app

    behind = make_app(f"sqlite:///{tmp_path}/x.db", PROXY_COUNT=1).test_client()
    assert (
        behind.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"]
        == "abc-123"
    )
    assert (
        behind.get("/healthz", headers={"X-Request-ID": "a b;c"}).headers["X-Request-ID"] != "a b;c"
    )


def test_a_refusal_is_logged_by_its_kind_with_the_request_id_never_its_message(
    alliance, client, lines
):
    headers = api_headers(alliance.drafter)
    answer = client.post(
        "/api/v1/positions", json={"title": "", "body": SECRET_BODY}, headers=headers
    )
    assert answer.status_code == 400
    [refused] = [e for e in lines("concord.events") if e["message"] == "refused"]
    assert refused["request_id"] == answer.headers["X-Request-ID"]
    assert refused["kind"] and refused["code"]
    assert SECRET_BODY not in json.dumps(refused)


@pytest.fixture
def own_handlers():
    """An app made with logging on installs its handler on the module's loggers: put the test
    set-up's back afterwards (the handler writes to a stream that capsys closes)."""
    from app.operations.logging import EVENTS, REQUESTS

    kept = [
        (logger, logger.handlers[:], logger.level, logger.propagate)
        for logger in (REQUESTS, EVENTS)
    ]
    yield
    for logger, handlers, level, propagate in kept:
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate


def test_in_a_terminal_the_lines_are_short_and_readable(tmp_path, capsys, own_handlers):
    from tests.support.apps import make_app

    app = make_app(f"sqlite:///{tmp_path}/x.db", LOG_FORMAT="text", LOG_QUIET=False)
    answer = app.test_client().get("/healthz")
    written = capsys.readouterr().err.strip().splitlines()[-1]
    assert written.startswith("I GET /healthz 200 ")
    assert f"request_id={answer.headers['X-Request-ID']}" in written
    assert not written.startswith("{")
