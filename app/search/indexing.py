"""Keeping the search index current in the transaction of every change.

After each flush, the positions, meetings and appearances it touched are indexed afresh (a
position with its discussion threads, one entry each, carrying who may find them): their
entries are deleted and written again from the database's rows (a handful of statements, however
many rows the flush wrote). What each kind is found by, and who may find it, is the core's
(positions/searching.py). `flask search rebuild` does the same for everything, for rows written
without the ORM (the bench seed) or a renamed organisation.
"""

import functools
from collections.abc import Callable, Iterable
from datetime import date, datetime

from sqlalchemy import and_, delete, event, insert, inspect, or_, select, true
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.alliance.settings import clock_of
from app.discussion.models import Comment, Thread
from app.divergence.models import DifferOutcome, DifferStatement
from app.divergence.models import differ_published_statements as published_statements
from app.drafting.models import Position, Publication, Revision
from app.meetings.models import Appearance, Counterpart, Meeting, Organisation
from app.search.models import SearchEntry
from positions import searching as core
from positions.anchoring import Visibility
from positions.searching import Audience, Kind

BATCH = 500


def _touched(rows: Iterable[object]) -> dict[str, set[int]]:
    stale: dict[str, set[int]] = {
        "position": set(), "meeting": set(), "appearance": set(), "thread": set()
    }  # fmt: skip
    for row in rows:
        if isinstance(row, Position):
            if _changed_beyond_its_version(row):
                stale["position"].add(row.id)
        elif isinstance(row, Revision | Publication | DifferStatement | DifferOutcome):
            stale["position"].add(row.position_id)
        # A comment rewrites its own thread's entry, not its position's and every other thread's
        # (a position with 500 threads would rewrite 500 entries and its whole text each time).
        elif isinstance(row, Thread):
            stale["thread"].add(row.id)
        elif isinstance(row, Comment):
            stale["thread"].add(row.thread_id)
        elif isinstance(row, Meeting):
            stale["meeting"].add(row.id)
        elif isinstance(row, Counterpart):
            stale["meeting"].add(row.meeting_id)
        elif isinstance(row, Appearance):
            stale["appearance"].add(row.id)
    return stale


def _changed_beyond_its_version(position: Position) -> bool:
    """New, deleted, or changed in more than the version every write to it counts up (which
    alone would rewrite its text's entry, and its threads', for each comment)."""
    state = inspect(position)
    if state.pending or state.deleted or not state.persistent:
        return True
    return any(attr.history.has_changes() for attr in state.attrs if attr.key != "version")


@event.listens_for(Session, "after_flush")
def _index_what_the_flush_wrote(session: Session, flush_context) -> None:
    stale = _touched((*session.new, *session.dirty, *session.deleted))
    if any(stale.values()):
        reindex(session.connection(), clock_of(session).local_date, **stale)


def reindex(
    connection: Connection,
    day_of: Callable[[datetime], date],
    *,
    position: Iterable[int] = (),
    meeting: Iterable[int] = (),
    appearance: Iterable[int] = (),
    thread: Iterable[int] = (),
    threads: bool = True,
) -> int:
    """Write the entries of these positions, meetings and appearances afresh; returns how many.
    `threads=False` leaves out the positions' discussion threads (a database from before them)."""
    written = 0
    positions = functools.partial(_position_entries, threads=threads)
    for kinds, ids, build in (
        ((Kind.POSITION, Kind.PUBLISHED, Kind.DIFFER), position, positions),
        ((Kind.MEETING,), meeting, _meeting_entries),
        ((Kind.APPEARANCE,), appearance, _appearance_entries),
        ((Kind.COMMENT,), thread, _threads_by_id),
    ):
        ids = sorted({i for i in ids if i is not None})
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            stale = and_(SearchEntry.kind.in_(kinds), SearchEntry.object_id.in_(batch))
            if Kind.POSITION in kinds:  # a position's threads go with it
                its_threads = and_(
                    SearchEntry.kind == Kind.COMMENT, SearchEntry.position_id.in_(batch)
                )
                stale = or_(stale, its_threads)
            connection.execute(delete(SearchEntry).where(stale))
            entries = build(connection, batch, day_of)
            if entries:
                connection.execute(insert(SearchEntry), entries)
            written += len(entries)
    return written


def rebuild(
    connection: Connection, day_of: Callable[[datetime], date], *, threads: bool = True
) -> int:
    """Everything afresh: the whole index, from the rows (`threads`: see reindex)."""
    connection.execute(delete(SearchEntry))
    return reindex(
        connection,
        day_of,
        position=connection.execute(select(Position.id)).scalars(),
        meeting=connection.execute(select(Meeting.id)).scalars(),
        appearance=connection.execute(select(Appearance.id)).scalars(),
        threads=threads,
    )


def index_threads(connection: Connection, day_of: Callable[[datetime], date]) -> int:
    """Add the discussion threads' entries to an index made before threads could be found
    (migration 0017); the other entries are left as they are."""
    ids = sorted(connection.execute(select(Thread.id)).scalars())
    written = 0
    for start in range(0, len(ids), BATCH):
        entries = _threads_by_id(connection, ids[start : start + BATCH], day_of)
        if entries:
            connection.execute(insert(SearchEntry), entries)
        written += len(entries)
    return written


def _entry(kind: Kind, object_id: int, audience: Audience, title: str, body: str, **facts):
    return dict(
        kind=kind.value,
        object_id=object_id,
        audience=audience.value,
        title=title,
        body=body,
        position_id=facts.get("position_id"),
        area_id=facts.get("area_id"),
        partner_id=facts.get("partner_id"),
        status=facts.get("status", ""),
        day=facts.get("day"),
    )


def _position_entries(
    connection: Connection, ids: list[int], day_of, *, threads: bool = True
) -> list[dict]:
    draft = Revision.__table__.alias("draft")
    published = Revision.__table__.alias("published")
    rows = connection.execute(
        select(
            Position.id,
            Position.title,
            Position.status,
            Position.area_id,
            Position.updated_at,
            Position.publicly_visible.label("public"),
            draft.c.body,
            published.c.title.label("published_title"),
            published.c.body.label("published_body"),
            Publication.published_at,
        )
        .outerjoin(draft, draft.c.id == Position.current_revision_id)
        .outerjoin(Publication, Publication.id == Position.publication_id)
        .outerjoin(published, published.c.id == Publication.revision_id)
        .where(Position.id.in_(ids))
    ).all()
    latest: dict[int, dict[int, str]] = {}  # position -> partner -> its latest statement
    for position_id, partner_id, text in connection.execute(
        select(DifferStatement.position_id, DifferStatement.partner_id, DifferStatement.text)
        .where(DifferStatement.position_id.in_(ids))
        .order_by(DifferStatement.id)
    ):
        latest.setdefault(position_id, {})[partner_id] = text
    standing: dict[int, list[str]] = {}  # the statements of a published, unreopened outcome
    for position_id, text in connection.execute(
        select(DifferOutcome.position_id, DifferStatement.text)
        .join(
            published_statements,
            published_statements.c.outcome_id == DifferOutcome.id,
        )
        .join(DifferStatement, DifferStatement.id == published_statements.c.statement_id)
        .where(DifferOutcome.position_id.in_(ids), DifferOutcome.reopened_at.is_(None))
        .order_by(DifferStatement.id)
    ):
        standing.setdefault(position_id, []).append(text)
    entries = []
    for row in rows:
        facts = dict(position_id=row.id, area_id=row.area_id, status=row.status)
        statements = list(latest.get(row.id, {}).values())
        body = core.position_text(row.body or "", statements)
        day = day_of(row.updated_at) if row.updated_at else None
        entries.append(
            _entry(Kind.POSITION, row.id, Audience.MEMBERS, row.title, body, day=day, **facts)
        )
        if row.public and row.published_body is not None:
            entries.append(
                _entry(
                    Kind.PUBLISHED, row.id, Audience.PUBLIC, row.published_title,
                    row.published_body, day=day_of(row.published_at), **facts,
                )
            )  # fmt: skip
        if row.id in standing:
            title = row.published_title or row.title
            entries.append(
                _entry(
                    Kind.DIFFER, row.id, Audience.PUBLIC, title, "\n\n".join(standing[row.id]),
                    day=day, **facts,
                )
            )  # fmt: skip
    if not threads:
        return entries
    return entries + _thread_entries(connection, ids, day_of, {r.id: r for r in rows})


def _threads_by_id(connection: Connection, ids: list[int], day_of) -> list[dict]:
    """The entries of these threads alone, with their positions' title, area and status."""
    position_ids = sorted(
        set(connection.execute(select(Thread.position_id).where(Thread.id.in_(ids))).scalars())
    )
    positions = {
        row.id: row
        for row in connection.execute(
            select(Position.id, Position.title, Position.area_id, Position.status).where(
                Position.id.in_(position_ids)
            )
        )
    }
    return _thread_entries(connection, position_ids, day_of, positions, only=ids)


def _thread_entries(
    connection: Connection,
    ids: list[int],
    day_of,
    positions: dict,
    *,
    only: list[int] | None = None,
) -> list[dict]:
    """One entry per discussion thread of these positions (`only` these threads, if given): its
    passage and comments, found only by whoever may read the thread (an internal note by its
    partner's people alone)."""
    comments: dict[int, list[str]] = {}
    last: dict[int, datetime] = {}
    some_comments = Comment.thread_id.in_(only) if only is not None else true()
    some_threads = Thread.id.in_(only) if only is not None else true()
    for thread_id, body, created_at in connection.execute(
        select(Comment.thread_id, Comment.body, Comment.created_at)
        .where(Comment.position_id.in_(ids), some_comments)
        .order_by(Comment.thread_id, Comment.id)
    ):
        comments.setdefault(thread_id, []).append(body)
        last[thread_id] = created_at
    entries = []
    for t in connection.execute(
        select(Thread.id, Thread.position_id, Thread.quote, Thread.visibility, Thread.partner_id)
        .where(Thread.position_id.in_(ids), some_threads)
        .order_by(Thread.id)
    ):
        position = positions.get(t.position_id)
        if position is None:
            continue
        private = t.visibility == Visibility.PARTNER
        entries.append(
            _entry(
                Kind.COMMENT, t.id, core.thread_audience(private), position.title,
                core.thread_text(t.quote, comments.get(t.id, [])),
                position_id=t.position_id, area_id=position.area_id, status=position.status,
                partner_id=t.partner_id if private else None,
                day=day_of(last[t.id]) if t.id in last else None,
            )
        )  # fmt: skip
    return entries


def _meeting_entries(connection: Connection, ids: list[int], day_of) -> list[dict]:
    audiences: dict[int, list[tuple[str, str, str]]] = {}
    for meeting_id, organisation, person, role in connection.execute(
        select(Counterpart.meeting_id, Organisation.name, Counterpart.person, Counterpart.role)
        .join(Organisation, Organisation.id == Counterpart.organisation_id)
        .where(Counterpart.meeting_id.in_(ids))
        .order_by(Counterpart.meeting_id, Counterpart.ordinal, Counterpart.id)
    ):
        audiences.setdefault(meeting_id, []).append((organisation, person, role))
    return [
        _entry(
            Kind.MEETING,
            m.id,
            Audience.PUBLIC if m.public else Audience.MEMBERS,
            m.title,
            core.meeting_text(m.place, m.minutes, audiences.get(m.id, [])),
            status=m.status,
            day=day_of(m.starts_at),
        )
        for m in connection.execute(
            select(
                Meeting.id,
                Meeting.title,
                Meeting.place,
                Meeting.minutes,
                Meeting.public,
                Meeting.status,
                Meeting.starts_at,
            ).where(Meeting.id.in_(ids))
        )  # fmt: skip
    ]


def _appearance_entries(connection: Connection, ids: list[int], day_of) -> list[dict]:
    return [
        _entry(
            Kind.APPEARANCE,
            a.id,
            Audience.MEMBERS,
            a.title,
            core.appearance_text(a.summary, a.follow_up),
            partner_id=a.speaker_partner_id,
            day=day_of(a.starts_at),
        )
        for a in connection.execute(
            select(
                Appearance.id,
                Appearance.summary,
                Appearance.follow_up,
                Appearance.speaker_partner_id,
                Meeting.title,
                Meeting.starts_at,
            )
            .join(Meeting, Meeting.id == Appearance.meeting_id)
            .where(Appearance.id.in_(ids))
        )  # fmt: skip
    ]
