"""The signed-in home page: what needs me now."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from app.dashboard import queries
from app.extensions import db

bp = Blueprint("dashboard", __name__, template_folder="templates")


@bp.get("/")
@login_required
def index():
    return render_template(
        "dashboard/index.html", board=queries.dashboard(db.session, current_user)
    )
