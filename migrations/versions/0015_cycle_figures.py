"""Cycle figures: sign-off cycles (ready to published or taken back), backfilled from the audit chain

Revision ID: 0015_cycle_figures
Revises: 0014_discussion
Create Date: 2026-11-27 00:40:00
"""

import json
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision = "0015_cycle_figures"
down_revision = "0014_discussion"
branch_labels = None
depends_on = None

cycles = sa.table(
    "signoff_cycles",
    sa.column("position_id", sa.Integer),
    sa.column("revision", sa.Integer),
    sa.column("started_at", sa.DateTime),
    sa.column("unanimous_at", sa.DateTime),
    sa.column("ended_at", sa.DateTime),
    sa.column("outcome", sa.String),
)
events = sa.table(
    "audit_events",
    sa.column("seq", sa.Integer),
    sa.column("at", sa.DateTime),
    sa.column("action", sa.String),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.String),
    sa.column("details", sa.Text),
)
positions = sa.table(
    "positions",
    sa.column("id", sa.Integer),
    sa.column("status", sa.String),
    sa.column("ready_at", sa.DateTime),
)
ACTIONS = ("position.ready", "position.take_back", "position.publish", "signoff.approve")


def _moment(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def backfill(connection) -> None:
    """Replay the chain's ready, take-back, publish and approve events per position.

    Unanimity is taken as the last approval before publication (publishing needs every partner's
    approval of the published text, so the last one completed it), and for a position still up
    for sign-off that is agreed now, its last approval; a taken-back cycle counts as never
    unanimous. Times are the chain's, which is the server's clock.
    """
    rows = connection.execute(
        sa.select(events.c.at, events.c.action, events.c.object_id, events.c.details)
        .where(events.c.object_type == "position", events.c.action.in_(ACTIONS))
        .order_by(events.c.seq)
    )
    open_cycles: dict[int, dict] = {}
    done: list[dict] = []
    for at, action, object_id, details in rows:
        if not str(object_id).isdigit():
            continue
        position_id, at = int(object_id), _moment(at)
        current = open_cycles.get(position_id)
        if action == "position.ready":
            if current:
                done.append({**current, "ended_at": at, "outcome": "taken_back"})
            revision = json.loads(details or "{}").get("revision") or 1
            open_cycles[position_id] = {
                "position_id": position_id,
                "revision": revision,
                "started_at": at,
                "unanimous_at": None,
                "ended_at": None,
                "outcome": None,
                "last_approval": None,
            }
        elif current is None:
            continue
        elif action == "signoff.approve":
            current["last_approval"] = at
        else:
            published = action == "position.publish"
            current.update(
                ended_at=at,
                outcome="published" if published else "taken_back",
                unanimous_at=current["last_approval"] if published else None,
            )
            done.append(open_cycles.pop(position_id))
    if open_cycles:
        still = connection.execute(
            sa.select(positions.c.id, positions.c.status).where(
                positions.c.id.in_(list(open_cycles)), positions.c.ready_at.is_not(None)
            )
        ).all()
        for position_id, status in still:
            current = open_cycles[position_id]
            if status == "agreed":
                current["unanimous_at"] = current["last_approval"]
            done.append(current)
    for row in done:
        row.pop("last_approval")
    if done:
        connection.execute(sa.insert(cycles), done)


def upgrade():
    op.create_table(
        "signoff_cycles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("unanimous_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["position_id"], ["positions.id"], name=op.f("fk_signoff_cycles_position_id_positions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signoff_cycles")),
    )
    op.create_index(
        "ix_signoff_cycles_position_id_ended_at", "signoff_cycles", ["position_id", "ended_at"]
    )
    op.create_index("ix_signoff_cycles_unanimous_at", "signoff_cycles", ["unanimous_at"])
    op.create_index(op.f("ix_signoff_cycles_started_at"), "signoff_cycles", ["started_at"])
    backfill(op.get_bind())


def downgrade():
    op.drop_index(op.f("ix_signoff_cycles_started_at"), table_name="signoff_cycles")
    op.drop_index("ix_signoff_cycles_unanimous_at", table_name="signoff_cycles")
    op.drop_index("ix_signoff_cycles_position_id_ended_at", table_name="signoff_cycles")
    op.drop_table("signoff_cycles")
