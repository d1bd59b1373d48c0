"""Proposed wording: propose against a revision, see whether it still applies, accept or decline."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.alliance.settings import settings_of
from app.audit import services as audit
from app.divergence.models import Amendment
from app.drafting.services import editing as drafting
from app.drafting.services.locking import lock_position
from app.extensions import utcnow
from app.notifications.services import events as notification_events
from app.web.caching import BoundedCache
from positions import diffing
from positions.divergence import (
    AmendmentCheck,
    AmendmentFit,
    AmendmentStatus,
    check_amendment,
    check_amendment_open,
    check_decline,
    check_proposal,
)
from positions.refusals import Conflict, Forbidden, NotFound
from positions.roles import can_decide_amendment, can_propose_amendment
from positions.text import long_text


@dataclass(frozen=True)
class AmendmentView:
    amendment: Amendment
    changes: list[diffing.Change]  # against the revision it was proposed on
    check: AmendmentCheck | None  # against the current text, for open amendments


def propose(
    session: Session, user: User, position_id: int, *, base_number: int, body: str, reason: str
) -> Amendment:
    if not can_propose_amendment(user.actor):
        raise Forbidden("Only policy officers and chief officers propose wording.")
    position = lock_position(session, position_id)
    base = drafting.get_revision(session, position.id, base_number)
    body, reason = long_text(body), long_text(reason)
    reason = check_proposal(base.body, body, reason, settings_of(session).max_body_bytes)
    number = (
        session.execute(
            select(func.coalesce(func.max(Amendment.number), 0)).where(
                Amendment.position_id == position.id
            )
        ).scalar_one()
        + 1
    )
    amendment = Amendment(
        position_id=position.id,
        number=number,
        base_revision_id=base.id,
        partner_id=user.partner_id,
        proposed_by_id=user.id,
        body=body,
        reason=reason,
    )
    session.add(amendment)
    session.flush()
    audit.record(
        session,
        "amendment.propose",
        actor=user,
        object_type="position",
        object_id=position.id,
        details={"amendment": number, "base": base.number},
    )
    notification_events.amendment_proposed(session, amendment)
    return amendment


def get_amendment(session: Session, position_id: int, number: int) -> Amendment:
    amendment = session.execute(
        select(Amendment).where(Amendment.position_id == position_id, Amendment.number == number)
    ).scalar_one_or_none()
    if amendment is None:
        raise NotFound(f"Position {position_id} has no amendment {number}.")
    return amendment


def _weight(entry) -> int:
    """About 8 bytes per character of the texts held (the key's and the answer's)."""
    key, _ = entry
    return 8 * sum(map(len, key)) + 2_000


# Checks and diffs already made in this process, keyed by the texts themselves (an amendment's
# base and wording, the current text): one merge per amendment and current revision, never a
# stale answer. A page of open amendments on a long text was a merge each per view.
_checks = BoundedCache(24_000_000, _weight)


def _remembered(kind: str, texts: tuple[str, ...], compute):
    key = (kind, *texts)
    found = _checks.get(key)
    if found is None:
        found = (texts, compute(*texts))
        _checks.put(key, found)
    return found[1]


def amendment_check(base_body: str, body: str, current_body: str) -> AmendmentCheck:
    return _remembered("check", (base_body, body, current_body), check_amendment)


def amendment_changes(base_body: str, body: str) -> list[diffing.Change]:
    return _remembered("diff", (base_body, body), diffing.word_diff)


def list_amendments(session: Session, position_id: int, current_body: str) -> list[AmendmentView]:
    rows = session.execute(
        select(Amendment).where(Amendment.position_id == position_id).order_by(Amendment.number)
    ).scalars()
    return [
        AmendmentView(
            a,
            amendment_changes(a.base_revision.body, a.body),
            amendment_check(a.base_revision.body, a.body, current_body)
            if a.status == AmendmentStatus.OPEN
            else None,
        )
        for a in rows
    ]


def _decidable(
    session: Session, user: User, position_id: int, number: int, *, lock: bool = True
) -> Amendment:
    if not can_decide_amendment(user.actor):
        raise Forbidden("Only policy officers and chief officers decide on amendments.")
    if lock:
        lock_position(session, position_id)
    amendment = get_amendment(session, position_id, number)
    if lock:
        session.refresh(amendment)  # decided by someone else before we took the lock?
    check_amendment_open(AmendmentStatus(amendment.status))
    return amendment


def accept(session: Session, user: User, position_id: int, number: int) -> Amendment:
    """Merge the amendment onto the current text as a new revision that credits its partner.

    The merge and the rendering run before the position is locked (save_revision locks it, and
    refuses if the text changed meanwhile); only the amendment's status is checked again after.
    """
    amendment = _decidable(session, user, position_id, number, lock=False)
    current = drafting.current_revision(session, position_id)
    result = amendment_check(amendment.base_revision.body, amendment.body, current.body)
    if result.fit is AmendmentFit.CONFLICTS:
        raise Conflict(
            f"Amendment {number} changes wording that has changed since revision "
            f"{amendment.base_revision.number}; it stays open. Edit the text by hand or ask "
            "for a new proposal on the current revision.",
            code="amendment_conflict",
        )
    if result.fit is AmendmentFit.INCORPORATED:
        raise Conflict(
            "The current text already says what this amendment proposes; decline it instead.",
            code="already_incorporated",
        )
    saved = drafting.save_revision(
        session,
        user,
        position_id,
        title=current.title,
        body=result.merged_text,
        base_number=current.number,
        note=f"Amendment {number} from {amendment.credit} accepted",
        amendment_id=amendment.id,
    )
    session.refresh(amendment)  # now under the lock: decided by someone else meanwhile?
    check_amendment_open(AmendmentStatus(amendment.status))
    amendment.status = AmendmentStatus.ACCEPTED
    amendment.decided_by_id = user.id
    amendment.decided_at = utcnow()
    amendment.result_revision_id = saved.revision.id
    audit.record(
        session,
        "amendment.accept",
        actor=user,
        object_type="position",
        object_id=position_id,
        details={"amendment": number, "revision": saved.revision.number},
    )
    notification_events.amendment_decided(session, amendment, user)
    return amendment


def decline(
    session: Session, user: User, position_id: int, number: int, *, reason: str
) -> Amendment:
    reason = check_decline(reason)
    amendment = _decidable(session, user, position_id, number)
    amendment.status = AmendmentStatus.DECLINED
    amendment.decided_by_id = user.id
    amendment.decided_at = utcnow()
    amendment.decision_reason = reason
    audit.record(
        session,
        "amendment.decline",
        actor=user,
        object_type="position",
        object_id=position_id,
        details={"amendment": number, "reason": amendment.decision_reason},
    )
    notification_events.amendment_decided(session, amendment, user)
    return amendment
