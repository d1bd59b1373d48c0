"""Each database's own text index beside search_entries, made with the table (create_all, and
migration 0013) and unknown to the models: Alembic's comparison and the backup's data checks
pass over the names in TEXT_INDEXES.

SQLite: an FTS5 table over the entries' title and body (Porter stemming, accents folded), kept
in step by triggers in the same transaction as every write to search_entries.
PostgreSQL: a GIN index on the English text-search vector, the title weighted above the body;
queries.py searches with the same expression, so the index serves them.
"""

from sqlalchemy import DDL, event

from app.search.models import SearchEntry

FTS_TABLE = "search_fts"
PG_INDEX = "ix_search_entries_text"
# The FTS5 table and the shadow tables SQLite keeps for it, and PostgreSQL's index.
TEXT_INDEXES = frozenset(
    {FTS_TABLE, *(f"{FTS_TABLE}_{s}" for s in ("data", "idx", "docsize", "config")), PG_INDEX}
)
# The vector the PostgreSQL index holds: queries must use exactly this expression.
PG_VECTOR = (
    "setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')"
)

SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, body, content='search_entries', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    f"CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    f"CREATE TRIGGER search_entries_au AFTER UPDATE ON search_entries BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.id, new.title, new.body); END",
]
SQLITE_DROP = [f"DROP TABLE IF EXISTS {FTS_TABLE}"]  # the triggers go with search_entries
POSTGRESQL_CREATE = [f"CREATE INDEX {PG_INDEX} ON search_entries USING gin (({PG_VECTOR}))"]
POSTGRESQL_DROP = [f"DROP INDEX IF EXISTS {PG_INDEX}"]


def statements(dialect: str, *, create: bool) -> list[str]:
    if dialect == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    if dialect == "postgresql":
        return POSTGRESQL_CREATE if create else POSTGRESQL_DROP
    return []


def _made_with_the_table(target, connection, **_):
    for statement in statements(connection.dialect.name, create=True):
        connection.execute(DDL(statement))


def _dropped_with_the_table(target, connection, **_):
    for statement in statements(connection.dialect.name, create=False):
        connection.execute(DDL(statement))


event.listen(SearchEntry.__table__, "after_create", _made_with_the_table)
event.listen(SearchEntry.__table__, "before_drop", _dropped_with_the_table)


def modelled(obj, name, type_, reflected, compare_to) -> bool:
    """For Alembic's include_object: the text indexes are not in the models, on purpose."""
    return name not in TEXT_INDEXES
