"""The wording check's page: paste, check, see where the text departs from what was agreed."""

from flask import Blueprint, render_template
from flask_login import login_required

from app.extensions import db
from app.wording import queries
from app.wording.forms import WordingForm
from positions import wording
from positions.clock import check_year
from positions.refusals import Invalid

bp = Blueprint("wording", __name__, template_folder="templates")


def _page(form: WordingForm, checks=None, status: int = 200):
    return render_template(
        "wording/check.html",
        form=form,
        checks=checks,
        overall=wording.overall(checks) if checks else None,
        counts={v: sum(c.verdict is v for c in checks) for v in wording.Verdict} if checks else {},
    ), status


@bp.get("/wording")
@login_required
def page():
    return _page(WordingForm())


@bp.post("/wording")
@login_required
def check():
    form = WordingForm()
    if not form.validate():  # a CSRF failure or a day that is no date: what was pasted stays
        return _page(form, status=400)
    try:
        if form.day.data:
            check_year(form.day.data, "day")
        checks = queries.check(db.session, form.text.data or "", form.day.data)
    except Invalid as error:  # shown by its field, with what was typed kept
        field = form._fields.get(error.field, form.text)
        field.errors = [*field.errors, error.message]
        return _page(form, status=400)
    return _page(form, checks)
