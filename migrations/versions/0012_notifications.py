"""Notifications: the outbox (read in the app and mailed) and each person's preferences

Revision ID: 0012_notifications
Revises: 0011_signatories
Create Date: 2026-11-26 19:30:00
"""
import sqlalchemy as sa
from alembic import op


revision = "0012_notifications"
down_revision = "0011_signatories"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("about_type", sa.String(length=20), nullable=False),
        sa.Column("about_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("in_app", sa.Boolean(), nullable=False),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.Column("mail_status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("lease_token", sa.String(length=32), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["users.id"], name=op.f("fk_notifications_recipient_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index(
        "ix_notifications_mail_status_next_attempt_at",
        "notifications",
        ["mail_status", "next_attempt_at"],
    )
    op.create_index(
        "ix_notifications_recipient_id_read_at", "notifications", ["recipient_id", "read_at"]
    )
    op.create_index(
        op.f("ix_notifications_lease_token"), "notifications", ["lease_token"], unique=False
    )
    op.create_table(
        "notification_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("delivery", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notification_preferences_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_preferences")),
        sa.UniqueConstraint("user_id", "kind", name=op.f("uq_notification_preferences_user_id")),
    )


def downgrade():
    op.drop_table("notification_preferences")
    op.drop_index(op.f("ix_notifications_lease_token"), table_name="notifications")
    op.drop_index("ix_notifications_recipient_id_read_at", table_name="notifications")
    op.drop_index("ix_notifications_mail_status_next_attempt_at", table_name="notifications")
    op.drop_table("notifications")
