"""A notification as an email: both parts, why it was sent, the link to act, unsubscribe."""

from email.message import EmailMessage
from email.utils import format_datetime

from flask import current_app, render_template
from itsdangerous import BadData, URLSafeSerializer

from app.notifications.models import Notification
from positions.notifying import KINDS, Kind

DEFAULT_BASE_URL = "http://127.0.0.1:5000"  # `make run`'s address, when CONCORD_URL is unset


def base_url() -> str:
    """Links in mail are absolute, from CONCORD_URL: never from a request's Host header."""
    return (current_app.config.get("CONCORD_URL") or DEFAULT_BASE_URL).rstrip("/")


def absolute(path: str) -> str:
    return base_url() + path


def _unsubscribe_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="concord.unsubscribe")


def unsubscribe_token(user_id: int, kind: str) -> str:
    return _unsubscribe_serializer().dumps([user_id, kind])


def read_unsubscribe_token(token: str) -> tuple[int, Kind] | None:
    """The person and kind a signed link names; None for anything forged or malformed."""
    try:
        user_id, kind = _unsubscribe_serializer().loads(token)
        return int(user_id), Kind(kind)
    except (BadData, ValueError, TypeError):
        return None


def unsubscribe_path(message: Notification) -> str | None:
    """Security messages cannot be switched off, so they carry no unsubscribe link; a digest
    is changed on the preferences page."""
    rule = KINDS[Kind(message.kind)]
    if rule.security or not rule.choosable:
        return None
    return f"/notifications/unsubscribe/{unsubscribe_token(message.recipient_id, message.kind)}"


def sender_domain() -> str:
    return current_app.config["MAIL_FROM"].rpartition("@")[2].strip("> ") or "concord.invalid"


def message_id(message: Notification) -> str:
    """Stable for the life of the message, so a retry is recognisable as the same mail."""
    stamp = message.created_at.strftime("%Y%m%d%H%M%S")
    return f"<concord.{message.id}.{stamp}@{sender_domain()}>"


def build(message: Notification) -> EmailMessage:
    unsubscribe = unsubscribe_path(message)
    context = {
        "message": message,
        "link": absolute(message.link),
        "unsubscribe": absolute(unsubscribe) if unsubscribe else None,
        "preferences": absolute("/notifications/preferences"),
    }
    mail = EmailMessage()
    mail["From"] = current_app.config["MAIL_FROM"]
    mail["To"] = message.recipient.email
    mail["Subject"] = message.subject
    mail["Date"] = format_datetime(message.updated_at)
    mail["Message-ID"] = message_id(message)
    mail["Auto-Submitted"] = "auto-generated"
    if unsubscribe:
        mail["List-Unsubscribe"] = f"<{context['unsubscribe']}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(render_template("notifications/mail/_layout.txt", **context))
    mail.add_alternative(
        render_template("notifications/mail/_layout.html", **context), subtype="html"
    )
    return mail
