"""Undoing what all partners did together: withdrawal, reopening, archiving and dissent.

What every partner published together (a text, an agree-to-differ outcome) is undone only by the
same unanimity: each active partner's chief officer confirms the same motion, bound to exactly
what is undone (the published revision and its hash; the outcome and its statements' hash). Only
each partner's latest confirmation counts, and a confirmation of something else (an earlier
publication, an earlier outcome) is stale. One partner alone may say it no longer supports a
published text: that is shown beside it, never enforced by taking the text down.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from positions.consensus import (
    CLOSED_STATUSES,
    Partner,
    PositionStatus,
    is_retired,
    latest_decisions,
    required_signatories,
)
from positions.refusals import Conflict


class Motion(StrEnum):
    WITHDRAW = "withdraw"  # take a published text off the alliance's record
    REOPEN = "reopen"  # reopen an agreed-to-differ outcome towards one text


@dataclass(frozen=True)
class Subject:
    """Exactly what a motion undoes: a published revision, or an agree-to-differ outcome."""

    motion: Motion
    number: int  # the revision number, or the outcome's id
    content_hash: str


def withdrawal_of(revision_number: int, content_hash: str) -> Subject:
    return Subject(Motion.WITHDRAW, revision_number, content_hash)


def reopening_of(outcome_id: int, statements_hash: str) -> Subject:
    return Subject(Motion.REOPEN, outcome_id, statements_hash)


@dataclass(frozen=True)
class Confirmation:
    """One chief officer's confirmation for their partner. `sequence` orders equal instants."""

    partner_id: int
    subject: Subject
    at: datetime
    sequence: int = 0
    reason: str = ""


class ConfirmationState(StrEnum):
    CONFIRMED = "confirmed"  # the partner's latest confirmation is of this very subject
    STALE = "stale"  # it confirmed something else (an earlier text or outcome): not counted
    AWAITING = "awaiting"


@dataclass(frozen=True)
class MotionStanding:
    partner: Partner
    state: ConfirmationState
    confirmation: Confirmation | None


@dataclass(frozen=True)
class MotionState:
    subject: Subject
    standings: tuple[MotionStanding, ...]

    @property
    def carried(self) -> bool:
        """Unanimity, as for publication: someone must confirm, and every partner has."""
        return bool(self.standings) and all(
            s.state is ConfirmationState.CONFIRMED for s in self.standings
        )

    @property
    def waiting(self) -> tuple[Partner, ...]:
        return tuple(
            s.partner for s in self.standings if s.state is not ConfirmationState.CONFIRMED
        )

    @property
    def confirmed(self) -> tuple[MotionStanding, ...]:
        return tuple(s for s in self.standings if s.state is ConfirmationState.CONFIRMED)

    @property
    def started(self) -> bool:
        return bool(self.confirmed)


def assess_motion(
    partners: Iterable[Partner],
    confirmations: Iterable[Confirmation],
    subject: Subject,
    day: date,
) -> MotionState:
    """Where every partner taking part on `day` stands on this motion, in neutral order."""
    # Only each partner's latest confirmation counts, ordered as sign-offs are.
    latest = latest_decisions(c for c in confirmations if c.subject.motion is subject.motion)
    standings = []
    for partner in required_signatories(partners, day):
        mine = latest.get(partner.id)
        if mine is None:
            state = ConfirmationState.AWAITING
        elif mine.subject == subject:
            state = ConfirmationState.CONFIRMED
        else:
            state = ConfirmationState.STALE
        standings.append(MotionStanding(partner, state, mine))
    return MotionState(subject, tuple(standings))


# ---- withdrawal ---------------------------------------------------------------------------------


def check_withdrawable(status: PositionStatus, published_number: int | None) -> None:
    """Only a text on the public record is withdrawn; a withdrawn one stays withdrawn."""
    if is_retired(status):
        raise Conflict(f"This position is already {status}.", "closed")
    if published_number is None:
        raise Conflict("This position was never published: archive it instead.", "not_published")


def check_withdrawal_of(revision_number: int, published_number: int) -> None:
    """A confirmation names the published revision it withdraws, so nobody confirms blind."""
    if revision_number != published_number:
        raise Conflict(
            f"Revision {revision_number} is not the published text "
            f"(revision {published_number} is).",
            "not_published_revision",
            "revision",
        )


# ---- archiving drafts ----------------------------------------------------------------------------


def check_archivable(status: PositionStatus, ever_published: bool) -> None:
    """Archiving tidies away a draft nobody published; a published text needs a withdrawal."""
    if status in CLOSED_STATUSES:
        raise Conflict(f"This position is {status}; it cannot be archived.", "closed")
    if ever_published:
        raise Conflict(
            "This position was published: every partner's chief officer withdraws it instead.",
            "published",
        )


# ---- one partner's dissent ----------------------------------------------------------------------


def check_dissent(status: PositionStatus, published: bool, already: bool) -> None:
    """A partner says it no longer supports a text that is on the public record, once."""
    if not published or is_retired(status):
        raise Conflict(
            "Only a published position can be marked as no longer supported.", "not_published"
        )
    if already:
        raise Conflict("Your partner has already said it no longer supports this.", "already")


def check_dissent_retractable(standing: bool) -> None:
    if not standing:
        raise Conflict("Your partner has no standing statement to withdraw.", "no_dissent")
