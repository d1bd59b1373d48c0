"""People: signing in, creating users, API tokens."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts import second_factor
from app.accounts.models import ApiToken, SecondFactor, SignIn, User
from app.alliance.models import Partner
from app.audit import services as audit
from app.extensions import utcnow
from app.notifications.queries import unread_count
from app.notifications.services import events as notification_events
from app.signatories import services as signatories
from app.signatories.models import SignatoryRequest
from app.web.params import row_id
from positions.alliance import check_keeps_an_admin, check_roles_fit_partner
from positions.passwords import password_problems
from positions.refusals import Forbidden, Invalid, NotFound
from positions.roles import Role, can_manage_people, parse_roles
from positions.second_factor import needs_second_factor
from positions.signatories import is_signatory
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
    """Signing out ends this sign-in on the server: a copy of its cookie stops working too."""
    current = _current_sign_in(session, user)
    if current is not None:
        current.ended_at = utcnow()
    audit.record(session, "logout", actor=user, object_type="user", object_id=user.id)


# ---- sign-ins: each session cookie names one, kept (hashed) on the server --------------------


def start_sign_in(session: Session, user: User) -> str:
    """A new sign-in for `user`; its key goes into the session cookie through user.get_id()."""
    key = secrets.token_urlsafe(24)
    session.add(SignIn(user_id=user.id, key_hash=_token_digest(key)))
    session.flush()
    user.sign_in_key = key
    return key


def user_for_sign_in(
    session: Session, cookie_id: str, *, second_factor_required: bool = False
) -> User | None:
    """The person a session cookie names, while that sign-in has not ended (one query).

    Someone who needs a second factor and has none enrolled (a session from before, or a role
    gained since) is not signed in: they sign in again and are led to enrol."""
    user_id, _, key = cookie_id.partition(":")
    number = row_id(user_id)
    if number is None or not key:
        return None  # a cookie from before sign-ins were kept names none: sign in again
    row = session.execute(
        select(User, SecondFactor.id, unread_count(User.id))  # the bell's count, same query
        .join(SignIn, SignIn.user_id == User.id)
        .outerjoin(SecondFactor, SecondFactor.user_id == User.id)
        .where(
            User.id == number,
            SignIn.key_hash == _token_digest(key),
            SignIn.ended_at.is_(None),
        )
    ).one_or_none()
    if row is None:
        return None
    user, factor_id, user.unread_notifications = row
    if second_factor_required and factor_id is None and needs_second_factor(user.actor.roles):
        return None
    user.sign_in_key = key
    return user


def _current_sign_in(session: Session, user: User) -> SignIn | None:
    key = getattr(user, "sign_in_key", None)
    if not key:
        return None
    return session.execute(
        select(SignIn).where(SignIn.key_hash == _token_digest(key))
    ).scalar_one_or_none()


def end_sign_ins(session: Session, user: User, *, keep: User | None = None) -> int:
    """End every sign-in of `user` (but the one `keep` is signed in with); how many ended."""
    kept = _current_sign_in(session, keep) if keep is not None else None
    query = update(SignIn).where(SignIn.user_id == user.id, SignIn.ended_at.is_(None))
    if kept is not None:
        query = query.where(SignIn.id != kept.id)
    return session.execute(query.values(ended_at=utcnow())).rowcount


def revoke_all_tokens(session: Session, user: User) -> int:
    return session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    ).rowcount


def sign_out_everywhere(
    session: Session, user: User, *, tokens: bool = False, by: User | None = None
) -> None:
    """Every other sign-in of `user` ends (and, if asked, every API token stops working).

    `by` is an admin doing it for someone (a lost laptop): then every sign-in ends."""
    if by is not None and by.id != user.id and not can_manage_people(by.actor):
        raise Forbidden("Only admins sign other people out.")
    ended = end_sign_ins(session, user, keep=user if by is None or by.id == user.id else None)
    revoked = revoke_all_tokens(session, user) if tokens else 0
    audit.record(
        session,
        "user.sign_out_everywhere",
        actor=by or user,
        object_type="user",
        object_id=user.id,
        details={"sessions": ended, "tokens": revoked},
    )


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
    role_set, partner = _roles_and_partner(session, roles, partner_slug)
    waits = signatories.appointment_waits(session, None, role_set, partner)
    granted = role_set - {Role.CHIEF_OFFICER} if waits else role_set
    user = User(
        email=email,
        name=one_line(name) or email,
        password_hash=generate_password_hash(password),
        partner=partner,
        roles=",".join(sorted(granted)),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        "user.create",
        actor=created_by,
        object_type="user",
        object_id=user.id,
        details={"email": email, "roles": sorted(granted), "partner": partner_slug},
    )
    _appoint(session, user, role_set, partner, waits=waits, by=created_by)
    return user


def _appoint(session: Session, user: User, roles, partner, *, waits: bool, by) -> None:
    """Chief officer of a partner: at once for its first one, else once the partner confirms."""
    if waits:
        signatories.request_appointment(session, user, partner, by=by)
    elif Role.CHIEF_OFFICER in roles and partner is not None:
        signatories.record_direct_appointment(session, user, partner, by=by)


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
    admin: User | None,
    *,
    email: str,
    name: str,
    roles: list[str],
    partner_slug: str | None,
) -> User:
    """Create an account with no usable password; the invitation link lets them choose one.

    `admin` None is the command line (set-up's first admin)."""
    if admin is not None and not can_manage_people(admin.actor):
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


@dataclass(frozen=True)
class ResetStarted:
    """A reset begun by an admin. For a signatory the admin gets no link (`link_for_admin`
    False): another chief officer of the partner confirms `request` and is shown the link, or,
    with nobody to confirm, the server's operator gives it on the command line."""

    user: User
    link_for_admin: bool
    request: SignatoryRequest | None = None


def reset_user(session: Session, admin: User, user_id: int) -> ResetStarted:
    """Start a password reset: the old password stops working; the link sets a new one."""
    if not can_manage_people(admin.actor):
        raise Forbidden("Only admins reset passwords.")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user {user_id}.")
    signatory = user.partner is not None and is_signatory(user.actor.roles)
    request = signatories.request_reset(session, user, by=admin) if signatory else None
    _reset_password(session, user, by=admin)
    return ResetStarted(user, link_for_admin=not signatory, request=request)


def reset_by_operator(session: Session, email: str) -> User:
    """The server's operator (command line) resets anyone and hands over the link themselves:
    the way in for a partner's only chief officer, who has nobody to confirm a reset."""
    user = find_by_email(session, email)
    if user is None:
        raise NotFound(f"No user has the email {email}.")
    _reset_password(session, user, by=None)
    return user


def hand_over_afresh(session: Session, user: User, *, by: User) -> None:
    """New credentials only the person will hold: the password and second factor go, every
    sign-in and token ends. For someone just confirmed as a partner's chief officer."""
    _reset_password(session, user, by=by)
    second_factor.remove(session, user, by=by)


def _reset_password(session: Session, user: User, *, by: User | None) -> None:
    user.password_hash = generate_password_hash(secrets.token_urlsafe(32))
    # Whoever has the old password may have signed in with it, or made a token: both end.
    ended, revoked = end_sign_ins(session, user), revoke_all_tokens(session, user)
    audit.record(
        session,
        "user.reset",
        actor=by,
        object_type="user",
        object_id=user.id,
        details={"sessions": ended, "tokens": revoked},
    )


def redeem_link(session: Session, token: str, secret_key: str, password: str) -> User:
    """Set the password from an invitation or reset link; the link then stops working."""
    user, purpose = user_for_link(session, token, secret_key)
    _check_password(password, email=user.email, name=user.name)
    user.password_hash = generate_password_hash(password)
    end_sign_ins(session, user)
    audit.record(
        session, f"user.{purpose}.redeem", actor=user, object_type="user", object_id=user.id
    )
    return user


def change_password(
    session: Session, user: User, *, current: str, new: str, revoke_tokens: bool = False
) -> None:
    """A new password ends every other sign-in; the API tokens too, when asked."""
    if not check_password_hash(user.password_hash, current):
        raise Invalid("Your current password is not right.", code="wrong_password", field="current")
    _check_password(new, email=user.email, name=user.name)
    user.password_hash = generate_password_hash(new)
    ended = end_sign_ins(session, user, keep=user)
    revoked = revoke_all_tokens(session, user) if revoke_tokens else 0
    audit.record(
        session,
        "user.password",
        actor=user,
        object_type="user",
        object_id=user.id,
        details={"sessions": ended, "tokens": revoked},
    )


# ---- administering people ----------------------------------------------------------------------


def person(session: Session, admin: User | None, user_id: int) -> User:
    if admin is not None and not can_manage_people(admin.actor):
        raise Forbidden("Only admins manage people.")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"There is no user {user_id}.")
    return user


def _active_admin_ids(session: Session) -> set[int]:
    rows = session.execute(select(User.id, User.roles).where(User.active)).all()
    return {row.id for row in rows if "admin" in row.roles.split(",")}


def _roles_and_partner(session: Session, roles: list[str], partner_slug: str | None):
    """The roles named and the partner a slug names, checked to fit each other."""
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
    check_roles_fit_partner(role_set, partner is not None)
    return role_set, partner


def update_person(
    session: Session,
    admin: User | None,
    user_id: int,
    *,
    roles: list[str],
    partner_slug: str | None,
) -> User:
    """Change someone's roles or move them to another partner; the record keeps the old ones."""
    user = person(session, admin, user_id)
    role_set, partner = _roles_and_partner(session, roles, partner_slug)
    if not role_set:
        raise Invalid("Choose at least one role.", field="roles")
    if "admin" not in role_set and user.active:
        check_keeps_an_admin(_active_admin_ids(session), user.id)
    before = {"roles": user.roles, "partner": user.partner.slug if user.partner else None}
    was_chief_here = (
        partner is not None
        and user.partner_id == partner.id
        and (Role.CHIEF_OFFICER.value in user.roles.split(","))
    )
    waits = signatories.appointment_waits(session, user, role_set, partner)
    user.roles = ",".join(sorted(role_set - {Role.CHIEF_OFFICER} if waits else role_set))
    user.partner = partner
    after = {"roles": user.roles, "partner": partner.slug if partner else None}
    if before != after:
        session.flush()
        audit.record(
            session,
            "user.update",
            actor=admin,
            object_type="user",
            object_id=user.id,
            details={"before": before, "after": after},
        )
    if not was_chief_here:
        _appoint(session, user, role_set, partner, waits=waits, by=admin)
    return user


def set_active(session: Session, admin: User | None, user_id: int, *, active: bool) -> User:
    """Deactivate (every sign-in and API token stops at once) or reactivate someone."""
    user = person(session, admin, user_id)
    if user.active == active:
        return user
    details = {}
    if not active:
        check_keeps_an_admin(_active_admin_ids(session), user.id)
        details = {
            "sessions": end_sign_ins(session, user),
            "tokens": revoke_all_tokens(session, user),
        }
    user.active = active
    session.flush()
    audit.record(
        session,
        "user.reactivate" if active else "user.deactivate",
        actor=admin,
        object_type="user",
        object_id=user.id,
        details=details,
    )
    return user


def revoke_everything(session: Session, admin: User, user_id: int) -> User:
    """An admin ends all of someone's sign-ins and tokens (a lost laptop, a leaked token)."""
    user = person(session, admin, user_id)
    sign_out_everywhere(session, user, tokens=True, by=admin)
    return user


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
    notification_events.token_created(session, user, name)
    return token


def user_for_token(session: Session, token: str) -> User | None:
    row = session.execute(
        select(ApiToken).where(ApiToken.token_hash == _token_digest(token))
    ).scalar_one_or_none()
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    return row.user
