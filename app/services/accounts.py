"""People: signing in, creating users, API tokens."""

import hashlib
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.models import ApiToken, Partner, User
from app.services import Invalid, NotFound, audit
from positions.roles import parse_roles

# Compared against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")
MIN_PASSWORD_LENGTH = 10


def find_by_email(session: Session, email: str) -> User | None:
    return session.execute(
        select(User).where(func.lower(User.email) == email.strip().lower())
    ).scalar_one_or_none()


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user for these credentials, or None. Both outcomes go on the record."""
    user = find_by_email(session, email)
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password)
        audit.record(session, "login.failed", actor_label=email.strip().lower()[:254])
        return None
    if not check_password_hash(user.password_hash, password):
        audit.record(session, "login.failed", actor=user, object_type="user", object_id=user.id)
        return None
    audit.record(session, "login", actor=user, object_type="user", object_id=user.id)
    return user


def record_logout(session: Session, user: User) -> None:
    audit.record(session, "logout", actor=user, object_type="user", object_id=user.id)


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    password: str,
    roles: list[str],
    partner_slug: str | None = None,
    created_by: User | None = None,
) -> User:
    email = email.strip().lower()
    if "@" not in email:
        raise Invalid(f"{email!r} is not an email address.", field="email")
    if find_by_email(session, email):
        raise Invalid(f"A user with the email {email} already exists.", field="email")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.", field="password"
        )
    try:
        role_set = parse_roles(roles)
    except ValueError as exc:
        raise Invalid(str(exc), field="roles") from None
    partner = None
    if partner_slug:
        partner = session.execute(
            select(Partner).where(Partner.slug == partner_slug)
        ).scalar_one_or_none()
        if partner is None:
            raise NotFound(f"There is no partner {partner_slug!r}.", field="partner")
    user = User(
        email=email,
        name=name.strip() or email,
        password_hash=generate_password_hash(password),
        partner=partner,
        roles=",".join(sorted(role_set)),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        "user.create",
        actor=created_by,
        object_type="user",
        object_id=user.id,
        details={"email": email, "roles": sorted(role_set), "partner": partner_slug},
    )
    return user


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, user: User, name: str = "command line") -> str:
    """A new API token for the user. Only its hash is stored; the token is shown once."""
    token = "cnc_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user=user, name=name, token_hash=_token_digest(token)))
    session.flush()
    audit.record(
        session,
        "token.issue",
        actor=user,
        object_type="user",
        object_id=user.id,
        details={"name": name},
    )
    return token


def user_for_token(session: Session, token: str) -> User | None:
    row = session.execute(
        select(ApiToken).where(ApiToken.token_hash == _token_digest(token))
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    return row.user
