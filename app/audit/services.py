"""Append to and verify the audit record."""

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, scoped_session

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
    """Check the whole chain against the head, as one consistent picture while others append.

    The events and the head must be read in one snapshot, or a writer committing in between
    makes an intact chain look broken. A session with no transaction yet (the command line)
    opens one: REPEATABLE READ on PostgreSQL, an explicit BEGIN on SQLite (whose driver
    otherwise reads each statement in a snapshot of its own). A session already inside a
    transaction that may not be a snapshot reads the head first and leaves out events appended
    after it, which a concurrent writer may have committed in the meantime.
    """
    snapshot = _begin_snapshot(session)
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).execution_options(populate_existing=True)
    ).scalar_one_or_none()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    events = session.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()
    records = [as_record(e) for e in events if snapshot or e.seq <= head_seq]
    return Verification(len(records), verify_chain(records, head_seq, head_hash))


def _begin_snapshot(session: Session) -> bool:
    """Start a snapshot read on a session with no transaction yet; say whether reads now share
    one snapshot."""
    if isinstance(session, scoped_session):
        session = session()
    bind = session.get_bind()
    # A session joined to a connection already in a transaction (as in the tests) is not fresh.
    fresh = not session.in_transaction() and not (
        isinstance(bind, Connection) and bind.in_transaction()
    )
    dialect = bind.dialect.name
    if dialect == "postgresql":
        if fresh:
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            return True
        level = session.connection().get_isolation_level()
        return level in ("REPEATABLE READ", "SERIALIZABLE")
    if dialect == "sqlite":
        driver = session.connection().connection.driver_connection
        if not driver.in_transaction:
            driver.execute("BEGIN")  # ended by the session's rollback or commit
        return True
    return False


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
