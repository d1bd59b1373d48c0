"""Unanimity: who must sign, where each partner stands, and whether a text may be published."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol, TypeVar

from positions.refusals import Conflict, Invalid
from positions.validation import required


class Decision(StrEnum):
    APPROVE = "approve"
    OBJECT = "object"


class PartnerState(StrEnum):
    APPROVED = "approved"  # latest decision approves the current text
    OBJECTED = "objected"  # latest decision is an objection: a veto until a later approval
    STALE = "stale"  # approved an earlier revision: shown, no longer counted
    AWAITING = "awaiting"  # no decision yet


class PositionStatus(StrEnum):
    DRAFT = "draft"
    AGREED = "agreed"
    PUBLISHED = "published"
    DIFFER = "differ"
    WITHDRAWN = "withdrawn"
    ARCHIVED = "archived"


@dataclass(frozen=True)
class Partner:
    id: int
    slug: str
    name: str
    active: bool = True
    joined_on: date | None = None
    left_on: date | None = None


@dataclass(frozen=True)
class SignOff:
    """One recorded decision. `sequence` orders decisions recorded at the same instant."""

    partner_id: int
    revision_number: int
    content_hash: str
    decision: Decision
    at: datetime
    sequence: int = 0
    comment: str = ""
    decided_by: str = ""  # the person's name
    acting_for: str | None = None  # "the chief officer of Riverbank", when a deputy decided


@dataclass(frozen=True)
class Revision:
    number: int
    content_hash: str


@dataclass(frozen=True)
class PartnerStanding:
    partner: Partner
    state: PartnerState
    revision_number: int | None  # the revision the latest decision was on
    decision: SignOff | None


def changed_since_decision(standing: PartnerStanding, current: Revision) -> int | None:
    """The revision a partner last decided on, when the text it decided on has changed since.

    A stale approval and an objection to an earlier wording both leave the partner to look at
    what changed; an objection to the current text, or an approval of it, does not.
    """
    if standing.state is PartnerState.STALE:
        return standing.revision_number
    if (
        standing.state is PartnerState.OBJECTED
        and standing.revision_number is not None
        and standing.revision_number != current.number
    ):
        return standing.revision_number
    return None


@dataclass(frozen=True)
class Consensus:
    revision: Revision
    standings: tuple[PartnerStanding, ...]

    @property
    def publishable(self) -> bool:
        """Unanimity: at least one partner must sign, and every one has approved this text."""
        return bool(self.standings) and all(
            s.state is PartnerState.APPROVED for s in self.standings
        )

    @property
    def not_approving(self) -> tuple[PartnerStanding, ...]:
        return tuple(s for s in self.standings if s.state is not PartnerState.APPROVED)

    def count(self, state: PartnerState) -> int:
        return sum(1 for s in self.standings if s.state is state)


class Named(Protocol):
    """Anything that stands for a partner: a core Partner, or the app's row for one."""

    name: str
    slug: str


T = TypeVar("T")


def neutral_order(items: Iterable[T], partner: Callable[[T], Named] | None = None) -> list[T]:
    """Equal billing: partners always appear alphabetically by name, never by seniority or id.

    `items` are partners, or (with `partner` saying whose each is) things that belong to one:
    signatures, statements, cells. Ties of name (which cannot happen in the database, where names
    are unique) fall back to the slug, so the order is total.
    """
    of = partner or (lambda item: item)
    return sorted(items, key=lambda item: (of(item).name.casefold(), of(item).slug))


def is_member_on(partner: Partner, day: date) -> bool:
    """A partner takes part on a day if it is active and that day is within its membership."""
    if not partner.active:
        return False
    if partner.joined_on is not None and day < partner.joined_on:
        return False
    return partner.left_on is None or day < partner.left_on


def required_signatories(partners: Iterable[Partner], day: date) -> list[Partner]:
    """Every partner taking part on `day` must sign; the number is data, never a constant."""
    return neutral_order(p for p in partners if is_member_on(p, day))


def latest_decisions(signoffs: Iterable[SignOff]) -> dict[int, SignOff]:
    """Only each partner's latest decision counts."""
    latest: dict[int, SignOff] = {}
    for signoff in sorted(signoffs, key=lambda s: (s.at, s.sequence)):
        latest[signoff.partner_id] = signoff
    return latest


def standing_of(partner: Partner, latest: SignOff | None, current: Revision) -> PartnerStanding:
    if latest is None:
        return PartnerStanding(partner, PartnerState.AWAITING, None, None)
    if latest.decision is Decision.OBJECT:
        # An objection is a veto that survives later edits until this partner approves again.
        state = PartnerState.OBJECTED
    elif latest.revision_number == current.number and latest.content_hash == current.content_hash:
        state = PartnerState.APPROVED
    else:
        state = PartnerState.STALE
    return PartnerStanding(partner, state, latest.revision_number, latest)


def assess(
    partners: Iterable[Partner], signoffs: Iterable[SignOff], current: Revision, day: date
) -> Consensus:
    """Where every required partner stands on the current revision, in neutral order."""
    latest = latest_decisions(signoffs)
    standings = tuple(
        standing_of(partner, latest.get(partner.id), current)
        for partner in required_signatories(partners, day)
    )
    return Consensus(current, standings)


def status_of(
    consensus: Consensus, published_number: int | None, lifecycle: PositionStatus | None = None
) -> PositionStatus:
    """The status shown for a position.

    Withdrawn, archived and agreed-to-differ are explicit outcomes (`lifecycle`); otherwise the
    status follows from the text: published when the current text is the published one, agreed
    when every partner approves the current text, draft while work goes on.
    """
    if lifecycle in CLOSED_STATUSES:
        return lifecycle
    if published_number == consensus.revision.number:
        return PositionStatus.PUBLISHED
    if consensus.publishable:
        return PositionStatus.AGREED
    return PositionStatus.DRAFT


def check_signoff(
    revision_number: int, current: Revision, decision: Decision, comment: str
) -> None:
    """A decision is on the exact current revision; an objection must say why."""
    if revision_number != current.number:
        raise Conflict(
            f"Revision {revision_number} is not the current text; "
            f"review revision {current.number} and decide on that.",
            "not_current",
        )
    if decision is Decision.OBJECT and not comment.strip():
        raise Invalid("An objection needs a comment saying why.", "comment_required")


def check_publish(consensus: Consensus, revision_number: int, published_number: int | None) -> None:
    """Publication needs every required partner's approval of exactly this, the current, text."""
    if revision_number != consensus.revision.number:
        raise Conflict(
            f"Revision {revision_number} is not the current text "
            f"(revision {consensus.revision.number}).",
            "not_current",
        )
    if published_number == revision_number:
        raise Conflict(f"Revision {revision_number} is already published.", "already_published")
    if not consensus.standings:
        raise Conflict("There are no active partners to approve this text.", "no_partners")
    waiting = tuple(s.partner for s in consensus.not_approving)
    if waiting:
        names = ", ".join(p.name for p in waiting)
        raise Conflict(
            f"Not every partner has approved this text yet: {names}.",
            "not_unanimous",
            partners=[p.slug for p in waiting],
        )


# ---- the lifecycle: open, closed, retired, public ------------------------------------------

# A text being worked towards unanimity (a position whose current text is published is not).
IN_PROGRESS_STATUSES = (PositionStatus.DRAFT, PositionStatus.AGREED)
# Taken off the alliance's working record by an explicit decision; never erased.
RETIRED_STATUSES = (PositionStatus.WITHDRAWN, PositionStatus.ARCHIVED)
# Explicit outcomes: no edits or decisions until the position is reopened.
CLOSED_STATUSES = (*RETIRED_STATUSES, PositionStatus.DIFFER)
# A published text stays on the public record (archived too) until it is withdrawn.
HIDDEN_FROM_PUBLIC = (PositionStatus.WITHDRAWN,)


class Verdict(StrEnum):
    """What the consensus panel says about publishing."""

    CLOSED = "closed"  # withdrawn, archived or agreed to differ: nothing more is published
    PUBLISHED = "published"  # the current text is the published one
    PUBLISHABLE = "publishable"  # every partner approves the current, unpublished text
    WAITING = "waiting"  # approvals still missing


def verdict(consensus: Consensus, status: PositionStatus, published_number: int | None) -> Verdict:
    if not open_for_work(status):
        return Verdict.CLOSED
    if published_number == consensus.revision.number:
        return Verdict.PUBLISHED
    return Verdict.PUBLISHABLE if consensus.publishable else Verdict.WAITING


def open_for_work(status: PositionStatus) -> bool:
    """Withdrawn, archived and agreed-to-differ positions take no edits or decisions."""
    return status not in CLOSED_STATUSES


def in_progress(status: PositionStatus) -> bool:
    return status in IN_PROGRESS_STATUSES


def is_retired(status: PositionStatus) -> bool:
    return status in RETIRED_STATUSES


def publicly_visible(status: PositionStatus, published: bool) -> bool:
    """Whether a position's published text is on the public record."""
    return published and status not in HIDDEN_FROM_PUBLIC


def check_open_for_work(status: PositionStatus) -> None:
    if not open_for_work(status):
        raise Conflict(
            f"This position is {status}: it takes no edits or decisions unless it is reopened.",
            "closed",
        )


def closing_reason(reason: str) -> str:
    """Taking a position off the record says why, for the record; the reason, stripped."""
    return required(reason, "reason", "Say why, for the record.")
