"""The alliance administered in the app: its settings row, areas that can be retired, and
sign-ins kept on the server so that ending one ends every copy of its cookie

Revision ID: 0007_alliance_admin
Revises: 0006_governance
Create Date: 2026-11-26 18:00:00
"""
import sqlalchemy as sa
from alembic import op


revision = "0007_alliance_admin"
down_revision = "0006_governance"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "alliance_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("public_introduction", sa.Text(), server_default="", nullable=False),
        sa.Column("accountable_partner_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["accountable_partner_id"],
            ["partners.id"],
            name=op.f("fk_alliance_settings_accountable_partner_id_partners"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alliance_settings")),
    )
    op.create_table(
        "sign_ins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_sign_ins_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_ins")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_sign_ins_key_hash")),
    )
    op.create_index(op.f("ix_sign_ins_user_id"), "sign_ins", ["user_id"], unique=False)
    with op.batch_alter_table("policy_areas") as batch:
        batch.add_column(
            sa.Column("retired", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("policy_areas") as batch:
        batch.drop_column("retired")
    op.drop_index(op.f("ix_sign_ins_user_id"), table_name="sign_ins")
    op.drop_table("sign_ins")
    op.drop_table("alliance_settings")
