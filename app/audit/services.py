"""Append to and verify the audit record."""

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, scoped_session

from app.accounts.models import User
from app.alliance.models import Partner
from app.alliance.settings import clock_of
from app.audit.models import AuditCheckpoint, AuditEvent, AuditHead
from app.extensions import utcnow
from positions.audit import (
    GENESIS,
    HASH_VERSION,
    AuditRecord,
    Checkpoint,
    ConfirmationFact,
    PersonFact,
    PublicationFact,
    RevisionFact,
    SignOffFact,
    WithdrawalFact,
    against_checkpoint,
    canonical_details,
    checkpoint_signed,
    cross_check,
    event_hash,
    sign_checkpoint,
    verify_chain,
)
from positions.consensus import is_member_on
from positions.hashing import content_hash


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
    actor_id = actor.id if actor else None
    digest = event_hash(head.hash, **fields, actor_id="" if actor_id is None else str(actor_id))
    event = AuditEvent(
        seq=head.seq,
        at=at,
        actor_id=actor_id,
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=fields["object_id"],
        details=fields["details"],
        prev_hash=head.hash,
        hash=digest,
        hash_version=HASH_VERSION,
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
        actor_id="" if event.actor_id is None else str(event.actor_id),
        version=event.hash_version,
    )


@dataclass(frozen=True)
class Verification:
    events: int
    problems: list[str]

    @property
    def intact(self) -> bool:
        return not self.problems


def _facts(session: Session):
    """The rows the chain must account for, as the core's plain facts."""
    from app.drafting.models import (  # drafting imports audit
        MotionConfirmation,
        Position,
        Publication,
        Revision,
        SignOff,
    )

    # Columns, streamed: only one batch of (possibly long) bodies is held at a time.
    rows = session.execute(
        select(
            Revision.position_id, Revision.number, Revision.content_hash, Revision.title,
            Revision.body,
        )
        .order_by(Revision.id)
        .execution_options(yield_per=500)
    )  # fmt: skip
    revisions = [
        RevisionFact(position_id, number, stored, content_hash(title, body))
        for position_id, number, stored, title, body in rows
    ]
    signoffs = [
        SignOffFact(
            s.position_id,
            s.partner.slug,
            s.revision.number,
            s.decision,
            s.content_hash,
            s.created_at,
        )
        for s in session.execute(select(SignOff).order_by(SignOff.id)).scalars()
    ]
    partners = list(session.execute(select(Partner)).scalars())
    clock = clock_of(session)

    def members_on(moment) -> frozenset[str]:
        # Who had to agree that day, by the same rule as publishing (in the alliance's zone).
        day = clock.local(moment).date()
        return frozenset(p.slug for p in partners if is_member_on(p.as_core(), day))

    publications = [
        PublicationFact(
            p.position_id,
            p.revision.number,
            p.revision.content_hash,
            p.published_at,
            members_on(p.published_at),
        )
        for p in session.execute(select(Publication).order_by(Publication.id)).scalars()
    ]
    confirmations = [
        ConfirmationFact(c.position_id, c.partner.slug, c.motion, c.subject_number, c.content_hash)
        for c in session.execute(
            select(MotionConfirmation).order_by(MotionConfirmation.id)
        ).scalars()
    ]
    withdrawn = select(Position).where(
        (Position.status == "withdrawn") | Position.withdrawn_at.is_not(None)
    )
    withdrawals = []
    for position in session.execute(withdrawn.order_by(Position.id)).scalars():
        revision = position.published_revision
        withdrawals.append(
            WithdrawalFact(
                position.id,
                revision.number if revision else 0,
                revision.content_hash if revision else "",
                members_on(position.withdrawn_at or utcnow()),
            )
        )
    people = [
        PersonFact(user_id, frozenset(r for r in roles.split(",") if r), slug)
        for user_id, roles, slug in session.execute(
            select(User.id, User.roles, Partner.slug)
            .outerjoin(Partner, Partner.id == User.partner_id)
            .order_by(User.id)
        )
    ]
    return revisions, signoffs, publications, confirmations, withdrawals, people


def verify_chain_of(session: Session, checkpoint: Checkpoint | None = None) -> Verification:
    """The chain, the data against it, and (if given) a checkpoint a partner holds.

    The events and the head are read in one snapshot, or a writer committing in between would
    make an intact chain look broken. A session with no transaction yet (the command line)
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
    problems = verify_chain(records, head_seq, head_hash)
    problems += cross_check(records, *_facts(session))
    for held in [checkpoint] if checkpoint else latest_checkpoints(session):
        problems += against_checkpoint(records, held)
    return Verification(len(records), problems)


def latest_checkpoints(session: Session, limit: int = 1) -> list[Checkpoint]:
    rows = session.execute(
        select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc()).limit(limit)
    ).scalars()
    return [as_checkpoint(row) for row in rows]


def as_checkpoint(row: AuditCheckpoint) -> Checkpoint:
    return Checkpoint(
        row.seq, row.head_hash, row.at.replace(tzinfo=None).isoformat(), row.signature
    )


def make_checkpoint(session: Session, key: bytes) -> Checkpoint:
    """Sign the head as it stands (after recording that it was signed) and keep the checkpoint."""
    record(session, "audit.checkpoint")
    head = session.get(AuditHead, 1)
    at = utcnow()
    signed = sign_checkpoint(key, head.seq, head.hash, at.replace(tzinfo=None).isoformat())
    session.add(
        AuditCheckpoint(seq=signed.seq, head_hash=signed.hash, at=at, signature=signed.signature)
    )
    session.flush()
    return signed


def checkpoint_is_genuine(key: bytes, checkpoint: Checkpoint) -> bool:
    return checkpoint_signed(key, checkpoint)


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
