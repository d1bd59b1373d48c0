"""The audit chain hardened: a hash format version per event, and signed checkpoints

Revision ID: 0008_audit_hardening
Revises: 0007_alliance_admin
Create Date: 2026-11-26 18:00:00

Events already written keep version 1 (their hashes stay as they were, so the chain still
verifies without being re-chained); events written from now on are version 2, a JSON array of
every field including the actor's id. Checkpoints record the head, signed, as it was handed out.
"""
import sqlalchemy as sa
from alembic import op


revision = "0008_audit_hardening"
down_revision = "0007_alliance_admin"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(
            sa.Column("hash_version", sa.Integer(), nullable=False, server_default="1")
        )
    op.create_table(
        "audit_checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("signature", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_checkpoints")),
    )


def downgrade():
    op.drop_table("audit_checkpoints")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("hash_version")
