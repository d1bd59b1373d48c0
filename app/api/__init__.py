"""The JSON API, version 1: bearer-token authentication, JSON in and out."""

from flask import Blueprint, g, request

from app.extensions import db
from app.services import Unauthorised
from app.services.accounts import user_for_token

bp = Blueprint("api", __name__, url_prefix="/api/v1")

PUBLIC_ENDPOINTS = {"api.published", "api.openapi"}


@bp.before_request
def authenticate():
    g.api_user = None
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = user_for_token(db.session, token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise Unauthorised(
            "Send a valid API token as 'Authorization: Bearer <token>'. "
            "`flask users token EMAIL` issues one."
        )
    g.api_user = user


from app.api import divergence, meetings, openapi, views  # noqa: E402,F401  (routes register on bp)
