"""The discussion a person may read on a position, in a constant number of statements:
the threads (with their people and partners, joined), the comments, and which were edited."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.discussion.models import Comment, CommentEdit, Thread
from app.discussion.services import visible_to
from app.drafting.models import Revision
from positions import anchoring as core
from positions.rendering import render_markdown


@dataclass
class ThreadView:
    thread: Thread
    comments: list[Comment] = field(default_factory=list)
    edits: dict[int, int] = field(default_factory=dict)  # comment id: number of edits
    paragraph: int | None = None  # where it sits in the current text (None: outdated or general)
    passage: str = ""  # the words it is on now, in the current text

    @property
    def id(self) -> int:
        return self.thread.id


@dataclass
class Discussion:
    threads: list[ThreadView]
    by_paragraph: dict[int, list[ThreadView]]
    general: list[ThreadView]  # on the whole text (an objection's thread)
    outdated: list[ThreadView]
    paragraphs: list[core.Block]

    @property
    def open_count(self) -> int:
        return sum(1 for t in self.threads if not t.thread.resolved)


def threads_for(session: Session, user: User, position_id: int) -> list[ThreadView]:
    """Every thread on the position this person may read, oldest first, with its comments."""
    threads = list(
        session.execute(
            select(Thread)
            .where(Thread.position_id == position_id, visible_to(user))
            .order_by(Thread.id)
        )
        .unique()
        .scalars()
    )
    # The same rule as the SQL, asked of the core once more: a note never leaks by a typo.
    views = [ThreadView(t) for t in threads if core.may_see(user.actor, t.as_core())]
    # No early return for none: the page costs the same statements with 0, 5 or 500 threads.
    by_id = {v.id: v for v in views}
    comments = session.execute(
        select(Comment)
        .where(Comment.position_id == position_id, Comment.thread_id.in_(by_id))
        .order_by(Comment.thread_id, Comment.id)
    ).scalars()
    for comment in comments:
        by_id[comment.thread_id].comments.append(comment)
    edited = session.execute(
        select(CommentEdit.comment_id, func.count())
        .where(CommentEdit.position_id == position_id)
        .group_by(CommentEdit.comment_id)
    )
    counts = {comment_id: n for comment_id, n in edited}
    for view in views:
        view.edits = {c.id: counts[c.id] for c in view.comments if c.id in counts}
    return views


def discussion_of(session: Session, user: User, revision: Revision) -> Discussion:
    """The threads laid out on the current revision: by paragraph, on the whole text, outdated."""
    views = threads_for(session, user, revision.position_id)
    paragraphs = core.blocks(revision.body)
    by_paragraph: dict[int, list[ThreadView]] = defaultdict(list)
    general, outdated = [], []
    for view in views:
        thread = view.thread
        if thread.outdated or thread.anchored_revision_id != revision.id:
            outdated.append(view)
        elif not thread.quote:
            general.append(view)
        else:
            view.paragraph = core.block_of(paragraphs, thread.start)
            view.passage = revision.body[thread.start : thread.end]
            by_paragraph[view.paragraph].append(view)
    return Discussion(views, dict(by_paragraph), general, outdated, paragraphs)


def may_edit(user: User, comment: Comment, now: datetime) -> bool:
    return core.may_edit(user.actor, comment.author_id, comment.created_at, now)


@lru_cache(maxsize=32)
def paragraph_html(revision_id: int, body: str) -> tuple[str, ...]:
    """Each paragraph of a revision rendered (and sanitised) on its own, so threads sit beside
    it. A revision never changes, so its paragraphs are rendered once per process.

    The whole text passed the bounded renderer when it was saved, and a part costs no more than
    the whole; should a paragraph still overflow the stack, the page shows the stored HTML
    (empty here) with the threads listed after it.
    """
    try:
        return tuple(render_markdown(body[b.start : b.end]) for b in core.blocks(body))
    except RecursionError:
        return ()


def threads_on_changes(session: Session, user: User, comparison) -> list[ThreadView]:
    """On the compare page: the threads (this person may read) on passages the newer revision
    changed, and those it left outdated. Threads follow the current text, so only a comparison
    ending at the current revision (or at the one that outdated them) has them."""
    newer = comparison.new
    views = [
        v
        for v in threads_for(session, user, newer.position_id)
        if v.thread.anchored_revision_id == newer.id or v.thread.outdated_revision_id == newer.id
    ]
    if not views or comparison.old.number >= newer.number:
        return []
    spans = core.changed_spans((c.op, c.text) for c in comparison.changes)
    found = []
    for view in views:
        thread = view.thread
        if thread.outdated_revision_id == newer.id:
            found.append(view)
        elif thread.quote and core.on_changed_text(thread.start, thread.end, spans):
            view.passage = newer.body[thread.start : thread.end]
            found.append(view)
    return found
