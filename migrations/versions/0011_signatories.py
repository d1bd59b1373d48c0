"""Signatory power from the partner: requests waiting for it, and the second factor

Revision ID: 0011_signatories
Revises: 0010_signoff_cycle
Create Date: 2026-11-26 19:45:00

Once a partner has an active chief officer, making someone else its chief officer, or resetting
the password of one, waits for another of its chief officers to confirm (issue 12, item 5).
Chief officers and admins sign in with a second factor (TOTP) and single-use recovery codes.
"""
import sqlalchemy as sa
from alembic import op


revision = "0011_signatories"
down_revision = "0010_signoff_cycle"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "signatory_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_signatory_requests_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_signatory_requests_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_signatory_requests_requested_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_signatory_requests_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signatory_requests")),
    )
    with op.batch_alter_table("signatory_requests") as batch:
        batch.create_index(
            batch.f("ix_signatory_requests_partner_id"), ["partner_id"], unique=False
        )
        batch.create_index(batch.f("ix_signatory_requests_user_id"), ["user_id"], unique=False)
    op.create_table(
        "second_factors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("enrolled_at", sa.DateTime(), nullable=False),
        sa.Column("last_step", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_second_factors_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_second_factors")),
        sa.UniqueConstraint("user_id", name=op.f("uq_second_factors_user_id")),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_recovery_codes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
    )
    with op.batch_alter_table("recovery_codes") as batch:
        batch.create_index(batch.f("ix_recovery_codes_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("recovery_codes") as batch:
        batch.drop_index(batch.f("ix_recovery_codes_user_id"))
    op.drop_table("recovery_codes")
    op.drop_table("second_factors")
    with op.batch_alter_table("signatory_requests") as batch:
        batch.drop_index(batch.f("ix_signatory_requests_user_id"))
        batch.drop_index(batch.f("ix_signatory_requests_partner_id"))
    op.drop_table("signatory_requests")
