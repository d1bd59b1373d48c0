"""Second factor: enrolling a TOTP secret, checking codes (once each), recovery codes.

The rules (who needs one, when a code counts) are in positions/second_factor.py.
"""

import hashlib
import hmac
import secrets

import pyotp
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts.models import RecoveryCode, SecondFactor, User
from app.audit import services as audit
from app.extensions import utcnow
from positions import second_factor as rules
from positions.refusals import Conflict, Invalid

ISSUER = "Concord"


def required_for(user: User) -> bool:
    return rules.needs_second_factor(user.actor.roles)


def factor_of(session: Session, user: User) -> SecondFactor | None:
    return session.execute(
        select(SecondFactor).where(SecondFactor.user_id == user.id)
    ).scalar_one_or_none()


# ---- enrolling: the secret travels in the form, signed, so showing the page writes nothing -----


def new_secret() -> str:
    return pyotp.random_base32()


def _sealer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt="concord.second-factor-enrolment")


def seal(secret: str, user: User, secret_key: str) -> str:
    """The secret bound to this person, for the enrolment form's hidden field."""
    return _sealer(secret_key).dumps({"u": user.id, "s": secret})


def unseal(sealed: str, user: User, secret_key: str) -> str:
    try:
        data = _sealer(secret_key).loads(sealed)
    except BadData:
        data = None
    if not isinstance(data, dict) or data.get("u") != user.id or not data.get("s"):
        raise Invalid("The enrolment form was changed; start again.", code="bad_enrolment")
    return data["s"]


def provisioning_uri(secret: str, user: User, issuer: str = ISSUER) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def enrol(session: Session, user: User, secret: str, code: str) -> list[str]:
    """Keep `secret` once a code from it proves the authenticator has it; returns the new
    recovery codes (shown once; only their hashes are kept)."""
    if factor_of(session, user) is not None:
        raise Conflict("You already use a second factor.", code="already_enrolled")
    factor = SecondFactor(user_id=user.id, secret=secret)
    if not _accept_totp(factor, code):
        raise Invalid(
            "That code does not match. Type the 6 digits your app shows now.",
            code="wrong_code",
            field="code",
        )
    session.add(factor)
    codes = _new_recovery_codes(session, user)
    session.flush()
    audit.record(session, "user.second_factor.enrol", actor=user, object_type="user",
                 object_id=user.id)  # fmt: skip
    return codes


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    codes = [secrets.token_hex(5) for _ in range(rules.RECOVERY_CODE_COUNT)]
    session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(c)) for c in codes)
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def _digest(code: str) -> str:
    return hashlib.sha256(rules.normalise_recovery_code(code).encode()).hexdigest()


# ---- checking a code at sign-in ----------------------------------------------------------------


def _accept_totp(factor: SecondFactor, code: str) -> bool:
    if not rules.looks_like_totp(code):
        return False
    code = code.replace(" ", "")
    totp = pyotp.TOTP(factor.secret)
    now = int(utcnow().timestamp()) // rules.STEP_SECONDS
    steps = range(now - rules.WINDOW_STEPS, now + rules.WINDOW_STEPS + 1)
    matching = [s for s in steps if hmac.compare_digest(totp.at(s * rules.STEP_SECONDS), code)]
    step = rules.accepted_step(matching, factor.last_step)
    if step is None:
        return False
    factor.last_step = step
    return True


def verify(session: Session, user: User, code: str) -> str | None:
    """Check a code at sign-in: a TOTP code (each counts once) or an unused recovery code (then
    used up). Returns which it was, or None. Both outcomes go on the record (so a refusal is
    not raised: the failed attempt's record must be committed)."""
    factor = factor_of(session, user)
    code = (code or "").strip()
    if factor is not None and _accept_totp(factor, code):
        audit.record(session, "login.second_factor", actor=user, object_type="user",
                     object_id=user.id)  # fmt: skip
        return "totp"
    if factor is not None and not rules.looks_like_totp(code):
        recovery = session.execute(
            select(RecoveryCode).where(
                RecoveryCode.user_id == user.id,
                RecoveryCode.code_hash == _digest(code),
                RecoveryCode.used_at.is_(None),
            )
        ).scalar_one_or_none()
        if recovery is not None:
            recovery.used_at = utcnow()
            audit.record(session, "login.recovery_code", actor=user, object_type="user",
                         object_id=user.id)  # fmt: skip
            return "recovery"
    audit.record(session, "login.second_factor.failed", actor=user, object_type="user",
                 object_id=user.id)  # fmt: skip
    return None


def recovery_codes_left(session: Session, user: User) -> int:
    return len(
        session.execute(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def enrol_directly(session: Session, user: User, secret: str) -> None:
    """Enrol with a known secret, no code asked: for the command line and test worlds."""
    session.add(SecondFactor(user_id=user.id, secret=secret))
    session.flush()
    audit.record(session, "user.second_factor.enrol", actor=None, object_type="user",
                 object_id=user.id)  # fmt: skip


def remove(session: Session, user: User, *, by: User | None) -> bool:
    """Forget someone's authenticator and recovery codes: they enrol afresh at next sign-in."""
    factor = factor_of(session, user)
    if factor is None:
        return False
    session.delete(factor)
    session.execute(  # spent, so none of them opens the account again
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    session.flush()
    audit.record(session, "user.second_factor.remove", actor=by, object_type="user",
                 object_id=user.id)  # fmt: skip
    return True
