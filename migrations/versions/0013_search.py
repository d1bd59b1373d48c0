"""Search: an entry for each thing that can be found, and each database's text index over them

Revision ID: 0013_search
Revises: 0012_notifications
Create Date: 2026-11-27 01:10:00
"""
import sqlalchemy as sa
from alembic import op


revision = "0013_search"
down_revision = "0012_notifications"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=True),
        sa.Column("audience", sa.String(length=10), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "object_id", name="uq_search_entries_kind_object"),
    )
    op.create_index("ix_search_entries_position_id", "search_entries", ["position_id"])
    # The app's own definitions: the text index, and the entries made from the rows there are.
    from flask import current_app

    from app.extensions import SETTINGS
    from app.search import indexing, schema

    connection = op.get_bind()
    for statement in schema.statements(connection.dialect.name, create=True):
        op.execute(statement)
    # Discussion threads come with 0014 (and into the index with 0017).
    indexing.rebuild(connection, current_app.extensions[SETTINGS].clock.local_date, threads=False)


def downgrade():
    from app.search import schema

    for statement in schema.statements(op.get_bind().dialect.name, create=False):
        op.execute(statement)
    op.drop_index("ix_search_entries_position_id", table_name="search_entries")
    op.drop_table("search_entries")
