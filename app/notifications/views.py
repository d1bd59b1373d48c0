"""The inbox, preferences, the one-click unsubscribe and the admin's view of the mail."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.extensions import csrf, db
from app.notifications import queries
from app.notifications.forms import DELIVERY_LABELS, ActionForm, preferences_form
from app.notifications.models import Notification
from app.notifications.services import events as _events  # noqa: F401  (connects the receivers)
from app.notifications.services import inbox as service
from app.notifications.services import mail
from app.web.caching import never_stored
from app.web.errors import flash_refused
from app.web.params import bounded_int
from positions.notifying import KINDS, Kind, choosable_kinds
from positions.refusals import Forbidden, Invalid, NotFound
from positions.roles import Role

bp = Blueprint("notifications", __name__, template_folder="templates")
PER_PAGE = 25


@bp.get("/notifications")
@login_required
def index():
    page = request.args.get("page", 1, type=bounded_int)
    return render_template(
        "notifications/index.html",
        page=queries.inbox(db.session, current_user.id, page=page, per_page=PER_PAGE),
        form=ActionForm(),
    )


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    """Mark one read; `open` follows its link at once (the inbox's "Open" button)."""
    if not ActionForm().validate():
        flash("That request was incomplete; try again.", "error")
        return redirect(url_for("notifications.index"))
    message = service.mark_read(db.session, current_user, notification_id)
    if request.form.get("open"):
        return redirect(message.link)
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/read-all")
@login_required
def read_all():
    if ActionForm().validate():
        count = service.mark_all_read(db.session, current_user)
        flash(f"Marked {count} as read." if count else "Nothing was unread.", "success")
    else:
        flash("That request was incomplete; try again.", "error")
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/preferences", methods=["GET", "POST"])
@login_required
def preferences():
    current = queries.preferences(db.session, current_user.id)
    form = preferences_form(current)
    if form.validate_on_submit():
        for kind in choosable_kinds():
            service.set_preference(db.session, current_user, kind.value, form[kind.value].data)
        flash("Your choices are saved.", "success")
        return redirect(url_for("notifications.preferences"))
    status = 400 if form.is_submitted() else 200
    security = [rule.label for rule in KINDS.values() if rule.security]
    return render_template("notifications/preferences.html", form=form, security=security), status


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: mail programs POST here without a session; the signed token is the key
@never_stored
def unsubscribe(token: str):
    found = mail.read_unsubscribe_token(token)
    if found is None:
        raise NotFound("That unsubscribe link is not valid.")
    user_id, kind = found
    done = False
    if request.method == "POST":
        service.unsubscribe(db.session, user_id, kind)
        done = True
    return render_template(
        "notifications/unsubscribe.html",
        label=KINDS[kind].label,
        done=done,
        in_app=DELIVERY_LABELS,
    )


# ---- admins: the mail Concord sent, and what failed --------------------------------------------


def _admin_only() -> None:
    if not current_user.actor.has(Role.ADMIN):
        raise Forbidden("Only admins see the mail Concord sends.")


@bp.get("/admin/mail")
@login_required
@never_stored
def sent_mail():
    _admin_only()
    view = request.args.get("view", "sent")
    view = view if view in queries.MAIL_VIEWS else "sent"
    page = request.args.get("page", 1, type=bounded_int)
    return render_template(
        "notifications/mail.html",
        view=view,
        counts=queries.mail_counts(db.session),
        page=queries.mail(db.session, view, page=page, per_page=PER_PAGE),
        form=ActionForm(),
    )


@bp.get("/admin/mail/<int:message_id>")
@login_required
@never_stored
def mail_message(message_id: int):
    _admin_only()
    message = db.session.get(Notification, message_id)
    if message is None:
        raise NotFound(f"There is no message {message_id}.")
    built = mail.build(message)
    return render_template(
        "notifications/message.html",
        message=message,
        headers=[(k, v) for k, v in built.items()],
        text=built.get_body(("plain",)).get_content(),
        form=ActionForm(),
    )


@bp.post("/admin/mail/<int:message_id>/retry")
@login_required
def retry(message_id: int):
    if not ActionForm().validate():
        flash("That request was incomplete; try again.", "error")
    else:
        try:
            service.retry(db.session, current_user, message_id)
            flash("Queued again: the sender tries it at once.", "success")
        except Invalid as error:  # refused for anyone else: app/web/errors.py answers
            flash_refused(error)
    return redirect(url_for("notifications.sent_mail", view="failed"))


def kind_label(kind: str) -> str:
    try:
        return KINDS[Kind(kind)].label
    except ValueError:
        return kind


bp.add_app_template_filter(kind_label, "notification_kind")
