"""Migration 0006 gives stored text Unix line ends, and no hash or audit event changes."""

import flask_migrate
import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db
from config import TestConfig
from positions.hashing import content_hash
from tests.support.databases import throwaway_database

pytestmark = [
    pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning"),
    pytest.mark.fresh_db,  # a database of its own, migrated up and down
]


@pytest.fixture
def demo_app(tmp_path):
    with throwaway_database("line_ends", tmp_path) as url:
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            flask_migrate.upgrade()
            result = app.test_cli_runner().invoke(args=["demo", "load"])
            assert result.exit_code == 0, result.output
            # The command's session must not hold locks the migrations below need to take.
            db.session.remove()
            yield app
            db.session.remove()
            db.engine.dispose()


def test_stored_crlf_text_is_rewritten_with_its_hash_still_matching(demo_app):
    with db.engine.begin() as connection:
        revision_id, title, body = connection.execute(
            text("SELECT id, title, body FROM revisions ORDER BY id LIMIT 1")
        ).one()
        # Windows line ends, and one lone CR: the same text, so its content hash still holds.
        crlf = body.replace("\n", "\r\n").replace("\r\n", "\r", 1)
        assert "\r\n" in crlf and crlf.count("\r") > crlf.count("\r\n")
        connection.execute(
            text("UPDATE revisions SET body = :body WHERE id = :id"),
            {"body": crlf, "id": revision_id},
        )
    # The database as a release before this one left it: text with CR characters, at 0008.
    flask_migrate.downgrade(revision="0008_audit_hardening")
    flask_migrate.upgrade()
    with db.engine.connect() as connection:
        migrated = connection.execute(
            text("SELECT body FROM revisions WHERE id = :id"), {"id": revision_id}
        ).scalar_one()
    assert "\r" not in migrated
    assert migrated == body
    assert content_hash(title, migrated) == content_hash(title, crlf)
    verified = demo_app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
