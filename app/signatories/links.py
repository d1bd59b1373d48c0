"""The set-password link a confirming chief officer hands over (page and API alike)."""

from flask import current_app, url_for

from app.accounts import services as accounts
from app.signatories.models import SignatoryRequest
from positions import signatories as rules


def handover_link(request: SignatoryRequest) -> str | None:
    """The person's new set-password link, for the kinds of request that end with one."""
    if not rules.confirmer_hands_over_a_link(request.kind):
        return None
    token = accounts.account_link_token(request.user, "reset", current_app.config["SECRET_KEY"])
    return url_for("account.welcome", token=token, _external=True)
