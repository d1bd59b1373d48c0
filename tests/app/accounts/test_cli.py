"""`flask users`: creating people and tokens from the command line (through test_cli_runner)."""

import re

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.notifications.models import Notification
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


def test_users_invite_mails_and_prints_a_set_password_link(flask_cli, client, session):
    make_partner("Harbourside")
    session.commit()
    result = flask_cli(
        "users", "invite", "Pat@Harbourside.test", "--name", "Pat Policy",
        "--partner", "harbourside", "--role", "policy_officer",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    pat = session.execute(select(User).filter_by(email="pat@harbourside.test")).scalar_one()
    assert (pat.roles, pat.partner.slug) == ("policy_officer", "harbourside")
    printed = re.search(r"http://\S+(/welcome/\S+)", result.output).group(1)
    mailed = session.execute(select(Notification).filter_by(recipient_id=pat.id)).scalar_one()
    assert mailed.kind == "invitation" and mailed.link == printed
    assert "Pat Policy" in client.get(printed).get_data(as_text=True)
    assert PASSWORD not in result.output
    invited = session.execute(
        select(AuditEvent).filter_by(action="user.invite", object_id=str(pat.id))
    ).scalar_one()
    assert invited.actor_id is None  # the command line


def test_users_invite_of_a_second_chief_officer_waits_for_the_partner(flask_cli, session):
    make_partner("Harbourside")
    session.commit()
    invite = ("users", "invite", "--partner", "harbourside", "--role", "chief_officer")
    first = flask_cli(*invite, "one@harbourside.test", "--name", "One")
    assert first.exit_code == 0 and "chief_officer" in first.output
    second = flask_cli(*invite, "two@harbourside.test", "--name", "Two")
    assert second.exit_code == 0, second.output
    assert "A chief officer of the partner confirms" in second.output
    two = session.execute(select(User).filter_by(email="two@harbourside.test")).scalar_one()
    assert two.roles == ""


def test_users_invite_refuses_an_unknown_partner_and_writes_nothing(flask_cli, session):
    result = flask_cli("users", "invite", "x@y.test", "--name", "X", "--partner", "nowhere",
                       "--role", "policy_officer")  # fmt: skip
    assert result.exit_code == 1 and "There is no partner 'nowhere'" in result.output
    assert session.execute(select(User)).first() is None
