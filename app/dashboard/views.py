"""The signed-in home page: what needs me now."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from app.dashboard import queries
from app.extensions import db
from app.public.queries import latest_checkpoint
from app.signatories import services as signatories
from positions.roles import can_sign_for

bp = Blueprint("dashboard", __name__, template_folder="templates")


@bp.get("/")
@login_required
def index():
    # A partner's chief officer is handed each new checkpoint of the audit record to keep, so the
    # partner can later tell whether the record was rewritten.
    signs = current_user.partner_id and can_sign_for(current_user.actor, current_user.partner_id)
    return render_template(
        "dashboard/index.html",
        board=queries.dashboard(db.session, current_user),
        checkpoint=latest_checkpoint(db.session) if signs else None,
        signatory_requests=signatories.waiting_for(db.session, current_user) if signs else [],
    )
