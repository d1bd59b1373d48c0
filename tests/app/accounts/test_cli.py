"""`flask users`: creating people and tokens from the command line (through test_cli_runner)."""

import pytest
from sqlalchemy import select

from app.accounts.models import User
from tests.support.factories import PASSWORD, committed_count, make_partner, make_user


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
