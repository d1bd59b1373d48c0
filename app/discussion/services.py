"""Discussion commands: start a thread, reply, edit one's own comment, resolve and reopen, and
carry every open thread across a new revision (the rules: positions/anchoring.py).

Each takes the session first, asks the core, writes, audits and flushes; the request commits.
The audit record holds a hash of each comment, not its words: a partner's internal note must not
reach the alliance staff who read the record, and the hash still proves what was said.
"""

import hashlib
from collections.abc import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.alliance.settings import clock_of
from app.audit import services as audit
from app.discussion.models import Comment, CommentEdit, Thread
from app.drafting import signals
from app.drafting.models import Position, Revision, SignOff
from app.drafting.services.locking import lock_position
from positions import anchoring as core
from positions import consensus
from positions.refusals import Conflict, Invalid, NotFound


def _open(position: Position) -> bool:
    return consensus.open_for_work(consensus.PositionStatus(position.status))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _visibility(value: str) -> core.Visibility:
    try:
        return core.Visibility(value)
    except ValueError:
        raise Invalid(
            "Choose who sees the thread: the whole alliance or only your partner.",
            "bad_visibility",
            "visibility",
        ) from None


def get_thread(session: Session, user: User, thread_id: int) -> Thread:
    """A thread this person may see; any other is not there for them (404, not 403)."""
    thread = session.get(Thread, thread_id)
    if thread is None or not core.may_see(user.actor, thread.as_core()):
        raise NotFound(f"There is no thread {thread_id}.", "unknown_thread")
    return thread


def get_comment(session: Session, user: User, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(f"There is no comment {comment_id}.", "unknown_comment")
    get_thread(session, user, comment.thread_id)
    return comment


def _thread_details(thread: Thread) -> dict:
    return {
        "position": thread.position_id,
        "visibility": thread.visibility,
        "partner": thread.partner.slug if thread.partner else None,
    }


def _add_comment(session: Session, thread: Thread, author: User, body: str) -> Comment:
    comment = Comment(
        thread_id=thread.id,
        position_id=thread.position_id,
        author=author,
        partner_id=author.partner_id,
        body=body,
        created_at=clock_of(session).now(),
    )
    session.add(comment)
    session.flush()
    return comment


def start_thread(
    session: Session,
    user: User,
    position_id: int,
    *,
    body: str,
    visibility: str = core.Visibility.ALLIANCE,
    quote: str | None = None,
    prefix: str = "",
    suffix: str = "",
    paragraph: int | None = None,
    revision_number: int | None = None,
) -> Thread:
    """A thread on a selected passage (`quote`, found by its context) or a whole `paragraph`
    (0-based) of the current revision, with its first comment."""
    chosen = _visibility(visibility)
    text = core.comment_text(body)
    # Held until the request ends: a revision saved meanwhile would miss this thread.
    position = lock_position(session, position_id)
    partner_id = core.check_start(user.actor, chosen, _open(position))
    revision = position.current_revision
    if revision_number is not None and revision_number != revision.number:
        raise Conflict(
            f"The text changed while you were reading: you commented on revision "
            f"{revision_number}, the current text is revision {revision.number}. Your comment is "
            "kept below: choose the passage again.",
            "not_current",
            "revision",
        )
    if paragraph is not None:
        anchor = core.paragraph_anchor(revision.body, paragraph)
    elif quote is not None:
        anchor = core.locate(revision.body, quote, prefix, suffix)
    else:
        raise Invalid("Choose a passage or a paragraph to comment on.", "no_anchor", "quote")
    now = clock_of(session).now()
    thread = Thread(
        position_id=position.id,
        revision_id=revision.id,
        anchored_revision_id=revision.id,
        quote=anchor.quote,
        prefix=anchor.prefix,
        suffix=anchor.suffix,
        start=anchor.start,
        end=anchor.end,
        whole_paragraph=paragraph is not None,
        visibility=chosen,
        partner_id=partner_id,
        started_by=user,
        created_at=now,
    )
    session.add(thread)
    session.flush()
    comment = _add_comment(session, thread, user, text)
    audit.record(
        session,
        "discussion.start",
        actor=user,
        object_type="discussion_thread",
        object_id=thread.id,
        details={
            **_thread_details(thread),
            "revision": revision.number,
            "quote_hash": _digest(anchor.quote),
            "comment": comment.id,
            "comment_hash": _digest(text),
        },
    )
    _tell(session, thread, comment, position)
    return thread


def reply(session: Session, user: User, thread_id: int, *, body: str) -> Comment:
    thread = get_thread(session, user, thread_id)
    position = session.get(Position, thread.position_id)
    core.check_reply(user.actor, thread.as_core(), _open(position))
    comment = _add_comment(session, thread, user, core.comment_text(body))
    audit.record(
        session,
        "discussion.reply",
        actor=user,
        object_type="discussion_thread",
        object_id=thread.id,
        details={
            **_thread_details(thread),
            "comment": comment.id,
            "comment_hash": _digest(comment.body),
        },
    )
    _tell(session, thread, comment, position)
    return comment


def edit_comment(session: Session, user: User, comment_id: int, *, body: str) -> Comment:
    """One's own comment, within the edit window; the earlier text is kept as an edit."""
    comment = get_comment(session, user, comment_id)
    thread = session.get(Thread, comment.thread_id)
    now = clock_of(session).now()
    core.check_edit(user.actor, comment.author_id, comment.created_at, now, thread.as_core())
    text = core.comment_text(body)
    if text == comment.body:
        raise Invalid("Nothing changed: the comment says the same.", "no_change", "body")
    session.add(
        CommentEdit(
            comment_id=comment.id,
            position_id=comment.position_id,
            previous_body=comment.body,
            edited_at=now,
        )
    )
    comment.body = text
    comment.edited_at = now
    session.flush()
    audit.record(
        session,
        "discussion.edit",
        actor=user,
        object_type="discussion_comment",
        object_id=comment.id,
        details={**_thread_details(thread), "thread": thread.id, "comment_hash": _digest(text)},
    )
    return comment


def set_resolved(session: Session, user: User, thread_id: int, *, resolved: bool) -> Thread:
    thread = get_thread(session, user, thread_id)
    position = session.get(Position, thread.position_id)
    core.check_resolve(user.actor, thread.as_core(), resolved, _open(position))
    thread.resolved_at = clock_of(session).now() if resolved else None
    thread.resolved_by = user if resolved else None
    if not resolved:
        _catch_up(session, thread, position.current_revision)
    session.flush()
    audit.record(
        session,
        "discussion.resolve" if resolved else "discussion.reopen",
        actor=user,
        object_type="discussion_thread",
        object_id=thread.id,
        details=_thread_details(thread),
    )
    return thread


def _catch_up(session: Session, thread: Thread, current: Revision) -> None:
    """A reopened thread resolved before later edits follows the text to the current revision."""
    if thread.outdated or thread.anchored_revision_id == current.id or not thread.quote:
        if not thread.outdated:
            thread.anchored_revision_id = current.id
        return
    old = session.get(Revision, thread.anchored_revision_id)
    result = core.reanchor(
        core.anchor_at(old.body, thread.start, thread.end), old.body, current.body
    )
    if isinstance(result, core.Outdated):
        thread.outdated_revision_id = current.id
    else:
        thread.start, thread.end = result.start, result.end
        thread.anchored_revision_id = current.id


def comment_history(session: Session, user: User, comment_id: int) -> list[CommentEdit]:
    """The earlier texts of a comment, oldest first."""
    comment = get_comment(session, user, comment_id)
    return list(
        session.execute(
            select(CommentEdit).where(CommentEdit.comment_id == comment.id).order_by(CommentEdit.id)
        ).scalars()
    )


# ---- mentions ----------------------------------------------------------------------------------


def _readers(session: Session, thread: Thread) -> Iterable[User]:
    """The people who may read the thread: a partner's note, only that partner's people."""
    query = select(User).where(User.active.is_(True))
    if thread.visibility == core.Visibility.PARTNER:
        query = query.where(User.partner_id == thread.partner_id)
    return session.execute(query).scalars()


def _may_read(user: User, thread: Thread) -> bool:
    if thread.visibility == core.Visibility.PARTNER and user.partner_id != thread.partner_id:
        return False
    return core.may_see(user.actor, thread.as_core())


def _tell(session: Session, thread: Thread, comment: Comment, position: Position) -> None:
    """Whoever the comment @mentions, and the position's writers who may read the thread."""
    from app.notifications.services.events import position_path, writers_of
    from app.notifications.services.outbox import notify
    from positions import notifying

    context = dict(
        link=position_path(position.id) + f"#thread-{thread.id}",
        about=("position", position.id),
        title=position.title,
        author=comment.author.name,
        affiliation=comment.author.affiliation,
        where=(
            f"an internal note of {thread.partner.name}"
            if thread.visibility == core.Visibility.PARTNER
            else "a discussion"
        ),
        comment=comment.body,
    )
    mentioned: list[int] = []
    if "@" in comment.body:
        readers = [
            core.Person(u.id, u.name, u.email)
            for u in _readers(session, thread)
            if core.may_see(u.actor, thread.as_core())
        ]
        mentioned = core.mentions(comment.body, readers, comment.author_id)
        if mentioned:
            notify(
                session,
                notifying.Kind.MENTION,
                notifying.mention_recipients(
                    mentioned=mentioned, author=comment.author_id, title=position.title
                ),
                **context,
            )
    writers = writers_of(session, position)
    people = session.execute(select(User).where(User.id.in_(writers), User.active.is_(True)))
    notify(
        session,
        notifying.Kind.COMMENT,
        notifying.comment_recipients(
            writers=writers,
            readers=[u.id for u in people.scalars() if _may_read(u, thread)],
            mentioned=mentioned,
            author=comment.author_id,
            title=position.title,
        ),
        **context,
    )


@signals.revision_saved.connect
def carry_threads(
    _sender=None, *, session: Session, revision: Revision, previous: Revision
) -> None:
    """Every open thread of the position follows the new text, or becomes outdated.

    Runs inside the position's lock while the revision is saved: one read of the threads, one
    diff for them all, one write each for those that moved.
    """
    threads = list(
        session.execute(
            select(Thread).where(
                Thread.position_id == revision.position_id,
                Thread.resolved_at.is_(None),
                Thread.outdated_revision_id.is_(None),
            )
        ).scalars()
    )
    if not threads:
        return
    bodies = {previous.id: previous.body}
    others = {t.anchored_revision_id for t in threads} - bodies.keys()
    if others:
        rows = session.execute(select(Revision.id, Revision.body).where(Revision.id.in_(others)))
        bodies.update({revision_id: body for revision_id, body in rows})
    outdated = moved = 0
    for anchored_id, body in bodies.items():
        group = [t for t in threads if t.anchored_revision_id == anchored_id]
        general = [t for t in group if not t.quote]  # on the whole text: nothing to carry
        placed = [t for t in group if t.quote]
        anchors = [core.anchor_at(body, t.start, t.end) for t in placed]
        for thread, result in zip(
            placed, core.reanchor_all(anchors, body, revision.body), strict=True
        ):
            if isinstance(result, core.Outdated):
                thread.outdated_revision_id = revision.id
                outdated += 1
            else:
                moved += (thread.start, thread.end) != (result.start, result.end)
                thread.start, thread.end = result.start, result.end
                thread.anchored_revision_id = revision.id
        for thread in general:
            thread.anchored_revision_id = revision.id
    session.flush()
    audit.record(
        session,
        "discussion.reanchor",
        actor=revision.author,
        object_type="position",
        object_id=revision.position_id,
        details={
            "revision": revision.number,
            "threads": len(threads),
            "moved": moved,
            "outdated": outdated,
        },
    )


# ---- objections --------------------------------------------------------------------------------


@signals.signed_off.connect
def objection_thread(_sender=None, *, session: Session, signoff: SignOff) -> None:
    """An objection with a comment starts a thread on the whole text, so its authors can answer
    it beside "changes since you objected"."""
    if signoff.decision != consensus.Decision.OBJECT or not signoff.comment.strip():
        return
    thread = Thread(
        position_id=signoff.position_id,
        revision_id=signoff.revision_id,
        anchored_revision_id=signoff.revision_id,
        quote="",
        start=0,
        end=0,
        visibility=core.Visibility.ALLIANCE,
        signoff_id=signoff.id,
        started_by_id=signoff.user_id,
        created_at=signoff.created_at or clock_of(session).now(),
    )
    session.add(thread)
    session.flush()
    comment = Comment(
        thread_id=thread.id,
        position_id=signoff.position_id,
        author_id=signoff.user_id,
        partner_id=signoff.partner_id,
        body=signoff.comment[: core.MAX_COMMENT_CHARS],
        created_at=thread.created_at,
    )
    session.add(comment)
    session.flush()
    audit.record(
        session,
        "discussion.start",
        actor=signoff.user,
        object_type="discussion_thread",
        object_id=thread.id,
        details={
            **_thread_details(thread),
            "objection": signoff.id,
            "comment": comment.id,
            "comment_hash": _digest(comment.body),
        },
    )


def visible_to(user: User):
    """The SQL form of positions.anchoring.may_see, for the queries."""
    if user.partner_id is None:
        return Thread.visibility == core.Visibility.ALLIANCE
    return or_(Thread.visibility == core.Visibility.ALLIANCE, Thread.partner_id == user.partner_id)
