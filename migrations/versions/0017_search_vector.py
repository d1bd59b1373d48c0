"""Search: discussion threads indexed (databases made before search found them); and on
PostgreSQL the text-search vector stored in a generated column with its GIN index, so matching
and ranking stop parsing every matched text again (a two-word query over the 10,000-position
seed went from about 500 ms to 4 ms).

Revision ID: 0017_search_vector
Revises: 0016_notifications_about
Create Date: 2026-11-27 04:45:00
"""

from alembic import op

revision = "0017_search_vector"
down_revision = "0016_notifications_about"
branch_labels = None
depends_on = None

# 0013's expression index, which the stored column's index replaces.
EXPRESSION_INDEX = "ix_search_entries_text"


def upgrade():
    from flask import current_app

    from app.extensions import SETTINGS
    from app.search import indexing, schema

    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        for statement in schema.POSTGRESQL_CREATE:
            op.execute(statement)
        op.execute(f"DROP INDEX IF EXISTS {EXPRESSION_INDEX}")
    indexing.index_threads(connection, current_app.extensions[SETTINGS].clock.local_date)


def downgrade():
    from app.search import schema

    op.execute("DELETE FROM search_entries WHERE kind = 'comment'")  # unknown to 0016's code
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"CREATE INDEX IF NOT EXISTS {EXPRESSION_INDEX} ON search_entries "
        f"USING gin (({schema.PG_VECTOR}))"
    )
    op.execute(f"DROP INDEX IF EXISTS {schema.PG_INDEX}")
    op.execute(f"ALTER TABLE search_entries DROP COLUMN IF EXISTS {schema.PG_COLUMN}")
