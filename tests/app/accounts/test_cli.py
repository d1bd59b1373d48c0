"""The command line through app.test_cli_runner(): demo, users, tokens, audit verification."""

import pytest
from sqlalchemy import select, text

from app.accounts.models import User
from app.alliance.models import Partner
from app.drafting.models import Position
from app.extensions import db
from tests.support.factories import PASSWORD, committed_count, make_partner, make_user


@pytest.fixture
def flask_cli(app):
    runner = app.test_cli_runner()
    return lambda *args, **kw: runner.invoke(args=list(args), **kw)


def test_demo_load_fills_an_empty_database(flask_cli, session):
    result = flask_cli("demo", "load")
    assert result.exit_code == 0, result.output
    assert "concord-demo" in result.output and "chief@harbourside.example" in result.output
    assert committed_count(Partner) == 3
    for partner in session.execute(select(Partner)).scalars():
        roles = {
            u.roles for u in session.execute(select(User).filter_by(partner=partner)).scalars()
        }
        assert {"chief_officer", "policy_officer"} <= roles
    staff = {u.roles for u in session.execute(select(User).filter_by(partner_id=None)).scalars()}
    assert {"admin", "comms"} <= staff
    statuses = set(session.execute(select(Position.status)).scalars())
    assert {"draft", "agreed", "published"} <= statuses
    assert "Audit chain intact" in flask_cli("audit", "verify").output


def test_demo_load_refuses_a_database_with_data(flask_cli, session):
    assert flask_cli("demo", "load").exit_code == 0
    positions = committed_count(Position)
    again = flask_cli("demo", "load")
    assert again.exit_code != 0
    assert "already has data" in again.output
    assert committed_count(Position) == positions


def test_demo_load_if_empty_skips_quietly(flask_cli, session):
    make_partner("Somebody")
    make_user("someone@alliance.test", "admin")
    session.commit()
    result = flask_cli("demo", "load", "--if-empty")
    assert result.exit_code == 0, result.output
    assert committed_count(Partner) == 1
    assert flask_cli("demo", "load", "--if-empty").exit_code == 0


def test_users_create_with_repeated_roles(flask_cli, session):
    make_partner("Harbourside")
    session.commit()
    result = flask_cli(
        "users", "create", "--email", "New@Harbourside.test", "--name", "New Person",
        "--partner", "harbourside", "--role", "chief_officer", "--role", "policy_officer",
        "--password", PASSWORD,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    user = session.execute(select(User).filter_by(email="new@harbourside.test")).scalar_one()
    assert user.roles == "chief_officer,policy_officer"
    assert user.partner.slug == "harbourside"
    assert "for Harbourside" in result.output


def test_users_create_prompts_for_the_password(flask_cli, session):
    result = flask_cli(
        "users", "create", "--email", "staff@alliance.test", "--name", "Staff", "--role", "comms",
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert "Alliance team" in result.output


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--partner", "nowhere", "--role", "comms"], "There is no partner 'nowhere'"),
        (["--role", "emperor"], "Unknown role 'emperor'"),
        ([], "Missing option '--role'"),
    ],
)
def test_users_create_refuses_bad_details(flask_cli, session, extra, message):
    result = flask_cli(
        "users", "create", "--email", "x@alliance.test", "--name", "X", "--password", PASSWORD,
        *extra,
    )  # fmt: skip
    assert result.exit_code != 0
    assert message in result.output
    assert committed_count(User) == 0


def test_users_token_prints_a_token_that_works_on_the_api(flask_cli, client, session):
    make_user("someone@alliance.test", "comms")
    session.commit()
    result = flask_cli("users", "token", "someone@alliance.test")
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    ok = client.get("/api/v1/partners", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    bad = client.get("/api/v1/partners", headers={"Authorization": f"Bearer {token}x"})
    assert bad.status_code == 401


def test_users_token_for_an_unknown_email_fails(flask_cli):
    result = flask_cli("users", "token", "ghost@nowhere.test")
    assert result.exit_code != 0 and "No user has the email" in result.output


def test_audit_verify_on_a_fresh_chain(flask_cli, alliance):
    result = flask_cli("audit", "verify")
    assert result.exit_code == 0
    events = db.session.execute(text("SELECT COUNT(*) FROM audit_events")).scalar_one()
    assert f"Audit chain intact: {events} events verified." in result.output


def test_audit_verify_on_an_empty_database(flask_cli):
    assert flask_cli("audit", "verify").exit_code == 0


@pytest.mark.parametrize(
    "tampering",
    [
        "UPDATE audit_events SET actor_label = 'nobody' WHERE seq = 2",
        "UPDATE audit_events SET details = '{}' WHERE seq = 5",
        "DELETE FROM audit_events WHERE seq = 3",
        "DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)",
    ],
)
def test_audit_verify_exits_1_after_tampering(flask_cli, alliance, session, tampering):
    session.execute(text(tampering))
    session.commit()
    result = flask_cli("audit", "verify")
    assert result.exit_code == 1
    assert "BROKEN" in result.output
