"""The search index: one row for each thing that can be found, with who may find it.

Each database adds its own text index beside this table (schema.py): an FTS5 table on SQLite
that triggers keep in step, a GIN expression index on PostgreSQL.
"""

from datetime import date

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class SearchEntry(db.Model):
    __tablename__ = "search_entries"
    __table_args__ = (
        UniqueConstraint("kind", "object_id", name="uq_search_entries_kind_object"),
        Index("ix_search_entries_position_id", "position_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # positions.searching.Kind
    object_id: Mapped[int]  # the position, meeting or appearance
    position_id: Mapped[int | None]  # the position it is about, for any kind
    audience: Mapped[str] = mapped_column(String(10))  # positions.searching.Audience
    area_id: Mapped[int | None]
    partner_id: Mapped[int | None]  # an appearance's speaker's partner
    status: Mapped[str] = mapped_column(String(20), default="")
    day: Mapped[date | None]  # when: last changed, published, or the meeting's day
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
