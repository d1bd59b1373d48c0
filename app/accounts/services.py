"""People: signing in, creating users, API tokens."""

import hashlib
import secrets
from datetime import timedelta

from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.models import ApiToken, User
from app.alliance.models import Partner
from app.audit import services as audit
from app.extensions import utcnow
from positions.passwords import password_problems
from positions.refusals import Forbidden, Invalid, NotFound
from positions.roles import can_manage_people, parse_roles
from positions.text import one_line

# Compared against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")
LINK_LIFETIMES = {"invite": timedelta(days=7), "reset": timedelta(days=1)}


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
    _check_password(password, email=email, name=name)
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
        name=one_line(name) or email,
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


def _check_password(password: str, *, email: str, name: str) -> None:
    problems = password_problems(password, email=email, name=name)
    if problems:
        raise Invalid(" ".join(problems), code="weak_password", field="password")


# ---- invitations and password resets: signed, expiring, single-use links -------------------


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="concord.account-link")


def _fingerprint(user: User) -> str:
    """Changes whenever the password does, so a used link (or an older one) stops working."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:20]


def account_link_token(user: User, purpose: str, secret_key: str) -> str:
    return _serializer(secret_key).dumps({"u": user.id, "p": purpose, "f": _fingerprint(user)})


def user_for_link(session: Session, token: str, secret_key: str) -> tuple[User, str]:
    """The user and purpose of a valid link; Invalid for an expired, used or forged one."""
    refused = Invalid(
        "This link has expired or has already been used. Ask an admin for a new one.",
        code="bad_link",
    )
    longest = max(LINK_LIFETIMES.values())
    try:
        data, issued = _serializer(secret_key).loads(
            token, max_age=int(longest.total_seconds()), return_timestamp=True
        )
    except BadData:
        raise refused from None
    user = session.get(User, data.get("u")) if isinstance(data, dict) else None
    purpose = data.get("p") if user else None
    if user is None or purpose not in LINK_LIFETIMES or data.get("f") != _fingerprint(user):
        raise refused
    if utcnow() - issued > LINK_LIFETIMES[purpose]:
        raise refused
    return user, purpose


def invite_user(
    session: Session,
    admin: User,
    *,
    email: str,
    name: str,
    roles: list[str],
    partner_slug: str | None,
) -> User:
    """Create an account with no usable password; the invitation link lets them choose one."""
    if not can_manage_people(admin.actor):
        raise Forbidden("Only admins invite people.")
    user = create_user(
        session,
        email=email,
        name=name,
        password=secrets.token_urlsafe(32),
        roles=roles,
        partner_slug=partner_slug,
        created_by=admin,
    )
    audit.record(session, "user.invite", actor=admin, object_type="user", object_id=user.id)
    return user


def reset_user(session: Session, admin: User, user_id: int) -> User:
    """Start a password reset: the old password stops working; the link sets a new one."""
    if not can_manage_people(admin.actor):
        raise Forbidden("Only admins reset passwords.")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user {user_id}.")
    user.password_hash = generate_password_hash(secrets.token_urlsafe(32))
    audit.record(session, "user.reset", actor=admin, object_type="user", object_id=user.id)
    return user


def redeem_link(session: Session, token: str, secret_key: str, password: str) -> User:
    """Set the password from an invitation or reset link; the link then stops working."""
    user, purpose = user_for_link(session, token, secret_key)
    _check_password(password, email=user.email, name=user.name)
    user.password_hash = generate_password_hash(password)
    audit.record(
        session, f"user.{purpose}.redeem", actor=user, object_type="user", object_id=user.id
    )
    return user


def change_password(session: Session, user: User, *, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current):
        raise Invalid("Your current password is not right.", code="wrong_password", field="current")
    _check_password(new, email=user.email, name=user.name)
    user.password_hash = generate_password_hash(new)
    audit.record(session, "user.password", actor=user, object_type="user", object_id=user.id)


def people(session: Session, admin: User) -> list[User]:
    if not can_manage_people(admin.actor):
        raise Forbidden("Only admins manage people.")
    return list(session.execute(select(User).order_by(User.name)).scalars())


# ---- API tokens -------------------------------------------------------------------------------


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    return list(
        session.execute(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        ).scalars()
    )


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    """Owners revoke their own tokens; a revoked token never works again."""
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("You have no such token.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            session,
            "token.revoke",
            actor=user,
            object_type="user",
            object_id=user.id,
            details={"name": token.name},
        )
    return token


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, user: User, name: str = "command line") -> str:
    """A new API token for the user. Only its hash is stored; the token is shown once."""
    name = name.strip()[:120] or "unnamed"
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
