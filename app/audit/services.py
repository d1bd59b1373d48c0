"""Append to and verify the audit record."""

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit.models import AuditEvent, AuditHead
from app.extensions import utcnow
from positions.audit import GENESIS, AuditRecord, canonical_details, event_hash, verify_chain


def record(
    session: Session,
    action: str,
    *,
    actor: User | None = None,
    actor_label: str | None = None,
    object_type: str = "",
    object_id: object = "",
    details: dict | None = None,
) -> AuditEvent:
    """Append one event. Taking the head row's lock first keeps concurrent appends in one chain."""
    locked = session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1)
    )
    if locked.rowcount == 0:
        session.add(AuditHead(id=1, seq=1, hash=GENESIS))
        session.flush()
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).execution_options(populate_existing=True)
    ).scalar_one()
    at = utcnow()
    label = actor_label or (actor.email if actor else "system")
    fields = dict(
        seq=head.seq,
        at=at.replace(tzinfo=None).isoformat(),
        actor=label,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        details=canonical_details(details),
    )
    digest = event_hash(head.hash, **fields)
    event = AuditEvent(
        seq=head.seq,
        at=at,
        actor_id=actor.id if actor else None,
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=fields["object_id"],
        details=fields["details"],
        prev_hash=head.hash,
        hash=digest,
    )
    session.add(event)
    head.hash = digest
    session.flush()
    return event


def as_record(event: AuditEvent) -> AuditRecord:
    return AuditRecord(
        event.seq,
        event.at.replace(tzinfo=None).isoformat(),
        event.actor_label,
        event.action,
        event.object_type,
        event.object_id,
        event.details,
        event.prev_hash,
        event.hash,
    )


@dataclass(frozen=True)
class Verification:
    events: int
    problems: list[str]

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_chain_of(session: Session) -> Verification:
    events = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()
    records = [as_record(e) for e in events]
    head = session.get(AuditHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    return Verification(len(records), verify_chain(records, head_seq, head_hash))


@dataclass(frozen=True)
class AuditLog:
    events: list[AuditEvent]
    page: int
    per_page: int
    total: int
    verification: Verification | None

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total
