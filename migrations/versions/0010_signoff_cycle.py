"""The sign-off cycle: positions ready for sign-off with deadlines, the alliance's holiday
country, deputations, and the deputation a sign-off was made under

Revision ID: 0010_signoff_cycle
Revises: 0009_unix_line_ends
Create Date: 2026-11-26 19:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_signoff_cycle"
down_revision = "0009_unix_line_ends"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "deputations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_deputations_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["deputy_id"], ["users.id"], name=op.f("fk_deputations_deputy_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["granted_by_id"], ["users.id"], name=op.f("fk_deputations_granted_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"], ["users.id"], name=op.f("fk_deputations_confirmed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["users.id"], name=op.f("fk_deputations_revoked_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deputations")),
    )
    op.create_index(op.f("ix_deputations_deputy_id"), "deputations", ["deputy_id"])
    op.create_index("ix_deputations_partner_ends_on", "deputations", ["partner_id", "ends_on"])
    with op.batch_alter_table("positions") as batch:
        batch.add_column(sa.Column("ready_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("decision_due", sa.Date(), nullable=True))
        batch.add_column(
            sa.Column("ready_note", sa.String(length=300), server_default="", nullable=False)
        )
        batch.add_column(sa.Column("external_deadline", sa.Date(), nullable=True))
        batch.add_column(
            sa.Column("external_label", sa.String(length=120), server_default="", nullable=False)
        )
        batch.create_index(op.f("ix_positions_decision_due"), ["decision_due"])
    with op.batch_alter_table("signoffs") as batch:
        batch.add_column(sa.Column("deputation_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_signoffs_deputation_id_deputations"), "deputations", ["deputation_id"], ["id"]
        )
    with op.batch_alter_table("alliance_settings") as batch:
        batch.add_column(
            sa.Column(
                "holiday_country", sa.String(length=10), server_default="GB-ENG", nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table("alliance_settings") as batch:
        batch.drop_column("holiday_country")
    with op.batch_alter_table("signoffs") as batch:
        batch.drop_constraint(op.f("fk_signoffs_deputation_id_deputations"), type_="foreignkey")
        batch.drop_column("deputation_id")
    with op.batch_alter_table("positions") as batch:
        batch.drop_index(op.f("ix_positions_decision_due"))
        batch.drop_column("external_label")
        batch.drop_column("external_deadline")
        batch.drop_column("ready_note")
        batch.drop_column("decision_due")
        batch.drop_column("ready_at")
    op.drop_index("ix_deputations_partner_ends_on", table_name="deputations")
    op.drop_index(op.f("ix_deputations_deputy_id"), table_name="deputations")
    op.drop_table("deputations")
