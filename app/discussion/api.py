"""API routes for the discussion: each parses with its schema, calls one service, answers."""

from flask import g
from sqlalchemy import select

from app.api.contract import WRITES, operation
from app.discussion import queries, services
from app.discussion import schemas as s
from app.discussion.models import Comment
from app.drafting.services.consensus import get_position
from app.extensions import db


def _answer(thread) -> s.Thread:
    comments = db.session.execute(
        select(Comment).where(Comment.thread_id == thread.id).order_by(Comment.id)
    ).scalars()
    return s.Thread.of(thread, list(comments))


@operation(
    "GET",
    "/positions/<int:position_id>/threads",
    summary="The discussion on a position you may read: alliance threads and your partner's "
    "internal notes, oldest first, with their comments.",
    answer=list[s.Thread],
)
def list_threads(position_id: int):
    get_position(db.session, position_id)
    return [s.Thread.of_view(v) for v in queries.threads_for(db.session, g.api_user, position_id)]


@operation(
    "POST",
    "/positions/<int:position_id>/threads",
    summary="Start a thread on a passage (quote, with prefix and suffix to tell repeats apart) "
    "or a whole paragraph of the current revision.",
    answer=s.Thread,
    status=201,
    errors=WRITES,
    body=s.NewThread,
)
def start_thread(position_id: int, body: s.NewThread):
    thread = services.start_thread(
        db.session,
        g.api_user,
        position_id,
        body=body.body,
        visibility=body.visibility,
        quote=body.quote or None,
        prefix=body.prefix,
        suffix=body.suffix,
        paragraph=body.paragraph,
        revision_number=body.revision,
    )
    return _answer(thread)


@operation(
    "GET",
    "/threads/<int:thread_id>",
    summary="One thread, with its comments.",
    answer=s.Thread,
)
def get_thread(thread_id: int):
    return _answer(services.get_thread(db.session, g.api_user, thread_id))


@operation(
    "POST",
    "/threads/<int:thread_id>/comments",
    summary="Reply in a thread; an @name tells that person (if they may read the thread).",
    answer=s.Comment,
    status=201,
    errors=WRITES,
    body=s.NewComment,
)
def reply(thread_id: int, body: s.NewComment):
    return s.Comment.of(services.reply(db.session, g.api_user, thread_id, body=body.body))


@operation(
    "POST",
    "/threads/<int:thread_id>/resolution",
    summary="Resolve (resolved: true) or reopen (false) a thread.",
    answer=s.Thread,
    errors=WRITES,
    body=s.Resolution,
)
def resolve_thread(thread_id: int, body: s.Resolution):
    thread = services.set_resolved(db.session, g.api_user, thread_id, resolved=body.resolved)
    return _answer(thread)


@operation(
    "PUT",
    "/comments/<int:comment_id>",
    summary="Edit your own comment within 15 minutes of writing it; the earlier text is kept.",
    answer=s.Comment,
    errors=WRITES,
    body=s.NewComment,
)
def edit_comment(comment_id: int, body: s.NewComment):
    return s.Comment.of(services.edit_comment(db.session, g.api_user, comment_id, body=body.body))


@operation(
    "GET",
    "/comments/<int:comment_id>/edits",
    summary="The earlier texts of a comment, oldest first.",
    answer=list[s.CommentEdit],
)
def comment_edits(comment_id: int):
    return [
        s.CommentEdit(previous_body=e.previous_body, edited_at=e.edited_at)
        for e in services.comment_history(db.session, g.api_user, comment_id)
    ]
