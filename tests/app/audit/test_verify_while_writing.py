"""`audit verify` while others append: the events and the head are read in one snapshot.

A writer commits a new event between verify's first and second read. Read in two snapshots,
the chain looks broken (more events than the head, or a head past the last event read);
read in one, it is intact. The writer runs at that exact point, not at a time.
"""

import pytest
from sqlalchemy import event

from app.audit import services as audit
from app.extensions import db
from tests.support.factories import make_position

# The writer needs a connection and a commit of its own.
pytestmark = pytest.mark.fresh_db


@pytest.fixture
def append_during_verify(app):
    """Once verify has read from the audit tables, another session appends and commits."""
    engine = db.engine
    state = {"appended": 0, "busy": False, "armed": False}

    def after_read(conn, cursor, statement, parameters, context, executemany):
        if not state["armed"] or state["busy"] or state["appended"] or "audit_" not in statement:
            return
        if not statement.lstrip().upper().startswith("SELECT"):
            return
        state["busy"] = True
        try:
            with app.app_context():
                audit.record(db.session, "test.concurrent_append")
                db.session.commit()
            state["appended"] += 1
        finally:
            state["busy"] = False

    event.listen(engine, "after_cursor_execute", after_read)
    yield state
    event.remove(engine, "after_cursor_execute", after_read)


def test_verify_sees_one_snapshot_while_an_event_is_appended(app, alliance, append_during_verify):
    make_position(alliance.drafter)
    db.session.commit()
    db.session.remove()
    append_during_verify["armed"] = True
    with app.app_context():
        before = audit.verify_chain_of(db.session)
    assert append_during_verify["appended"] == 1
    assert before.intact, before.problems
    with app.app_context():
        after = audit.verify_chain_of(db.session)
    assert after.intact and after.events == before.events + 1


def test_the_command_line_verify_is_intact_while_an_event_is_appended(
    app, alliance, append_during_verify
):
    make_position(alliance.drafter)
    db.session.commit()
    db.session.remove()
    append_during_verify["armed"] = True
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert append_during_verify["appended"] == 1
    assert result.exit_code == 0, result.output
