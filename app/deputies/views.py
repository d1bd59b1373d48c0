"""Deputies on the web: the list, naming one, confirming (chief officers) and revoking."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app.alliance.settings import clock_of
from app.deputies import services
from app.deputies.forms import ActionForm, DeputationForm
from app.drafting.services.consensus import all_partners
from app.extensions import db
from app.web.errors import flash_refused
from positions import deputies as rules
from positions.refusals import Forbidden, Refused

bp = Blueprint("deputies", __name__, url_prefix="/deputies", template_folder="templates")


@bp.before_request
@login_required
def require_login():
    """Deputations are for signed-in members only."""


def _form(form: DeputationForm | None = None, *, offered_only: bool = True) -> DeputationForm:
    """The form with the partners this person may name deputies for and their people.

    A submission is checked against every partner and person (`offered_only=False`): whether
    this person may name that deputy is the service's to say, with its reason.
    """
    form = form or DeputationForm()
    user = current_user
    partners = all_partners(db.session)
    if offered_only:
        partners = [p for p in partners if rules.may_name_deputy(user.actor, p.id)]
    form.partner.choices = [SelectChoice(p.id, p.name) for p in partners]
    people = [person for p in partners for person in services.people_of(db.session, p.id)]
    form.deputy.choices = [
        SelectChoice(person.id, f"{person.name} ({person.affiliation})")
        for person in people
        if person.id != user.id or not offered_only
    ]
    return form


def _page(form: DeputationForm | None = None, status: int = 200):
    return render_template(
        "deputies/index.html",
        deputations=services.deputations_for(db.session, current_user),
        form=_form(form),
        action_form=ActionForm(formdata=None),
        today=clock_of(db.session).today(),
    ), status


@bp.get("/")
def index():
    return _page()


@bp.post("/")
def name():
    if not _form().partner.choices:
        raise Forbidden("Only a partner's chief officer, or an admin, names deputies.")
    form = _form(DeputationForm(), offered_only=False)
    if not form.validate():
        flash("Choose a partner and a deputy, and give both days as calendar dates.", "error")
        return _page(form, 422)
    try:
        row = services.name_deputy(
            db.session,
            current_user,
            partner_id=form.partner.data,
            deputy_id=form.deputy.data,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
        )
    except Refused as error:
        status = flash_refused(error)
        return _page(form, status)
    if row.confirmed_at is None:
        flash(
            f"{row.deputy.name} is named deputy for {row.partner.name}, pending confirmation by "
            f"its chief officer.",
            "success",
        )
    else:
        flash(
            f"{row.deputy.name} deputises for {row.partner.name} from "
            f"{row.starts_on:%-d %b %Y} to {row.ends_on:%-d %b %Y}.",
            "success",
        )
    return redirect(url_for(".index"))


def _act(deputation_id: int, act, done: str):
    if not ActionForm().validate():
        flash("That request was incomplete; try again.", "error")
        return redirect(url_for(".index"))
    try:
        act(db.session, current_user, deputation_id)
        flash(done, "success")
    except Refused as error:
        flash_refused(error)
    return redirect(url_for(".index"))


@bp.post("/<int:deputation_id>/confirm")
def confirm(deputation_id: int):
    return _act(deputation_id, services.confirm, "Deputation confirmed.")


@bp.post("/<int:deputation_id>/revoke")
def revoke(deputation_id: int):
    return _act(
        deputation_id, services.revoke, "Deputation revoked. Decisions made under it stand."
    )
