"""`flask audit verify`: the chain checked from the command line, and tampering found."""

import pytest
from sqlalchemy import text

from app.extensions import db


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
