"""Where partners differ: the board, stances, amendments, agree-to-differ, timeline, lifecycle."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app.divergence.forms import (
    AmendmentForm,
    ConfirmForm,
    DeclineForm,
    ReasonForm,
    ReviewDateForm,
    StanceForm,
    StatementForm,
    WithdrawalForm,
)
from app.divergence.queries import board
from app.divergence.queries.timeline import position_timeline
from app.divergence.services import amendments, differ, stances
from app.drafting.queries.position_page import position_page
from app.drafting.services import editing as drafting
from app.drafting.services import governance, lifecycle
from app.drafting.services.consensus import get_position
from app.drafting.views import render_position_page as show_position
from app.extensions import db
from app.web.errors import flash_refused, form_refused
from app.web.params import bounded_int
from positions import consensus as core
from positions import divergence as rules
from positions import roles
from positions.refusals import Refused

bp = Blueprint("divergence", __name__, template_folder="templates")


@bp.before_request
@login_required
def require_login():
    """Only members see the partners' working views."""


def _back(position_id: int, anchor: str = ""):
    return redirect(url_for("drafting.show", position_id=position_id) + anchor)


@bp.get("/divergence/")
def board_view():
    data = board.divergence_board(
        db.session,
        area_id=request.args.get("area", type=bounded_int),
        status=request.args.get("status") or None,
        sort=request.args.get("sort", "apart"),
        page=request.args.get("page", 1, type=bounded_int),
        per_page=100,
    )
    return render_template(
        "divergence/board.html",
        board=data,
        areas=[SelectChoice(a.id, a.name) for a in drafting.policy_areas(db.session)],
        statuses=list(core.PositionStatus),
        filters=request.args,
        view_labels=rules.VIEW_LABELS,
        trend_labels=rules.TREND_LABELS,
    )


@bp.post("/positions/<int:position_id>/stance")
def set_stance(position_id: int):
    form = StanceForm()
    if not form.validate():
        flash("Choose a stance before saving.", "error")
        return _back(position_id, "#views")
    try:
        stance = stances.set_stance(
            db.session,
            current_user,
            position_id,
            current_user.partner.slug if current_user.partner else "",
            view=form.stance.data,
            rationale=form.rationale.data or "",
        )
        flash(
            f"{stance.partner.name}'s stance is now “{rules.VIEW_LABELS[stance.view]}”.", "success"
        )
    except Refused as error:
        flash_refused(error)
    return _back(position_id, "#views")


@bp.route("/positions/<int:position_id>/amendments/new", methods=["GET", "POST"])
def propose_amendment(position_id: int):
    position = get_position(db.session, position_id)
    current = position.current_revision
    form = AmendmentForm(
        data=None
        if request.method == "POST"
        else {"base_revision": current.number, "body": current.body}
    )
    status = 200
    if form.validate_on_submit():
        try:
            amendment = amendments.propose(
                db.session,
                current_user,
                position_id,
                base_number=form.base_revision.data,
                body=form.body.data,
                reason=form.reason.data,
            )
            flash(f"Proposed amendment {amendment.number}.", "success")
            return redirect(url_for(".amendment", position_id=position_id, number=amendment.number))
        except Refused as error:
            status = form_refused(form, error)
    elif form.is_submitted():
        status = 400
    return render_template("divergence/amendment_new.html", form=form, position=position), status


@bp.get("/positions/<int:position_id>/amendments/<int:number>")
def amendment(position_id: int, number: int):
    position = get_position(db.session, position_id)
    views = amendments.list_amendments(db.session, position_id, position.current_revision.body)
    found = next((v for v in views if v.amendment.number == number), None)
    if found is None:
        amendments.get_amendment(db.session, position_id, number)  # raises NotFound
    return render_template(
        "divergence/amendment.html",
        position=position,
        item=found,
        decline_form=DeclineForm(),
        accept_form=ConfirmForm(),
    )


@bp.post("/positions/<int:position_id>/amendments/<int:number>/accept")
def accept_amendment(position_id: int, number: int):
    if not ConfirmForm().validate():
        flash("That request was incomplete; try again.", "error")
        return redirect(url_for(".amendment", position_id=position_id, number=number))
    try:
        accepted = amendments.accept(db.session, current_user, position_id, number)
        flash(
            f"Accepted amendment {number} from {accepted.credit}: it is now revision "
            f"{accepted.result_revision.number}. Earlier approvals are stale.",
            "success",
        )
        return _back(position_id)
    except Refused as error:
        flash_refused(error)
        return redirect(url_for(".amendment", position_id=position_id, number=number))


@bp.post("/positions/<int:position_id>/amendments/<int:number>/decline")
def decline_amendment(position_id: int, number: int):
    form = DeclineForm()
    try:
        amendments.decline(
            db.session, current_user, position_id, number, reason=form.reason.data or ""
        )
        flash(f"Declined amendment {number}.", "success")
    except Refused as error:
        flash_refused(error)
    return redirect(url_for(".amendment", position_id=position_id, number=number))


@bp.route("/positions/<int:position_id>/differ", methods=["GET", "POST"])
def differ_page(position_id: int):
    position = get_position(db.session, position_id)
    form = StatementForm()
    status = 200
    if form.validate_on_submit():
        try:
            differ.write_statement(db.session, current_user, position_id, text=form.statement.data)
            flash("Statement saved. Each chief officer now confirms the outcome.", "success")
            return redirect(url_for(".differ_page", position_id=position_id))
        except Refused as error:
            status = form_refused(form, error, fallback="statement")
    elif form.is_submitted():
        status = 400
    state = differ.differ_state(db.session, position_id)
    mine = state.statements.get(current_user.partner_id)
    if request.method == "GET" and mine:
        form.statement.data = mine.text
    return render_template(
        "divergence/differ.html",
        position=position,
        state=state,
        form=form,
        confirm_form=ConfirmForm(),
        may_write=current_user.partner_id is not None
        and roles.can_write_differ_statement(current_user.actor, current_user.partner_id),
        may_confirm=current_user.partner_id is not None
        and roles.can_confirm_differ(current_user.actor, current_user.partner_id),
    ), status


@bp.post("/positions/<int:position_id>/differ/confirm")
def confirm_differ(position_id: int):
    if not ConfirmForm().validate():
        flash("That request was incomplete; try again.", "error")
        return redirect(url_for(".differ_page", position_id=position_id))
    try:
        state = differ.confirm(db.session, current_user, position_id)
        if state.published:
            flash("Every partner has confirmed: published as agreed to differ.", "success")
        else:
            flash("Confirmed for your partner.", "success")
    except Refused as error:
        flash_refused(error)
    return redirect(url_for(".differ_page", position_id=position_id))


@bp.get("/positions/<int:position_id>/timeline")
def timeline(position_id: int):
    position = get_position(db.session, position_id)
    return render_template(
        "divergence/timeline.html",
        position=position,
        events=position_timeline(db.session, position_id),
    )


@bp.post("/positions/<int:position_id>/review-date")
def review_date(position_id: int):
    form = ReviewDateForm()
    if not form.validate():
        flash("Give the review date as a calendar date.", "error")
        return _back(position_id)
    try:
        lifecycle.set_review_date(db.session, current_user, position_id, form.review_by.data)
        flash("Review date saved.", "success")
    except Refused as error:
        flash_refused(error)
    return _back(position_id)


# ---- undoing what all partners did together, archiving, dissent ------------------------------


def _refused_on_page(position_id: int, error: Refused, **typed):
    """The position page again, the refusal said and what was typed kept in its form."""
    status = flash_refused(error)  # rolls back: a refusal writes nothing
    return show_position(
        position_page(db.session, current_user, position_id), None, status, **typed
    )


def _incomplete(position_id: int, form, name: str):
    flash("Give a reason, for the record.", "error")
    return show_position(
        position_page(db.session, current_user, position_id), None, 400, **{name: form}
    )


@bp.post("/positions/<int:position_id>/withdraw")
def withdraw(position_id: int):
    form = WithdrawalForm(prefix="withdraw")
    if not form.validate():
        return _incomplete(position_id, form, "withdrawal_form")
    try:
        state = governance.confirm_withdrawal(
            db.session,
            current_user,
            position_id,
            revision_number=form.revision.data,
            reason=form.reason.data,
        )
    except Refused as error:
        return _refused_on_page(position_id, error, withdrawal_form=form)
    if state.carried:
        flash(
            "Every partner has confirmed: the position is withdrawn. Nothing was deleted.",
            "success",
        )
    else:
        waiting = ", ".join(p.name for p in state.waiting)
        flash(f"Withdrawal confirmed for your partner. Still to confirm: {waiting}.", "success")
    return _back(position_id)


@bp.post("/positions/<int:position_id>/reopen")
def reopen(position_id: int):
    form = ReasonForm(prefix="reopen")
    if not form.validate():
        return _incomplete(position_id, form, "reopen_form")
    try:
        state = differ.confirm_reopening(
            db.session, current_user, position_id, reason=form.reason.data
        )
    except Refused as error:
        return _refused_on_page(position_id, error, reopen_form=form)
    if state.carried:
        flash("Every partner has confirmed: reopened towards one text.", "success")
    else:
        waiting = ", ".join(p.name for p in state.waiting)
        flash(f"Reopening confirmed for your partner. Still to confirm: {waiting}.", "success")
    return _back(position_id)


@bp.post("/positions/<int:position_id>/archive")
def archive(position_id: int):
    form = ReasonForm(prefix="archive")
    if not form.validate():
        return _incomplete(position_id, form, "archive_form")
    try:
        governance.archive(db.session, current_user, position_id, reason=form.reason.data)
    except Refused as error:
        return _refused_on_page(position_id, error, archive_form=form)
    flash("The draft is archived. Nothing was deleted.", "success")
    return _back(position_id)


@bp.post("/positions/<int:position_id>/dissent")
def dissent(position_id: int):
    form = ReasonForm(prefix="dissent")
    if not form.validate():
        return _incomplete(position_id, form, "dissent_form")
    try:
        stated = governance.state_dissent(
            db.session, current_user, position_id, reason=form.reason.data
        )
    except Refused as error:
        return _refused_on_page(position_id, error, dissent_form=form)
    flash(
        f"Recorded: {stated.partner.name} no longer supports this position. The text stays public.",
        "success",
    )
    return _back(position_id)


@bp.post("/positions/<int:position_id>/dissent/retract")
def retract_dissent(position_id: int):
    if ConfirmForm(prefix="retract").validate():
        try:
            retracted = governance.retract_dissent(db.session, current_user, position_id)
            flash(f"{retracted.partner.name} supports this position again.", "success")
        except Refused as error:
            flash_refused(error)
    else:
        flash("That request was incomplete; try again.", "error")
    return _back(position_id)
