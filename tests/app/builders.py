"""Builders shared by the app tests: short names for the steps every story repeats."""

from contextlib import contextmanager

from sqlalchemy import event, func, select

from app.audit.models import AuditEvent
from app.drafting.models import Position
from app.drafting.services import consensus
from app.extensions import db
from tests.conftest import Alliance, make_position


def publish(user, position, number: int | None = None):
    return consensus.publish(
        db.session,
        user,
        position.id,
        revision_number=number or position.current_revision.number,
    )


def published_position(alliance: Alliance, **fields) -> Position:
    """A position every partner approved and comms published, committed."""
    position = make_position(alliance.drafter, **fields)
    alliance.approve_all(position)
    publish(alliance.comms, position)
    db.session.commit()
    return position


def states(position) -> dict[str, str]:
    """Each required partner's state on the current revision, by slug."""
    return {
        s.partner.slug: s.state.value
        for s in consensus.consensus_for(db.session, position).standings
    }


def committed_count(model, *where) -> int:
    """Rows of `model` that survived: anything not committed is rolled back first."""
    db.session.rollback()
    query = select(func.count()).select_from(model)
    for clause in where:
        query = query.where(clause)
    return db.session.execute(query).scalar_one()


def audit_events(action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.seq)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.execute(query).scalars())


def body_of(response) -> str:
    return response.get_data(as_text=True)


@contextmanager
def counting_queries():
    """Counts the SQL statements sent while the block runs: `with counting_queries() as n:`."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
