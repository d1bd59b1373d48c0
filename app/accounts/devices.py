"""Known browsers: a signed cookie, set at a successful sign-in, naming the accounts signed in
from this browser before. It only exempts from the per-account sign-in limit, so an attacker who
floods one email with wrong passwords from many addresses cannot lock its owner out; the
password is checked as always, and the per-address limit still applies.
"""

import hashlib

from flask import Response, current_app, request
from itsdangerous import BadData, URLSafeSerializer

COOKIE = "concord_device"
MAX_ACCOUNTS = 5  # a shared computer: the last few people who signed in on it
LIFETIME_SECONDS = 365 * 24 * 3600


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="concord.known-device")


def _digest(email: str) -> str:
    # The email's hash, not the email: the cookie tells nobody who signs in here.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _known() -> list[str]:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return []
    try:
        known = _serializer().loads(raw)
    except BadData:
        return []
    return [d for d in known if isinstance(d, str)] if isinstance(known, list) else []


def is_known(email: str) -> bool:
    """Whether this browser has signed in to `email`'s account before."""
    return bool(email) and _digest(email) in _known()


def remember(response: Response, email: str) -> None:
    digest = _digest(email)
    known = [digest] + [d for d in _known() if d != digest]
    response.set_cookie(
        COOKIE,
        _serializer().dumps(known[:MAX_ACCOUNTS]),
        max_age=LIFETIME_SECONDS,
        httponly=True,
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        samesite="Lax",
    )
