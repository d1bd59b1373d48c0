"""Counting the SQL statements a request sends, for the query budgets."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from app.extensions import db

# Most tests run inside one transaction, and each session of theirs inside a SAVEPOINT
# (tests/support/databases.py): those statements are the harness's, not the app's (which never
# uses savepoints), so they are not counted. In production a session's BEGIN and COMMIT are
# the driver's own calls, which no cursor event sees either.
HARNESS = ("SAVEPOINT ", "RELEASE SAVEPOINT ", "ROLLBACK TO SAVEPOINT ")


@contextmanager
def counting_queries() -> Iterator[list[str]]:
    """Counts the SQL statements sent while the block runs: `with counting_queries() as n:`."""
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(HARNESS):
            statements.append(statement)

    bind = db.engine  # the engine, or the connection the test's transaction holds
    event.listen(bind, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(bind, "before_cursor_execute", count)
