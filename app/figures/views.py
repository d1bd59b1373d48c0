"""Cycle figures on the web: the page, and its charts as SVG images of their own."""

from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required

from app.extensions import db
from app.figures import charts, queries
from positions.cycle_figures import describe_days

bp = Blueprint("figures", __name__, url_prefix="/figures", template_folder="templates")


@bp.before_request
@login_required
def require_login():
    """The figures are for signed-in members only (and of those, the roles queries.py names)."""


def _svg(document: str) -> Response:
    return Response(document, mimetype="image/svg+xml")


@bp.get("/")
def index():
    return render_template(
        "figures/index.html",
        figures=queries.cycle_figures(db.session, current_user),
        days=describe_days,
    )


@bp.get("/cycle-times.svg")
def cycle_times_chart():
    return _svg(charts.cycle_times_chart(queries.months(db.session, current_user)))


@bp.get("/positions/<int:position_id>/timeline.svg")
def timeline_chart(position_id: int):
    return _svg(
        charts.timeline_chart(queries.position_timeline(db.session, current_user, position_id))
    )
