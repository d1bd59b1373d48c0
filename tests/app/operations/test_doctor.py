"""`flask doctor`: fails on each misconfiguration, passes on a good one."""

import pytest
from sqlalchemy import text

from app.extensions import db
from app.operations.doctor import (
    check_backups,
    check_configuration,
    check_database,
    check_mail,
    check_postgres_version,
)

GOOD = {
    "SECRET_KEY": "k" * 64,
    "SESSION_COOKIE_SECURE": True,
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://concord@db/concord",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    "PROXY_COUNT": 1,
}


@pytest.fixture
def four_workers(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    monkeypatch.setenv("SECRET_KEY", "k" * 64)


def problems(config) -> list[str]:
    return [f.what for f in check_configuration(config, production=True) if f.problem]


def test_a_good_production_configuration_has_no_problem(four_workers):
    assert problems(GOOD) == []


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"SECRET_KEY": "short"}, "SECRET_KEY is 5 characters"),
        ({"SESSION_COOKIE_SECURE": False}, "plain HTTP"),
        ({"SQLALCHEMY_DATABASE_URI": "sqlite:///x.db"}, "SQLite with several workers"),
        ({"RATELIMIT_STORAGE_URI": "memory://"}, "each worker's memory"),
    ],
)
def test_each_misconfiguration_is_a_problem(four_workers, change, said):
    found = problems({**GOOD, **change})
    assert len(found) == 1 and said in found[0], found


@pytest.mark.parametrize("name", ["SECRET_KEY", "METRICS_TOKEN", "MAIL_PASSWORD"])
def test_the_examples_placeholders_are_problems(four_workers, name):
    found = problems({**GOOD, name: "change-me-to-64-random-hex-characters"})
    assert len(found) == 1 and found[0].startswith(f"{name} is still the example's"), found


def test_a_checkpoint_key_placeholder_in_the_environment_is_a_problem(four_workers, monkeypatch):
    monkeypatch.setenv("CONCORD_CHECKPOINT_KEY", "change-me-to-64-random-hex-characters-too")
    assert any(p.startswith("CONCORD_CHECKPOINT_KEY is still") for p in problems(GOOD))


def test_a_secret_generated_per_server_is_a_problem(four_workers, monkeypatch):
    monkeypatch.delenv("SECRET_KEY")
    assert any("not set in the environment" in p for p in problems(GOOD))


def test_a_checkpoint_key_only_in_the_instance_folder_is_noted(four_workers, monkeypatch):
    def noted() -> list[str]:
        found = check_configuration(GOOD, production=True)
        return [f.what for f in found if not f.problem and "CONCORD_CHECKPOINT_KEY" in f.what]

    monkeypatch.delenv("CONCORD_CHECKPOINT_KEY", raising=False)
    assert len(noted()) == 1
    monkeypatch.setenv("CONCORD_CHECKPOINT_KEY", "c" * 64)
    assert noted() == []


def test_backups_older_than_a_day_or_missing_are_problems(tmp_path):
    assert [f.problem for f in check_backups(str(tmp_path))] == [True]
    backup = tmp_path / "concord-20261126.dump"
    backup.write_text("x")
    assert check_backups(str(tmp_path)) == []
    import os

    old = backup.stat().st_mtime - 3 * 86400
    os.utime(backup, (old, old))
    assert [f.problem for f in check_backups(str(tmp_path))] == [True]


def test_the_command_exits_non_zero_on_a_problem_and_zero_when_all_is_well(app, monkeypatch):
    runner = app.test_cli_runner()
    monkeypatch.setitem(app.config, "SECRET_KEY", "short")
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 1 and "PROBLEM: SECRET_KEY is 5 characters" in result.output
    monkeypatch.setitem(app.config, "SECRET_KEY", "k" * 64)
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    assert "No problems found." in result.output


def test_forwarded_headers_without_proxy_count_are_a_problem(four_workers):
    config = {**GOOD, "PROXY_COUNT": 0}
    assert not any("X-Forwarded-For" in p for p in problems(config))
    seen = check_configuration(config, production=True, forwarded_seen=True)
    assert any(f.problem and "X-Forwarded-For" in f.what for f in seen)


def test_a_request_through_an_unconfigured_proxy_leaves_the_mark(tmp_path):
    from app.operations.doctor import forwarded_headers_seen
    from tests.support.apps import make_app

    app = make_app(f"sqlite:///{tmp_path}/x.db")
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        assert not forwarded_headers_seen()
        app.test_client().get("/healthz", headers={"X-Forwarded-For": "203.0.113.9"})
        assert forwarded_headers_seen()


MAIL = {"MAIL_HOST": "smtp.example.org", "CONCORD_URL": "https://alliance.example.org"}


def test_production_mail_needs_a_server_and_the_address_for_links():
    assert check_mail(MAIL, production=True) == []
    no_server = check_mail({**MAIL, "MAIL_HOST": None, "MAILDIR": "/x"}, production=True)
    assert [(f.problem, "No SMTP server" in f.what) for f in no_server] == [(True, True)]
    no_url = check_mail({**MAIL, "CONCORD_URL": None}, production=True)
    assert [(f.problem, "CONCORD_URL" in f.what) for f in no_url] == [(True, True)]
    assert check_mail({}, production=False) == []  # `make run` writes mail to a folder


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("PostgreSQL 12.18 on x86_64-pc-linux-gnu, compiled by gcc", True),
        ("PostgreSQL 13.4 (Debian 13.4-4.pgdg110+1) on x86_64-pc-linux-gnu", True),
        ("PostgreSQL 14.11 on aarch64-unknown-linux-gnu", False),
        ("PostgreSQL 15.8 (Debian 15.8-0+deb12u1) on x86_64-pc-linux-gnu, 64-bit", False),
    ],
)
def test_an_old_postgresql_is_a_problem(answer, problem):
    assert check_postgres_version(answer).problem is problem


def test_a_database_at_head_with_an_intact_chain_has_no_problem(alliance):
    assert [f for f in check_database() if f.problem] == []


def test_a_schema_behind_the_code_is_a_problem(app):
    db.session.execute(text("UPDATE alembic_version SET version_num = '0001_core'"))
    [finding] = [f for f in check_database() if f.problem]
    assert "The schema is at 0001_core" in finding.what and "db upgrade" in finding.fix


def test_a_broken_audit_chain_is_a_problem(alliance):
    from tests.support.factories import make_position

    make_position(alliance.drafter)
    db.session.flush()
    db.session.execute(text("UPDATE audit_events SET actor_label = 'someone else'"))
    db.session.expire_all()
    [finding] = [f for f in check_database() if f.problem]
    assert finding.what.startswith("The audit chain is broken")
