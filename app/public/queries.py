"""What the public sees: published texts and agree-to-differ outcomes, nothing else."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.alliance.models import Partner, PolicyArea
from app.alliance.settings import clock_of, settings_of
from app.divergence.models import DifferConfirmation, DifferOutcome
from app.divergence.services.differ import active_outcome
from app.drafting.models import Dissent, Position, Publication
from app.drafting.services.consensus import all_partners
from app.drafting.services.governance import standing_dissents
from app.public.documents import AgreedText, DifferText, Signature, Statement
from app.web.pagination import Page, paginate, rows_by_id
from positions import consensus as core
from positions.divergence import review_due


def published_positions(
    session: Session, page: int = 1, per_page: int = 50, *, by_area: bool = False
) -> Page[Position]:
    """Positions whose published text is public, newest publication first (by area first, in
    the areas' alphabetical order, for the public index)."""
    ids = (
        select(Position.id)
        .join(Publication, Position.publication_id == Publication.id)
        .where(Position.publicly_visible)
    )
    if by_area:
        ids = ids.join(PolicyArea, PolicyArea.id == Position.area_id).order_by(PolicyArea.name)
    ids = ids.order_by(Publication.published_at.desc(), Publication.id.desc())
    load = rows_by_id(
        session,
        select(Position).options(joinedload(Position.publication), joinedload(Position.area)),
    )
    return paginate(session, ids, load, page=page, per_page=per_page)


@dataclass(frozen=True)
class PublicRecord:
    """What the public page of a position shows: one agreed text, or the partners' statements."""

    position: Position
    publication: Publication | None
    differ: DifferOutcome | None
    review_due: bool
    dissents: list[Dissent] = field(default_factory=list)  # partners no longer supporting it

    @property
    def withdrawn(self) -> bool:
        return self.position.status == core.PositionStatus.WITHDRAWN


def public_version(session: Session, slug: str) -> tuple | None:
    """Everything the public page of a position depends on, in one small query.

    Publications, their revisions and signatories, and agree-to-differ outcomes never change
    once written; what can change is which of them the position points at, its status, title,
    area and review date. None when there is no such position, or nothing of it is public.
    """
    outcome = (
        select(func.max(DifferOutcome.id))
        .where(DifferOutcome.position_id == Position.id, DifferOutcome.reopened_at.is_(None))
        .correlate(Position)
        .scalar_subquery()
    )
    row = session.execute(
        select(
            Position.id,
            Position.status,
            Position.publication_id,
            outcome,
            Position.title,
            Position.area_id,
            Position.review_by,
            Position.withdrawn_at,
            # A partner saying it no longer supports the text shows here too; any write that
            # touches the position moves its version.
            Position.version,
            # The page names the alliance's partners: one joining, leaving or renamed shows in
            # these, read in the same statement.
            *_partners_fingerprint(),
        ).where(Position.slug == slug)
    ).first()
    if row is None:
        return None
    differs = row.status == core.PositionStatus.DIFFER and row[3] is not None
    if row.publication_id is None and not differs:
        return None  # nothing about it has been made public
    today = clock_of(session).today()
    return (*row, review_due(row.review_by, today), today)


def _partners_fingerprint() -> tuple:
    """Scalar subqueries that move when the partners named on a public page could change."""
    return (
        select(func.count(Partner.id)).where(Partner.active).scalar_subquery(),
        select(func.sum(func.length(Partner.name))).scalar_subquery(),
        select(func.max(Partner.joined_on)).scalar_subquery(),
        select(func.max(Partner.left_on)).scalar_subquery(),
        select(func.count(Partner.left_on)).scalar_subquery(),
    )


def public_record(session: Session, slug: str) -> PublicRecord | None:
    position = (
        session.execute(
            select(Position).options(joinedload(Position.publication)).where(Position.slug == slug)
        )
        .unique()
        .scalar_one_or_none()
    )
    if position is None:
        return None
    outcome = None
    if position.status == core.PositionStatus.DIFFER:
        outcome = active_outcome(session, position.id)
    if outcome is None and position.publication is None:
        return None  # nothing about it has been made public
    return PublicRecord(
        position,
        position.publication,
        outcome,
        review_due(position.review_by, clock_of(session).today()),
        standing_dissents(session, [position.id])[position.id],
    )


def member_names(session: Session) -> list[str]:
    """The alliance's partners today, in neutral (alphabetical) order: its public face."""
    day = clock_of(session).today()
    return [p.name for p in core.required_signatories(all_partners(session), day)]


def differ_positions(session: Session) -> list[Position]:
    """Positions on which the partners have published that they agree to differ."""
    return list(
        session.execute(
            select(Position)
            .where(Position.status == core.PositionStatus.DIFFER)
            .order_by(Position.title)
        ).scalars()
    )


def latest_checkpoint(session: Session):
    """The newest signed checkpoint of the audit record, for anyone to note down and compare."""
    from app.audit.models import AuditCheckpoint

    return session.execute(
        select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc()).limit(1)
    ).scalar_one_or_none()


def document_of(
    session: Session, record: PublicRecord, public_url: str
) -> AgreedText | DifferText | None:
    """What a document of the public record holds: the agreed text, or each partner's
    statement of an agree-to-differ outcome; None when there is neither."""
    clock = clock_of(session)
    when = "%-d %B %Y"

    def signature(partner: str, person: str, at) -> Signature:
        moment = clock.local(at).strftime(f"{when}, %H:%M %Z")
        return Signature(partner, person, f"Chief officer of {partner}", moment)

    if record.differ is not None:
        outcome = record.differ
        confirmed = {}
        for c in session.execute(
            select(DifferConfirmation)
            .where(
                DifferConfirmation.position_id == record.position.id,
                DifferConfirmation.statements_hash == outcome.statements_hash,
            )
            .order_by(DifferConfirmation.id)
        ).scalars():
            confirmed[c.partner.name] = signature(c.partner.name, c.user.name, c.created_at)
        statements = [Statement(s.partner.name, s.text_html) for s in outcome.statements_in_order]
        return DifferText(
            alliance=settings_of(session).name,
            partners=[s.partner for s in statements],
            title=record.position.public_title,
            area=record.position.area.name,
            published_on=clock.local(outcome.published_at).strftime(when),
            statements_hash=outcome.statements_hash,
            statements=statements,
            signatures=[confirmed[name] for name in sorted(confirmed, key=str.casefold)],
            public_url=public_url,
        )
    publication = record.publication
    if publication is None:
        return None
    revision = publication.revision
    signatures = [
        signature(s.partner.name, s.user.name, s.created_at)
        for s in publication.signatories_in_order
    ]
    withdrawn_at = record.position.withdrawn_at if record.withdrawn else None
    return AgreedText(
        alliance=settings_of(session).name,
        partners=sorted((s.partner for s in signatures), key=str.casefold),
        title=revision.title,
        area=record.position.area.name,
        revision=revision.number,
        published_on=clock.local(publication.published_at).strftime(when),
        content_hash=revision.content_hash,
        body_html=revision.body_html,
        signatures=signatures,
        public_url=public_url,
        withdrawn_on=clock.local(withdrawn_at).strftime(when) if withdrawn_at else None,
    )


@dataclass(frozen=True)
class FeedEntry:
    key: str  # stable: the same event is the same entry in every reading of the feed
    title: str
    slug: str
    at: datetime
    summary: str


FEED_LENGTH = 50


def feed_entries(session: Session) -> list[FeedEntry]:
    """The newest publications and withdrawals, newest first, for the public Atom feed."""
    clock = clock_of(session)
    publications = session.execute(
        select(Publication, Position.slug)
        .join(Position, Publication.position_id == Position.id)
        .order_by(Publication.published_at.desc(), Publication.id.desc())
        .limit(FEED_LENGTH)
    ).all()
    entries = [
        FeedEntry(
            f"publication-{p.id}",
            p.revision.title,
            slug,
            p.published_at,
            f"Version {p.revision.number}, agreed by all {len(p.signatories)} partners on "
            f"{clock.local(p.published_at).strftime('%-d %B %Y')}.",
        )
        for p, slug in publications
    ]
    withdrawn = session.execute(
        select(Position)
        .options(joinedload(Position.publication))
        .where(Position.status == core.PositionStatus.WITHDRAWN)
        .order_by(Position.withdrawn_at.desc())
        .limit(FEED_LENGTH)
    ).scalars()
    entries += [
        FeedEntry(
            f"withdrawal-{p.id}",
            f"Withdrawn: {p.public_title}",
            p.slug,
            p.withdrawn_at,
            f"Withdrawn by every partner on {clock.local(p.withdrawn_at).strftime('%-d %B %Y')}; "
            "the text is kept for the record.",
        )
        for p in withdrawn
        if p.withdrawn_at is not None
    ]
    return sorted(entries, key=lambda e: e.at, reverse=True)[:FEED_LENGTH]


def feed_version(session: Session) -> tuple:
    """What the feed depends on: the newest publication and the newest withdrawal."""
    newest = select(
        select(func.max(Publication.id)).scalar_subquery(),
        select(func.max(Position.withdrawn_at)).scalar_subquery(),
    )
    return tuple(session.execute(newest).one())
