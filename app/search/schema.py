"""Each database's own text index beside search_entries, made with the table (create_all, and
migration 0013) and unknown to the models: Alembic's comparison and the backup's data checks
pass over the names in TEXT_INDEXES.

SQLite: an FTS5 table over the entries' title and body (Porter stemming, accents folded), kept
in step by triggers in the same transaction as every write to search_entries.
PostgreSQL: the English text-search vector (the title weighted above the body) kept in a stored
generated column, with a GIN index on it: matching and ranking read the stored vector instead of
parsing every matched text again (which cost half a second for a common pair of words).
"""

from sqlalchemy import DDL, event

from app.search.models import SearchEntry

FTS_TABLE = "search_fts"
PG_COLUMN = "search_vector"
PG_INDEX = "ix_search_entries_vector"
# The FTS5 table and the shadow tables SQLite keeps for it; PostgreSQL's column and its index.
TEXT_INDEXES = frozenset(
    {
        FTS_TABLE,
        *(f"{FTS_TABLE}_{s}" for s in ("data", "idx", "docsize", "config")),
        PG_COLUMN,
        PG_INDEX,
    }
)
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
# IF NOT EXISTS: migration 0013 makes today's column on a fresh database, and 0017 (which
# brought it to databases made before) then finds it there.
POSTGRESQL_CREATE = [
    f"ALTER TABLE search_entries ADD COLUMN IF NOT EXISTS {PG_COLUMN} tsvector "
    f"GENERATED ALWAYS AS ({PG_VECTOR}) STORED",
    f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON search_entries USING gin ({PG_COLUMN})",
]
POSTGRESQL_DROP = [f"DROP INDEX IF EXISTS {PG_INDEX}"]  # the column goes with the table


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
