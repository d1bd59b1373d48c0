"""Invitation and password-reset links: mailed to the person, shown to the admin (page or API)
only when no mail server is configured."""

from flask import current_app, url_for

from app.accounts import services as accounts
from app.extensions import db
from app.notifications.services import events as notification_events


def mail_account_link(user, purpose: str) -> str | None:
    """Queue the link to the person; return it for the admin to pass on, or None when a mail
    server is configured (the link is then the person's alone). Without one, the mail stays in
    the local mailbox, so someone must pass it on."""
    token = accounts.account_link_token(user, purpose, current_app.config["SECRET_KEY"])
    notification_events.account_link(db.session, user, purpose, token)
    if current_app.config.get("MAIL_HOST"):
        return None
    return url_for("account.welcome", token=token, _external=True)
