"""The test harness itself (tests/app/conftest.py): each test in a transaction of its own.

A commit inside a test is real to the test (and to every session and request in it) and never
reaches the database; another session's rollback never undoes it; the standard alliance is
there exactly for the tests that ask for it.
"""

import pytest
from sqlalchemy import create_engine, func, select

from app.alliance.models import Partner
from app.extensions import db
from tests.support.factories import make_partner


def partners() -> int:
    return db.session.execute(select(func.count()).select_from(Partner)).scalar_one()


def partners_outside(app) -> int:
    """Partners as another connection to the test's database (the app's URL) sees them."""
    outside = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with outside.connect() as connection:
            return connection.execute(select(func.count()).select_from(Partner)).scalar_one()
    finally:
        outside.dispose()


def test_a_commit_is_real_to_the_test_and_invisible_outside_it(app, session):
    make_partner("Committed")
    session.commit()
    session.rollback()
    assert partners() == 1
    assert partners_outside(app) == 0


def test_the_standard_alliance_is_committed_and_a_tests_commits_are_not(alliance, app, session):
    make_partner("Committed")
    session.commit()
    assert partners() == 4
    assert partners_outside(app) == 3


def test_a_commit_in_another_app_context_survives_the_tests_rollback(app, session):
    assert partners() == 0  # the test's session is now in a transaction of its own
    with app.app_context():  # a session of its own, as for the command line or another app
        make_partner("Elsewhere")
        db.session.commit()
    session.rollback()
    assert partners() == 1


def test_a_commit_beside_uncommitted_writes_fails_loudly(app, session):
    make_partner("Pending")
    session.flush()
    with app.app_context(), pytest.raises(RuntimeError, match="fresh_db"):
        make_partner("Elsewhere")
        db.session.commit()


def test_the_standard_alliance_is_there_for_the_tests_that_ask(alliance, session):
    assert [p.slug for p in alliance.partners] == ["harbourside", "moorland", "riverbank"]
    assert partners() == 3
    assert len(alliance.chiefs) == len(alliance.officers) == 3


def test_and_not_for_the_others(app, session):
    assert partners() == 0


def test_ids_start_afresh_in_every_test(app, session):
    """As after a rollback on SQLite, so on PostgreSQL, whose sequences ignore rollbacks: a test
    never meets an id that another test's rows took."""
    assert make_partner("First").id == 1


def test_ids_start_afresh_after_the_standard_alliance(alliance, session):
    assert make_partner("Fourth").id == len(alliance.partners) + 1
