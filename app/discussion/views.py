"""Discussion on the web: start a thread on a paragraph or passage, reply, edit, resolve, reopen.

Each action is a small form on the position page that works without JavaScript; a refused one
comes back with what was typed and its reason.
"""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.discussion import services
from app.discussion.forms import ActionForm, CommentForm, ThreadForm
from app.drafting.queries.position_page import position_page
from app.extensions import db
from app.web.errors import flash_refused, form_refused
from positions.refusals import Refused

bp = Blueprint("discussion", __name__, url_prefix="/discussion", template_folder="templates")


@bp.before_request
@login_required
def require_login():
    """The discussion is for signed-in members only, never on a public page."""


def _thread_link(thread_id: int, position_id: int) -> str:
    return url_for("drafting.show", position_id=position_id) + f"#thread-{thread_id}"


@bp.post("/positions/<int:position_id>/threads")
def start(position_id: int):
    from app.drafting.views import render_position_page  # late: drafting's views import ours

    form = ThreadForm()
    if form.validate():
        try:
            thread = services.start_thread(
                db.session,
                current_user,
                position_id,
                body=form.body.data or "",
                visibility=form.visibility.data or "alliance",
                quote=form.quote.data or None,
                prefix=form.prefix.data or "",
                suffix=form.suffix.data or "",
                paragraph=form.paragraph.data,
                revision_number=form.revision.data,
            )
        except Refused as error:
            status = form_refused(form, error, fallback="body")
        else:
            flash("Thread started.", "success")
            return redirect(_thread_link(thread.id, position_id))
    else:
        status = 400
    page = position_page(db.session, current_user, position_id)
    return render_position_page(page, status=status, thread_form=form)


def _retry(form: CommentForm, title: str, action: str, back: str, status: int):
    return render_template(
        "discussion/retry.html", form=form, title=title, action=action, back=back
    ), status


@bp.post("/threads/<int:thread_id>/replies")
def reply(thread_id: int):
    form = CommentForm()
    thread = services.get_thread(db.session, current_user, thread_id)
    back = _thread_link(thread.id, thread.position_id)
    action = url_for(".reply", thread_id=thread_id)
    if not form.validate():
        return _retry(form, "Reply", action, back, 400)
    try:
        services.reply(db.session, current_user, thread_id, body=form.body.data or "")
    except Refused as error:
        return _retry(form, "Reply", action, back, form_refused(form, error, fallback="body"))
    flash("Reply added.", "success")
    return redirect(back)


@bp.post("/comments/<int:comment_id>/edit")
def edit(comment_id: int):
    form = CommentForm()
    comment = services.get_comment(db.session, current_user, comment_id)
    back = _thread_link(comment.thread_id, comment.position_id)
    action = url_for(".edit", comment_id=comment_id)
    if not form.validate():
        return _retry(form, "Edit your comment", action, back, 400)
    try:
        services.edit_comment(db.session, current_user, comment_id, body=form.body.data or "")
    except Refused as error:
        status = form_refused(form, error, fallback="body")
        return _retry(form, "Edit your comment", action, back, status)
    flash("Comment edited; the earlier text is kept in its history.", "success")
    return redirect(back)


@bp.get("/comments/<int:comment_id>/history")
def history(comment_id: int):
    comment = services.get_comment(db.session, current_user, comment_id)
    return render_template(
        "discussion/history.html",
        comment=comment,
        edits=services.comment_history(db.session, current_user, comment_id),
        back=_thread_link(comment.thread_id, comment.position_id),
    )


def _set_resolved(thread_id: int, resolved: bool):
    thread = services.get_thread(db.session, current_user, thread_id)
    back = _thread_link(thread.id, thread.position_id)
    if not ActionForm().validate():
        flash("That request was incomplete; try again.", "error")
        return redirect(back)
    try:
        services.set_resolved(db.session, current_user, thread_id, resolved=resolved)
        flash("Thread resolved." if resolved else "Thread reopened.", "success")
    except Refused as error:
        flash_refused(error)
    return redirect(back)


@bp.post("/threads/<int:thread_id>/resolve")
def resolve(thread_id: int):
    return _set_resolved(thread_id, True)


@bp.post("/threads/<int:thread_id>/reopen")
def reopen(thread_id: int):
    return _set_resolved(thread_id, False)
