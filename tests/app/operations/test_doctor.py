"""`flask doctor`: fails on each misconfiguration, passes on a good one."""

import pytest

from app.operations.doctor import check_backups, check_configuration

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


def test_a_secret_generated_per_server_is_a_problem(four_workers, monkeypatch):
    monkeypatch.delenv("SECRET_KEY")
    assert any("not set in the environment" in p for p in problems(GOOD))


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
