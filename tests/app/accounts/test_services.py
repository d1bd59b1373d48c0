"""People: creating users, signing in, API tokens, all on the record."""

import hashlib

import pytest
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import ApiToken, User
from positions.refusals import Invalid, NotFound
from tests.support.factories import PASSWORD, audit_events, make_partner, make_user


def test_passwords_are_stored_with_werkzeugs_default_hash(app, session, real_password_hashing):
    user = make_user("someone@alliance.test", "comms")
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith("scrypt:")
    assert accounts.authenticate(session, "someone@alliance.test", PASSWORD) == user


def test_a_user_has_a_partner_or_belongs_to_the_alliance_team(app, session):
    partner = make_partner("Harbourside")
    member = make_user("chief@harbourside.test", "chief_officer", "policy_officer", partner=partner)
    staff = make_user("comms@alliance.test", "comms")
    assert member.partner == partner and member.affiliation == "Harbourside"
    assert member.roles == "chief_officer,policy_officer"
    assert staff.partner is None and staff.affiliation == "Alliance team"


def test_creating_a_user_for_an_unknown_partner_is_not_found(app, session):
    with pytest.raises(NotFound) as refused:
        accounts.create_user(
            session, email="a@b.test", name="A", password=PASSWORD, roles=["comms"],
            partner_slug="nowhere",
        )  # fmt: skip
    assert refused.value.field == "partner"


@pytest.mark.parametrize(
    ("email", "password", "roles", "field"),
    [
        ("not-an-email", PASSWORD, ["comms"], "email"),
        ("a@b.test", "short", ["comms"], "password"),
        ("a@b.test", PASSWORD, ["emperor"], "roles"),
    ],
)
def test_bad_user_details_are_invalid(app, session, email, password, roles, field):
    with pytest.raises(Invalid) as refused:
        accounts.create_user(session, email=email, name="A", password=password, roles=roles)
    assert refused.value.field == field


def test_emails_are_unique_whatever_their_case(app, session):
    make_user("Someone@Alliance.test", "comms")
    with pytest.raises(Invalid):
        make_user("someone@alliance.TEST", "comms")
    assert accounts.find_by_email(session, " SOMEONE@alliance.test ").email == (
        "someone@alliance.test"
    )


def test_creating_a_user_is_audited(app, session):
    user = make_user("someone@alliance.test", "comms")
    [event] = audit_events("user.create")
    assert event.object_id == str(user.id) and "someone@alliance.test" in event.details


def test_a_good_login_is_audited(app, session):
    user = make_user("someone@alliance.test", "comms")
    assert accounts.authenticate(session, "someone@alliance.test", PASSWORD) == user
    [event] = audit_events("login")
    assert event.actor_id == user.id


@pytest.mark.parametrize("email", ["someone@alliance.test", "nobody@alliance.test"])
def test_a_failed_login_is_audited(app, session, email):
    make_user("someone@alliance.test", "comms")
    assert accounts.authenticate(session, email, "wrong password") is None
    [event] = audit_events("login.failed")
    assert event.actor_label == email


def test_an_inactive_user_cannot_log_in(app, session):
    user = make_user("someone@alliance.test", "comms")
    user.active = False
    assert accounts.authenticate(session, "someone@alliance.test", PASSWORD) is None


def test_tokens_are_stored_hashed_and_identify_their_user(app, session):
    user = make_user("someone@alliance.test", "comms")
    token = accounts.issue_token(session, user, "tests")
    stored = session.execute(select(ApiToken.token_hash)).scalar_one()
    assert token not in stored
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert accounts.user_for_token(session, token) == user
    assert accounts.user_for_token(session, token + "x") is None
    assert audit_events("token.issue")


def test_a_token_of_an_inactive_user_identifies_nobody(app, session):
    user = make_user("someone@alliance.test", "comms")
    token = accounts.issue_token(session, user)
    session.get(User, user.id).active = False
    assert accounts.user_for_token(session, token) is None
