"""Administration: people (invitations, password resets) and the audit record."""

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app.accounts import services as accounts
from app.accounts.forms import InviteForm, PersonForm, ResetForm
from app.accounts.links import mail_account_link
from app.alliance.settings import clock_of
from app.audit import queries as audit_queries
from app.drafting.services.consensus import all_partners
from app.extensions import db
from app.signatories import services as signatories
from app.web.caching import never_stored
from app.web.errors import flash_refused, form_refused
from app.web.params import bounded_int
from positions.refusals import Refused

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="../templates")

PER_PAGE = 50


@bp.before_request
@login_required
def require_login():
    """Admin pages are for signed-in admins; each service checks the role."""


@bp.get("/audit")
def audit_log():
    page = max(1, request.args.get("page", 1, type=bounded_int))
    verify = bool(request.args.get("verify"))
    filters = audit_queries.AuditFilters.parse(request.args)
    log, rows = audit_queries.browse(
        db.session, current_user, filters, page=page, per_page=PER_PAGE, verify=verify
    )
    return render_template("admin/audit.html", log=log, rows=rows, filters=filters)


@bp.get("/audit.csv")
def audit_csv():
    filters = audit_queries.AuditFilters.parse(request.args)
    body = "".join(audit_queries.as_csv(db.session, current_user, filters))
    stamp = clock_of(db.session).today().isoformat()
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'},
    )


def _pass_on(user, link: str | None, lifetime: str) -> str:
    if link is None:
        return f"We emailed {user.name} the link; it works once, for {lifetime}."
    return f"Pass on the link below; it works once, for {lifetime}."


def _appointment_note(user) -> str:
    if not signatories.pending_for_person(db.session, user, kind="appoint"):
        return ""
    return (
        f" {user.name} becomes chief officer of {user.affiliation} only when another of its "
        "chief officers confirms it: signatory power comes from the partner, not from admins."
    )


def _invite_form(**kwargs) -> InviteForm:
    form = InviteForm(**kwargs)
    form.partner.choices = [SelectChoice("", "Alliance team (no partner)")] + [
        SelectChoice(p.slug, p.name) for p in all_partners(db.session)
    ]
    return form


@bp.route("/people", methods=["GET", "POST"])
@never_stored
def people():
    everyone = accounts.people(db.session, current_user)  # refuses non-admins
    form = _invite_form()
    link, status = None, 200
    if form.validate_on_submit():
        try:
            user = accounts.invite_user(
                db.session,
                current_user,
                email=form.email.data,
                name=form.name.data,
                roles=form.roles.data,
                partner_slug=form.partner.data or None,
            )
            link = mail_account_link(user, "invite")
            flash(
                f"Invited {user.name}. {_pass_on(user, link, '7 days')}" + _appointment_note(user),
                "success",
            )
            form = _invite_form(formdata=None)
            everyone = accounts.people(db.session, current_user)
        except Refused as error:
            status = form_refused(form, error, fallback="email")
    elif form.is_submitted():
        status = 400
    return render_template(
        "admin/people.html", people=everyone, form=form, link=link, reset_form=ResetForm()
    ), status


@bp.post("/people/<int:user_id>/reset")
@never_stored
def reset(user_id: int):
    if not ResetForm().validate():
        flash("That request was incomplete; try again.", "error")
        return people()
    started = accounts.reset_user(db.session, current_user, user_id)
    user, link = started.user, None
    if started.link_for_admin:
        link = mail_account_link(user, "reset")
        flash(
            f"{user.name}'s old password no longer works. {_pass_on(user, link, '24 hours')}",
            "success",
        )
    elif started.request is not None:
        flash(
            f"{user.name}'s old password no longer works. {user.name} signs for "
            f"{user.affiliation}, so another chief officer of {user.affiliation} must confirm "
            "the reset; they are then shown the link to hand over. You get no link.",
            "success",
        )
    else:
        flash(
            f"{user.name}'s old password no longer works. {user.name} is "
            f"{user.affiliation}'s only chief officer, so nobody there can confirm a reset: "
            "the server's operator gives them a link (flask users reset-link "
            f"{user.email}). You get no link.",
            "success",
        )
    return render_template(
        "admin/people.html",
        people=accounts.people(db.session, current_user),
        form=_invite_form(formdata=None),
        link=link,
        reset_form=ResetForm(),
    )


def _partner_choices() -> list[SelectChoice]:
    return [SelectChoice("", "Alliance team (no partner)")] + [
        SelectChoice(p.slug, p.name) for p in all_partners(db.session)
    ]


@bp.route("/people/<int:user_id>", methods=["GET", "POST"])
def person(user_id: int):
    accounts.people(db.session, current_user)  # refuses non-admins
    user = accounts.person(db.session, current_user, user_id)
    form = PersonForm(
        partner=user.partner.slug if user.partner else "",
        roles=[r for r in user.roles.split(",") if r],
    )
    form.partner.choices = _partner_choices()
    status = 200
    if form.validate_on_submit():
        try:
            accounts.update_person(
                db.session,
                current_user,
                user_id,
                roles=form.roles.data,
                partner_slug=form.partner.data or None,
            )
            flash(f"Saved {user.name}'s partner and roles." + _appointment_note(user), "success")
            return redirect(url_for(".person", user_id=user_id))
        except Refused as error:
            status = form_refused(form, error, fallback="roles")
    elif form.is_submitted():
        status = 400
    return render_template(
        "admin/person.html",
        person=user,
        form=form,
        action_form=ResetForm(),
        waiting=signatories.pending_for_person(db.session, user),
    ), status


def _person_action(user_id: int, act, done: str):
    """A button on someone's page: do it, or say why not, and go back to the page."""
    if not ResetForm().validate():
        flash("That request was incomplete; try again.", "error")
    else:
        try:
            user = act()
            flash(done.format(name=user.name), "success")
        except Refused as error:
            flash_refused(error)
    return redirect(url_for(".person", user_id=user_id))


@bp.post("/people/<int:user_id>/deactivate")
def deactivate(user_id: int):
    return _person_action(
        user_id,
        lambda: accounts.set_active(db.session, current_user, user_id, active=False),
        "{name} is deactivated: their sessions and API tokens no longer work.",
    )


@bp.post("/people/<int:user_id>/reactivate")
def reactivate(user_id: int):
    return _person_action(
        user_id,
        lambda: accounts.set_active(db.session, current_user, user_id, active=True),
        "{name} can sign in again.",
    )


@bp.post("/people/<int:user_id>/sign-out")
def sign_out(user_id: int):
    return _person_action(
        user_id,
        lambda: accounts.revoke_everything(db.session, current_user, user_id),
        "{name} is signed out everywhere and their API tokens are revoked.",
    )
