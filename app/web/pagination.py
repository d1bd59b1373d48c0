"""One paginator for every list: the page's ids first, then those rows.

Choosing the ids of one page reads the index alone (a deep page skips index entries, not rows);
loading the chosen rows in full is then a primary-key lookup. Asked as one statement,
PostgreSQL would join every row before choosing a page of them.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

MAX_PAGE = 100_000  # beyond any real list; keeps OFFSET arithmetic far from overflow
MAX_PER_PAGE = 200


T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def clamp(page: int, per_page: int, max_per_page: int = MAX_PER_PAGE) -> tuple[int, int]:
    return max(1, min(page, MAX_PAGE)), max(1, min(per_page, max_per_page))


def count(session: Session, query: Select) -> int:
    return session.execute(
        select(func.count()).select_from(query.order_by(None).subquery())
    ).scalar_one()


def paginate(
    session: Session,
    ids: Select,
    load: Callable[[list[Any]], Iterable[Any]],
    *,
    page: int,
    per_page: int,
    max_per_page: int = MAX_PER_PAGE,
    total: int | None = None,
) -> Page:
    """One page of the ordered `ids` query, its rows fetched by `load(ids)`, kept in order.

    `total`, when the caller knows it more cheaply than counting, spares the count.
    """
    page, per_page = clamp(page, per_page, max_per_page)
    if total is None:
        total = count(session, ids)
    chosen = list(session.execute(ids.offset((page - 1) * per_page).limit(per_page)).scalars())
    return Page(in_order(chosen, load(chosen)) if chosen else [], total, page, per_page)


def in_order(ids: list[Any], rows: Iterable[Any]) -> list[Any]:
    """`rows` in the order of `ids` (a lookup by id hands them back in any order)."""
    found = {row.id: row for row in rows}
    return [found[i] for i in ids if i in found]


def rows_by_id(session: Session, query: Select) -> Callable[[list[Any]], Iterable[Any]]:
    """A `load` for paginate: the rows of `query` (with its loader options) having these ids."""
    entity = query.column_descriptions[0]["entity"]

    def load(ids: list[Any]) -> Iterable[Any]:
        return session.execute(query.where(entity.id.in_(ids))).unique().scalars()

    return load
