"""Migrations build the whole schema from empty, agree with the models, and go down and up."""

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from app import create_app
from app.extensions import db
from app.search import schema as search_schema
from config import TestConfig
from tests.support.databases import throwaway_database

# migrations/env.py is Flask-Migrate's template: it tries Flask-SQLAlchemy's deprecated
# get_engine() before db.engine. Harmless (it falls back once get_engine is gone).
pytestmark = [
    pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning"),
    pytest.mark.fresh_db,  # a database of its own, migrated and downgraded
]


@pytest.fixture
def empty_database_url(tmp_path):
    """A database with nothing in it: a SQLite file, or a throwaway PostgreSQL database."""
    with throwaway_database("migrated", tmp_path) as url:
        yield url


@pytest.fixture
def empty_app(empty_database_url):
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def differences() -> list:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": search_schema.modelled}
        )
        return compare_metadata(context, db.metadata)


def tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def head_revision(app) -> str:
    config = app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


def current_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_upgrade_from_empty_matches_the_models(empty_app):
    assert tables() == set()
    flask_migrate.upgrade()
    assert tables() >= {t.name for t in db.metadata.sorted_tables}
    assert differences() == []


def test_upgrade_records_the_head_revision(empty_app):
    flask_migrate.upgrade()
    assert current_revision() == head_revision(empty_app)


def test_downgrade_to_base_and_upgrade_again(empty_app):
    flask_migrate.upgrade()
    flask_migrate.downgrade(revision="base")
    assert tables() <= {"alembic_version"}
    assert current_revision() is None
    flask_migrate.upgrade()
    assert differences() == []
    assert current_revision() == head_revision(empty_app)


def test_the_migrated_schema_runs_the_demo(empty_app):
    flask_migrate.upgrade()
    result = empty_app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert empty_app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
