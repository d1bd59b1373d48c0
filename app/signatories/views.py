"""A chief officer's page of what waits for their partner's confirmation: confirm or decline."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from app.extensions import db
from app.signatories import services as signatories
from app.signatories.links import handover_link
from app.web.caching import never_stored
from app.web.errors import flash_refused
from positions import signatories as rules
from positions.refusals import Refused

bp = Blueprint("signatories", __name__, template_folder="templates")


class DecideForm(FlaskForm):
    """Only the CSRF token."""


@bp.get("/signatories")
@login_required
def waiting():
    return render_template(
        "signatories/waiting.html",
        requests=signatories.waiting_for(db.session, current_user),
        form=DecideForm(),
    )


@bp.post("/signatories/<int:request_id>/confirm")
@login_required
@never_stored
def confirm(request_id: int):
    if not DecideForm().validate():
        flash("That request was incomplete; try again.", "error")
        return redirect(url_for(".waiting"))
    try:
        request = signatories.confirm(db.session, current_user, request_id)
    except Refused as error:
        flash_refused(error)
        return redirect(url_for(".waiting"))
    person, link = request.user, handover_link(request)
    if link is None:
        return redirect(url_for(".waiting"))
    if request.kind == rules.RequestKind.APPOINT:
        done = f"{person.name} is now a chief officer of {request.partner.name}."
    else:
        done = "Reset confirmed."
    flash(f"{done} Hand this link to {person.name} yourself.", "success")
    return render_template(
        "signatories/reset_link.html",
        person=person,
        link=link,
        appointed=request.kind == rules.RequestKind.APPOINT,
    )


@bp.post("/signatories/<int:request_id>/decline")
@login_required
def decline(request_id: int):
    if not DecideForm().validate():
        flash("That request was incomplete; try again.", "error")
    else:
        try:
            request = signatories.decline(db.session, current_user, request_id)
            flash(f"Declined. {request.user.name} gains nothing from it.", "success")
        except Refused as error:
            flash_refused(error)
    return redirect(url_for(".waiting"))
