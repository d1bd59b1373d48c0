"""Searching: one interface, two engines (SQLite FTS5, PostgreSQL text search).

Both are told the same thing by the core (positions/searching.py): the words, what the searcher
may see, the filters. Ranking weighs a match in a title above one in a body. A page holds
`PAGE_SIZE` hits; one more is asked for, to know whether a next page exists.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Date, bindparam, text
from sqlalchemy.orm import Session

from app.search.schema import FTS_TABLE, PG_COLUMN
from positions import searching as core
from positions.searching import MARK_END, MARK_START, PAGE_SIZE, Filters, Kind


@dataclass(frozen=True)
class Hit:
    kind: Kind
    object_id: int
    title: str  # with match marks
    snippet: str  # with match marks
    day: date | None
    area: str | None
    slug: str | None  # the position's public address, for published texts
    meeting_id: int | None  # the meeting an appearance was at
    position_id: int | None = None  # the position a discussion thread is on
    private: bool = False  # a partner's internal note (only its people find it)

    @property
    def plain_title(self) -> str:
        return core.plain(self.title)


@dataclass(frozen=True)
class Results:
    query: core.Query
    hits: list[Hit] = field(default_factory=list)
    page: int = 1
    more: bool = False


def _conditions(
    signed_in: bool, partner_id: int | None, filters: Filters
) -> tuple[list[str], dict]:
    kinds = core.searchable_kinds(signed_in)
    if filters.kind is not None:
        kinds = tuple(k for k in kinds if k == filters.kind)
    clauses = ["e.audience IN :audiences", "e.kind IN :kinds"]
    params: dict = {
        "audiences": [a.value for a in core.visible_audiences(signed_in)],
        "kinds": [k.value for k in kinds] or [""],
    }
    own = core.private_partner(signed_in, partner_id)
    if own is not None:  # and the searcher's own partner's internal notes
        clauses[0] = (
            "(e.audience IN :audiences OR (e.audience = :private AND e.partner_id = :partner))"
        )
        params |= {"private": core.Audience.PARTNER.value, "partner": own}
    if filters.area is not None:
        clauses.append("e.area_id = (SELECT id FROM policy_areas WHERE slug = :area)")
        params["area"] = filters.area
    if filters.date_from is not None:
        clauses.append("e.day >= :date_from")
        params["date_from"] = filters.date_from
    if filters.date_to is not None:
        clauses.append("e.day <= :date_to")
        params["date_to"] = filters.date_to
    return clauses, params


def _about(alias: str) -> str:
    """What a hit shows beside its text: its area's name, a position's public address, an
    appearance's meeting."""
    return (
        f"""
        SELECT {alias}.kind, {alias}.object_id, {alias}.day, area.name AS area, p.slug AS slug,
               a.meeting_id, {alias}.position_id, {alias}.audience
    """,
        f"""
        LEFT JOIN policy_areas AS area ON area.id = {alias}.area_id
        LEFT JOIN positions AS p ON p.id = {alias}.position_id
        LEFT JOIN appearances AS a ON a.id = {alias}.object_id AND {alias}.kind = 'appearance'
    """,
    )


def _sqlite(where: str) -> str:
    columns, joins = _about("e")
    return f"""
        {columns},
               highlight({FTS_TABLE}, 0, :start, :end) AS title,
               snippet({FTS_TABLE}, 1, :start, :end, '…', {core.SNIPPET_WORDS}) AS snippet
        FROM {FTS_TABLE}
        JOIN search_entries AS e ON e.id = {FTS_TABLE}.rowid
        {joins}
        WHERE {FTS_TABLE} MATCH :match AND {where}
        ORDER BY bm25({FTS_TABLE}, 10.0, 1.0), e.id
        LIMIT :limit OFFSET :offset
    """


# ts_headline's options: the same marks as SQLite's, a snippet of about the same length.
PG_TITLE_OPTIONS = f"HighlightAll=true, StartSel={MARK_START}, StopSel={MARK_END}"
PG_SNIPPET_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={core.SNIPPET_WORDS}, MinWords=8, "
    "ShortWord=2"
)


def _postgresql(where: str) -> str:
    # Only the page's hits get headlines (the costly part); the rest is ranked on the index.
    columns, joins = _about("m")
    return f"""
        WITH matched AS (
            SELECT e.*, ts_rank(e.{PG_COLUMN}, query) AS rank, query
            FROM search_entries AS e, to_tsquery('english', :match) AS query
            WHERE e.{PG_COLUMN} @@ query AND {where}
            ORDER BY rank DESC, e.id
            LIMIT :limit OFFSET :offset
        )
        {columns},
               ts_headline('english', m.title, m.query, :title_options) AS title,
               ts_headline('english', m.body, m.query, :snippet_options) AS snippet
        FROM matched AS m
        {joins}
        ORDER BY m.rank DESC, m.id
    """


def search(
    session: Session,
    query: core.Query,
    *,
    signed_in: bool,
    partner_id: int | None = None,
    filters: Filters | None = None,
    page: int = 1,
) -> Results:
    """A page of what `query` finds that the searcher may see, best first. `partner_id` is the
    searcher's partner (None for the alliance team): its internal notes are found too."""
    if not query:
        return Results(query)
    clauses, params = _conditions(signed_in, partner_id, filters or Filters())
    where = " AND ".join(clauses)
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement, match = _postgresql(where), core.tsquery(query)
    else:
        statement, match = _sqlite(where), core.fts5_match(query)
    statement = (
        text(statement)
        .bindparams(bindparam("audiences", expanding=True), bindparam("kinds", expanding=True))
        .columns(day=Date)
    )
    rows = session.execute(
        statement,
        params
        | {
            "match": match,
            "start": MARK_START,
            "end": MARK_END,
            "title_options": PG_TITLE_OPTIONS,
            "snippet_options": PG_SNIPPET_OPTIONS,
            "limit": PAGE_SIZE + 1,
            "offset": (page - 1) * PAGE_SIZE,
        },
    ).all()
    hits = [
        Hit(
            kind=Kind(row.kind),
            object_id=row.object_id,
            title=row.title,
            snippet=row.snippet or "",
            day=row.day,
            area=row.area,
            slug=row.slug,
            meeting_id=row.meeting_id,
            position_id=row.position_id,
            private=row.audience == core.Audience.PARTNER,
        )
        for row in rows[:PAGE_SIZE]
    ]
    return Results(query, hits, page, more=len(rows) > PAGE_SIZE)


def published_drawn_on(session: Session, query: core.Query, *, limit: int) -> list[int]:
    """The positions whose published text holds the most of these words, best first: where a
    passage may come from (the wording check compares it with each)."""
    if not query:
        return []
    if session.get_bind().dialect.name == "postgresql":
        statement = f"""
            SELECT e.object_id FROM search_entries AS e, to_tsquery('english', :match) AS query
            WHERE e.{PG_COLUMN} @@ query AND e.kind = :kind
            ORDER BY ts_rank(e.{PG_COLUMN}, query) DESC, e.id LIMIT :limit
        """
        match = core.tsquery_any(query)
    else:
        statement = f"""
            SELECT e.object_id FROM {FTS_TABLE} JOIN search_entries AS e ON e.id = {FTS_TABLE}.rowid
            WHERE {FTS_TABLE} MATCH :match AND e.kind = :kind
            ORDER BY bm25({FTS_TABLE}, 10.0, 1.0), e.id LIMIT :limit
        """
        match = core.fts5_any(query)
    found = session.execute(
        text(statement), {"match": match, "kind": Kind.PUBLISHED.value, "limit": limit}
    )
    return list(found.scalars())
