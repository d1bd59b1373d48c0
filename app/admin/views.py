"""Administration: the audit record."""

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from app.extensions import db
from app.services import audit

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

PER_PAGE = 50


@bp.get("/audit")
@login_required
def audit_log():
    page = max(1, request.args.get("page", 1, type=int))
    verify = bool(request.args.get("verify"))
    log = audit.browse(db.session, current_user, page=page, per_page=PER_PAGE, verify=verify)
    return render_template("admin/audit.html", log=log)
