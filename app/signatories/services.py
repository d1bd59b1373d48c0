"""Appointing chief officers and resetting their passwords, confirmed by the partner itself.

The rules (who confirms, when an appointment is direct) are in positions/signatories.py; here the
rows are loaded, the rule asked, the change written and put on the record.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.alliance.models import Partner
from app.audit import services as audit
from app.extensions import utcnow
from app.signatories.models import SignatoryRequest
from positions import signatories as rules
from positions.refusals import Conflict, Forbidden, NotFound
from positions.roles import Role

CHIEF = Role.CHIEF_OFFICER.value


def active_chief_ids(session: Session, partner_id: int) -> set[int]:
    rows = session.execute(
        select(User.id, User.roles).where(User.partner_id == partner_id, User.active)
    ).all()
    return {row.id for row in rows if CHIEF in row.roles.split(",")}


def appointment_waits(
    session: Session, user: User | None, roles: frozenset[Role], partner: Partner | None
) -> bool:
    """Whether making `user` (None: a new account) a chief officer of `partner` must wait for
    the partner's confirmation. Someone already its chief officer keeps the role."""
    if Role.CHIEF_OFFICER not in roles or partner is None:
        return False
    if user is not None and user.partner_id == partner.id and CHIEF in user.roles.split(","):
        return False
    return not rules.appointment_is_direct(
        active_chief_ids(session, partner.id), user.id if user is not None else None
    )


def _pending(session: Session, kind: str, user: User, partner_id: int) -> SignatoryRequest | None:
    return session.execute(
        select(SignatoryRequest).where(
            SignatoryRequest.kind == kind,
            SignatoryRequest.user_id == user.id,
            SignatoryRequest.partner_id == partner_id,
            SignatoryRequest.outcome.is_(None),
        )
    ).scalar_one_or_none()


def request_appointment(
    session: Session, user: User, partner: Partner, *, by: User | None
) -> SignatoryRequest:
    """`user` becomes `partner`'s chief officer once another of its chief officers confirms."""
    request = _pending(session, rules.RequestKind.APPOINT, user, partner.id)
    if request is None:
        request = SignatoryRequest(
            kind=rules.RequestKind.APPOINT, user=user, partner=partner, requested_by=by
        )
        session.add(request)
        session.flush()
        audit.record(
            session,
            "signatory.appoint.request",
            actor=by,
            object_type="user",
            object_id=user.id,
            details={"partner": partner.slug, "request": request.id},
        )
    return request


def record_direct_appointment(
    session: Session, user: User, partner: Partner, *, by: User | None
) -> None:
    """The partner's first chief officer takes office at once; the record says so and why."""
    audit.record(
        session,
        "signatory.appoint.direct",
        actor=by,
        object_type="user",
        object_id=user.id,
        details={"partner": partner.slug, "reason": "the partner had no active chief officer"},
    )


def request_reset(session: Session, user: User, *, by: User | None) -> SignatoryRequest | None:
    """A chief officer's reset: the link is shown only to another chief officer of the partner
    who confirms it. With nobody to confirm (the partner's only chief officer) there is no
    request: the server's operator gives the link on the command line (`users reset-link`)."""
    if not rules.reset_confirmers(active_chief_ids(session, user.partner_id), user.id):
        return None
    request = _pending(session, rules.RequestKind.RESET, user, user.partner_id)
    if request is None:
        request = SignatoryRequest(
            kind=rules.RequestKind.RESET, user=user, partner=user.partner, requested_by=by
        )
        session.add(request)
        session.flush()
    audit.record(
        session,
        "signatory.reset.request",
        actor=by,
        object_type="user",
        object_id=user.id,
        details={"partner": user.partner.slug, "request": request.id},
    )
    return request


def waiting_for(session: Session, chief: User) -> list[SignatoryRequest]:
    """The requests `chief` may decide: pending, for their own partner, not about themselves."""
    if chief.partner_id is None or not chief.actor.has(Role.CHIEF_OFFICER):
        return []
    rows = session.execute(
        select(SignatoryRequest)
        .where(
            SignatoryRequest.partner_id == chief.partner_id,
            SignatoryRequest.outcome.is_(None),
            SignatoryRequest.user_id != chief.id,
        )
        .order_by(SignatoryRequest.id)
    ).scalars()
    return list(rows)


def pending_for_person(
    session: Session, user: User, kind: str | None = None
) -> list[SignatoryRequest]:
    """What is waiting about `user` (shown to admins on the person's page)."""
    query = select(SignatoryRequest).where(
        SignatoryRequest.user_id == user.id, SignatoryRequest.outcome.is_(None)
    )
    if kind is not None:
        query = query.where(SignatoryRequest.kind == kind)
    return list(session.execute(query).scalars())


def _decidable(
    session: Session, chief: User, request_id: int, *, confirming: bool
) -> SignatoryRequest:
    request = session.get(SignatoryRequest, request_id)
    if request is None:
        raise NotFound(f"There is no request {request_id}.")
    if not rules.can_decide_request(
        chief.actor, partner_id=request.partner_id, person_id=request.user_id
    ):
        raise Forbidden(
            f"Only another chief officer of {request.partner.name} decides this.",
        )
    if request.outcome is not None:
        raise Conflict(f"This request was already {request.outcome}.", code="already_decided")
    person = request.user
    if confirming and not person.active or person.partner_id != request.partner_id:
        raise Conflict(
            f"{person.name} is no longer an active member of {request.partner.name}; "
            "decline the request.",
            code="moved_on",
        )
    return request


def _close(session: Session, request: SignatoryRequest, chief: User, outcome: str) -> None:
    request.outcome, request.decided_by_id, request.decided_at = outcome, chief.id, utcnow()
    session.flush()
    audit.record(
        session,
        f"signatory.{request.kind}.{outcome}",
        actor=chief,
        object_type="user",
        object_id=request.user_id,
        details={"partner": request.partner.slug, "request": request.id},
    )


def confirm(session: Session, chief: User, request_id: int) -> SignatoryRequest:
    """Confirm an appointment (the person becomes chief officer now) or a reset. Either way the
    caller is then shown the person's new set-password link to hand over
    (`rules.confirmer_hands_over_a_link`)."""
    from app.accounts import services as accounts  # accounts asks signatories first

    request = _decidable(session, chief, request_id, confirming=True)
    if request.kind == rules.RequestKind.APPOINT:
        roles = {r for r in request.user.roles.split(",") if r} | {CHIEF}
        request.user.roles = ",".join(sorted(roles))
        accounts.hand_over_afresh(session, request.user, by=chief)
    # (A reset's password was already made unusable when the admin asked for it.)
    _close(session, request, chief, "confirmed")
    return request


def decline(session: Session, chief: User, request_id: int) -> SignatoryRequest:
    """Decline: an appointment does not happen; a reset gives nobody a link (the person's old
    password stays unusable: an admin asks again once the partner agrees)."""
    request = _decidable(session, chief, request_id, confirming=False)
    _close(session, request, chief, "declined")
    return request
