"""Migration 0014 backfills the sign-off cycles from the audit chain: the same cycles the services
write, with unanimity at the last approval before publication (or now, for an agreed position
still up for sign-off)."""

import importlib.util
from pathlib import Path

from sqlalchemy import delete, select

from app.audit.models import AuditEvent
from app.drafting.services import cycle
from app.extensions import db
from app.figures.models import SignoffCycle
from tests.support.factories import approve, make_position, publish

MIGRATION = Path(__file__).parents[3] / "migrations" / "versions" / "0015_cycle_figures.py"


def migration():
    spec = importlib.util.spec_from_file_location("cycle_figures_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def event_time(action: str, position) -> object:
    return db.session.execute(
        select(AuditEvent.at)
        .where(AuditEvent.action == action, AuditEvent.object_id == str(position.id))
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).scalar_one()


def test_the_backfill_replays_ready_take_back_approvals_and_publication(alliance, session):
    drafter = alliance.drafter
    published = make_position(drafter, title="Published")
    cycle.mark_ready(session, drafter, published.id)
    cycle.take_back(session, drafter, published.id)
    cycle.mark_ready(session, drafter, published.id)
    alliance.approve_all(published)
    publish(alliance.comms, published)
    agreed = make_position(drafter, title="Agreed, not yet published")
    cycle.mark_ready(session, drafter, agreed.id)
    alliance.approve_all(agreed)
    waiting = make_position(drafter, title="Waiting")
    cycle.mark_ready(session, drafter, waiting.id)
    approve(alliance.chiefs["moorland"], waiting)
    ours = [published.id, agreed.id, waiting.id]
    session.flush()
    session.execute(delete(SignoffCycle).where(SignoffCycle.position_id.in_(ours)))

    migration().backfill(session.connection())

    rows = session.execute(
        select(
            SignoffCycle.position_id,
            SignoffCycle.revision,
            SignoffCycle.outcome,
            SignoffCycle.unanimous_at.is_not(None),
            SignoffCycle.ended_at.is_not(None),
        )
        .where(SignoffCycle.position_id.in_(ours))
        .order_by(SignoffCycle.position_id, SignoffCycle.started_at, SignoffCycle.id)
    ).all()
    assert [tuple(r) for r in rows] == [
        (published.id, 1, "taken_back", False, True),
        (published.id, 1, "published", True, True),
        (agreed.id, 1, None, True, False),
        (waiting.id, 1, None, False, False),
    ]
    last = session.execute(
        select(SignoffCycle)
        .where(SignoffCycle.position_id == published.id)
        .order_by(SignoffCycle.id.desc())
        .limit(1)
    ).scalar_one()
    assert last.unanimous_at == event_time("signoff.approve", published)
    assert last.ended_at == event_time("position.publish", published)
