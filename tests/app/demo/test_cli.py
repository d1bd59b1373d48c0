"""`flask demo load`: the demo alliance into an empty database, and only there."""

from datetime import date

from sqlalchemy import select

from app.accounts.models import User
from app.alliance.models import Partner
from app.drafting.models import Position
from tests.support.factories import committed_count, make_partner, make_user


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
    assert "concord-demo" not in result.output  # no demo sign-ins for a database without them


def test_demo_sign_ins_are_printed_again_where_the_demo_is(flask_cli, session):
    assert flask_cli("demo", "load").exit_code == 0
    again = flask_cli("demo", "load", "--if-empty")
    assert "not loaded again" in again.output and "concord-demo" in again.output


def test_the_demo_has_a_sign_off_cycle_with_an_overdue_item_and_a_deputy(flask_cli, session):
    from app.deputies.models import Deputation

    assert flask_cli("demo", "load").exit_code == 0
    ready = list(session.execute(select(Position).where(Position.ready_at.is_not(None))).scalars())
    assert len(ready) >= 3
    today = date.today()
    assert any(p.decision_due < today for p in ready)  # one overdue
    assert any(p.external_deadline for p in ready)
    assert session.execute(select(Position).where(Position.ready_at.is_(None))).first()
    assert committed_count(Deputation) == 1
