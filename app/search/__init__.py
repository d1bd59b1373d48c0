"""Full-text search over positions, published texts, agree-to-differ outcomes, meetings and the
spokesperson log: SQLite FTS5 or PostgreSQL text search behind one interface (queries.py), the
index kept current in the transaction of every change (indexing.py)."""
