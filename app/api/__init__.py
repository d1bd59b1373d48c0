"""The JSON API, version 1: bearer-token authentication, JSON in and out."""

from flask import Blueprint, g, request

from app.accounts.services import user_for_token
from app.extensions import db
from positions.refusals import Unauthorised

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def authenticate():
    g.api_user = None
    if contract.is_public(request.endpoint):  # declared in the route's contract
        return
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = user_for_token(db.session, token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise Unauthorised(
            "Send a valid API token as 'Authorization: Bearer <token>'. "
            "`flask users token EMAIL` issues one."
        )
    g.api_user = user


# Each feature's routes register on bp when imported.
from app.accounts import api as _accounts_api  # noqa: E402,F401
from app.alliance import api as _alliance_api  # noqa: E402,F401
from app.api import contract, openapi  # noqa: E402,F401
from app.deputies import api as _deputies_api  # noqa: E402,F401
from app.discussion import api as _discussion_api  # noqa: E402,F401
from app.divergence import api as _divergence_api  # noqa: E402,F401
from app.drafting import api as _drafting_api  # noqa: E402,F401
from app.figures import api as _figures_api  # noqa: E402,F401
from app.meetings import api as _meetings_api  # noqa: E402,F401
from app.notifications import api as _notifications_api  # noqa: E402,F401
from app.search import api as _search_api  # noqa: E402,F401
from app.signatories import api as _signatories_api  # noqa: E402,F401
from app.wording import api as _wording_api  # noqa: E402,F401
