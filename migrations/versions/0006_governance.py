"""Governance of published text: confirmations that undo a joint decision, and dissents

Revision ID: 0006_governance
Revises: 0005_position_version
Create Date: 2026-11-26 18:00:00

Withdrawing a published position and reopening an agreed-to-differ outcome need every active
partner's chief officer; each confirmation is kept, bound to what it undoes. A partner may say
publicly that it no longer supports a published text (a dissent), and retract that later.
"""
import sqlalchemy as sa
from alembic import op



revision = "0006_governance"
down_revision = "0005_position_version"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "motion_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("motion", sa.String(length=20), nullable=False),
        sa.Column("subject_number", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_motion_confirmations_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["position_id"],
            ["positions.id"],
            name=op.f("fk_motion_confirmations_position_id_positions"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_motion_confirmations_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_motion_confirmations")),
    )
    op.create_index(
        "ix_motion_confirmations_position_motion",
        "motion_confirmations",
        ["position_id", "motion", "partner_id"],
    )
    op.create_index(
        op.f("ix_motion_confirmations_user_id"), "motion_confirmations", ["user_id"]
    )
    op.create_table(
        "dissents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("retracted_at", sa.DateTime(), nullable=True),
        sa.Column("retracted_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_dissents_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["position_id"], ["positions.id"], name=op.f("fk_dissents_position_id_positions")
        ),
        sa.ForeignKeyConstraint(
            ["publication_id"],
            ["publications.id"],
            name=op.f("fk_dissents_publication_id_publications"),
        ),
        sa.ForeignKeyConstraint(
            ["retracted_by_id"], ["users.id"], name=op.f("fk_dissents_retracted_by_id_users")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_dissents_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dissents")),
    )
    op.create_index("ix_dissents_position_partner", "dissents", ["position_id", "partner_id"])


def downgrade():
    op.drop_index("ix_dissents_position_partner", table_name="dissents")
    op.drop_table("dissents")
    op.drop_index(op.f("ix_motion_confirmations_user_id"), table_name="motion_confirmations")
    op.drop_index("ix_motion_confirmations_position_motion", table_name="motion_confirmations")
    op.drop_table("motion_confirmations")
