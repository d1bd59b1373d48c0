"""Property-based: schemathesis throws generated input at every operation of the JSON API.

The app is the one production runs (TESTING off, so anything unexpected answers 500 instead of
raising into the test), on a database of its own with real data (the world of roles,
tests/support/roles.py), and every request carries a chief officer's token. For every operation,
on every input: no 5xx, and the answer (status, content type, body) matches /api/v1/openapi.json.

Bounded: a handful of examples per operation and a time budget for the whole run.
"""

from __future__ import annotations

import functools
import itertools
import time
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.security import generate_password_hash

from app import create_app
from app.accounts import services as accounts
from app.extensions import db
from config import TestConfig
from tests.support import databases
from tests.support.databases import (
    ON_POSTGRES,
    create_postgres_database,
    database_url,
    drop_postgres_database,
)
from tests.support.permissions import CHIEF
from tests.support.roles import World
from tests.support.world import STANDARD_PARTNERS, Alliance

pytestmark = pytest.mark.fresh_db  # a database of its own, on an app with TESTING off

MAX_EXAMPLES = 10  # per operation, generation mode and id choice
BUDGET_SECONDS = 60  # the whole run; past it, remaining cases are not sent
RUN = {"cases": 0, "started": None, "skipped": 0, "statuses": Counter()}


@pytest.fixture(scope="module")
def api_app(tmp_path_factory):
    """The app as production runs it, on a database of its own holding the world of roles."""
    if ON_POSTGRES:
        create_postgres_database(f"{databases.RUN}_schemathesis")
    app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=database_url(
            "schemathesis", tmp_path_factory.mktemp("schemathesis")
        ),
        TESTING=False,  # answer 500 like production, so schemathesis sees and reports it
    )
    quick = functools.partial(generate_password_hash, method="pbkdf2:sha256:1000")
    with pytest.MonkeyPatch.context() as patch, app.app_context():
        patch.setattr(accounts, "generate_password_hash", quick)
        db.create_all()
        world = World(Alliance(STANDARD_PARTNERS))
        app.config["SCHEMATHESIS_TOKEN"] = world.tokens[CHIEF]
        app.config["SCHEMATHESIS_IDS"] = {  # rows that exist, so writes reach the services
            "position_id": world.draft.id,
            "number": world.amendment,
            "partner_slug": "harbourside",
            "meeting_id": world.meeting.id,
            "flag_id": world.flag(),
        }
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()
    if ON_POSTGRES:
        drop_postgres_database(f"{databases.RUN}_schemathesis")


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def run_operation(operation, mode: GenerationMode, token: str, ids: dict | None) -> None:
    """Up to MAX_EXAMPLES generated requests to one operation; every answer is checked.

    With `ids`, the path names rows that exist (and only query and body are generated);
    without, the path's ids are generated too, and mostly name nothing."""
    names = {p.name for p in operation.path_parameters}
    fixed = {k: v for k, v in (ids or {}).items() if k in names} or None

    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=fixed))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def send(case):
        if time.monotonic() - RUN["started"] > BUDGET_SECONDS:
            RUN["skipped"] += 1
            return
        RUN["cases"] += 1
        response = case.call_and_validate(
            headers={"Authorization": f"Bearer {token}"}, checks=CHECKS
        )
        RUN["statuses"][response.status_code] += 1

    send()


def test_api_answers_every_input_as_described(api_app, capsys):
    RUN["started"] = time.monotonic()
    token = api_app.config["SCHEMATHESIS_TOKEN"]
    failures = []
    real_ids = api_app.config["SCHEMATHESIS_IDS"]
    for operation in operations(api_app):
        has_ids = any(True for _ in operation.path_parameters)
        for mode, ids in itertools.product(
            (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
            (None, real_ids) if has_ids else (None,),
        ):
            try:
                run_operation(operation, mode, token, ids)
            except (Exception, BaseExceptionGroup) as failure:  # noqa: BLE001  (report them all)
                where = "real ids" if ids else "generated ids"
                failures.append(f"{operation.label} ({mode.value}, {where}): {failure}")
    with capsys.disabled():
        print(
            f"\nschemathesis: {RUN['cases']} cases sent, {RUN['skipped']} left over the budget; "
            f"answers: {dict(sorted(RUN['statuses'].items()))}"
        )
    assert not failures, "\n\n".join(failures)
    assert RUN["cases"] >= 100
