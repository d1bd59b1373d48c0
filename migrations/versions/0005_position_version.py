"""A version per position: what its page shows changed when this number moved

Revision ID: 0005_position_version
Revises: 0004_performance
Create Date: 2026-11-26 16:50:00

The position page's cache was keyed on the head of the audit record, so any action anywhere
(even a sign-in) made every cached position page stale. Each write that touches a position now
moves its own number instead.
"""
import sqlalchemy as sa
from alembic import op


revision = "0005_position_version"
down_revision = "0004_performance"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("positions") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))


def downgrade():
    with op.batch_alter_table("positions") as batch:
        batch.drop_column("version")
