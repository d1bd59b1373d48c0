"""Notifications: an index on what a message is about, so coalescing finds the unsent message
to merge into among the few about that object, not among everything its recipient ever received

Revision ID: 0016_notifications_about
Revises: 0015_cycle_figures
Create Date: 2026-11-27 04:30:00
"""

from alembic import op

revision = "0016_notifications_about"
down_revision = "0015_cycle_figures"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_notifications_about",
        "notifications",
        ["about_type", "about_id", "kind", "recipient_id"],
    )


def downgrade():
    op.drop_index("ix_notifications_about", table_name="notifications")
