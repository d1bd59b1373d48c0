"""Stored text with Windows line ends gets Unix line ends

Revision ID: 0009_unix_line_ends
Revises: 0008_audit_hardening
Create Date: 2026-11-26 18:00:00

Browsers send textareas with CRLF, and until now texts were stored as sent, so a one-word edit
diffed as every line changed. New text is normalised when it is saved (positions/text.py); this
step rewrites what is already stored the same way.

Revisions are immutable and hashed, yet rewriting their bodies here is safe: every content hash
(revision, sign-off, agree-to-differ statements) is taken over the text with line ends already
normalised (positions/hashing.py), so no stored hash, sign-off or audit event changes, and the
audit chain (which holds hashes, never bodies) still verifies. The rendered HTML is the same for
both line ends, so it is left alone. There is no way back to the CR characters, and no need:
the downgrade leaves the text as it is.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_unix_line_ends"
down_revision = "0008_audit_hardening"
branch_labels = None
depends_on = None

# table -> its text columns that a person typed over more than one line
TEXT_COLUMNS = {
    "revisions": ("body",),
    "amendments": ("body", "reason", "decision_reason"),
    "differ_statements": ("text",),
    "stances": ("rationale",),
    "signoffs": ("comment",),
    "meetings": ("minutes",),
}


def _unix(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def upgrade():
    connection = op.get_bind()
    for name, columns in TEXT_COLUMNS.items():
        table = sa.table(
            name, sa.column("id", sa.Integer), *(sa.column(c, sa.Text) for c in columns)
        )
        for column in columns:
            rows = connection.execute(
                sa.select(table.c.id, table.c[column]).where(table.c[column].contains("\r"))
            ).all()
            for row_id, value in rows:
                connection.execute(
                    table.update().where(table.c.id == row_id).values({column: _unix(value)})
                )


def downgrade():
    pass
