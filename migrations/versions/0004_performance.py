"""Performance: indexes for the list pages, the dashboard and the published record

Revision ID: 0004_performance
Revises: 0003_spokesperson_log
Create Date: 2026-11-25 10:20:00

Open positions newest first (the dashboard, the positions list filtered by status) walk
(status, updated_at); the published record joins positions on publication_id.
"""
from alembic import op


revision = "0004_performance"
down_revision = "0003_spokesperson_log"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_positions_status_updated_at", "positions", ["status", "updated_at"], unique=False
    )
    op.create_index("ix_positions_publication_id", "positions", ["publication_id"], unique=False)


def downgrade():
    op.drop_index("ix_positions_publication_id", table_name="positions")
    op.drop_index("ix_positions_status_updated_at", table_name="positions")
