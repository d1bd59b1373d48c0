"""Where the partners' views differ: stances, amendments, agree-to-differ, and the board's order."""

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from positions import diffing
from positions.consensus import (
    Partner,
    PartnerState,
    PositionStatus,
    is_retired,
    required_signatories,
)
from positions.hashing import normalise
from positions.refusals import Conflict, Invalid
from positions.validation import required, within_bytes


class View(StrEnum):
    SUPPORT = "support"
    RESERVATIONS = "reservations"
    OPPOSE = "oppose"
    UNDECIDED = "undecided"


VIEW_LABELS = {
    View.SUPPORT: "Support",
    View.RESERVATIONS: "Support with reservations",
    View.OPPOSE: "Oppose",
    View.UNDECIDED: "Undecided",
}

# How far each decided view stands from full support; undecided has no place on the scale.
_DISTANCE = {View.SUPPORT: 0, View.RESERVATIONS: 1, View.OPPOSE: 3}


def parse_view(value: str) -> View:
    try:
        return View(value)
    except ValueError:
        choices = ", ".join(v.value for v in View)
        raise Invalid(f"Choose a stance: {choices}.", "invalid_stance", "stance") from None


def check_stance(
    status: PositionStatus,
    view: View,
    rationale: str,
    previous: tuple[View, str] | None,
    max_bytes: int,
) -> None:
    """A stance may change while the position is on the record, and must change something.

    `previous` is the partner's recorded (view, rationale), if any. Stances stay open on an
    agreed-to-differ position: the partners' views may move towards reopening it.
    """
    within_bytes(rationale, max_bytes, "rationale", "The rationale is too long.")
    if is_retired(status):
        raise Conflict(f"This position is {status}; stances are closed.", "closed")
    if previous == (view, rationale.strip()):
        raise Invalid("That is already the recorded stance.", "no_change", "stance")


@dataclass(frozen=True)
class Divergence:
    """How far apart the partners are on one position. Larger sorts first on the board."""

    spread: int  # distance between the most and least supportive decided views
    opposing: int
    reservations: int
    undecided: int  # includes partners with no stance yet

    @property
    def score(self) -> tuple[int, int, int, int]:
        return (self.spread, self.opposing, self.reservations, self.undecided)


def divergence(views: Mapping[int, View], partners: Iterable[Partner]) -> Divergence:
    """The divergence of the required partners' views (a partner without a stance is undecided)."""
    held = [views.get(p.id, View.UNDECIDED) for p in partners]
    decided = [_DISTANCE[v] for v in held if v in _DISTANCE]
    return Divergence(
        spread=(max(decided) - min(decided)) if decided else 0,
        opposing=held.count(View.OPPOSE),
        reservations=held.count(View.RESERVATIONS),
        undecided=held.count(View.UNDECIDED),
    )


class Trend(StrEnum):
    UNIFIED = "unified"  # the current text is the published alliance position
    CONVERGING = "converging"  # every partner supports; sign-off still to come
    DIVERGING = "diverging"  # some partner opposes or has reservations
    DIFFER = "differ"  # the alliance has agreed to differ
    OPEN = "open"  # views still forming


TREND_LABELS = {
    Trend.UNIFIED: "Unified",
    Trend.CONVERGING: "Converging",
    Trend.DIVERGING: "Diverging",
    Trend.DIFFER: "Agreed to differ",
    Trend.OPEN: "Views forming",
}


def trend(status: PositionStatus, views: Mapping[int, View], partners: Iterable[Partner]) -> Trend:
    partners = list(partners)
    if status is PositionStatus.DIFFER:
        return Trend.DIFFER
    if status is PositionStatus.PUBLISHED:
        return Trend.UNIFIED
    held = [views.get(p.id, View.UNDECIDED) for p in partners]
    if any(v in (View.OPPOSE, View.RESERVATIONS) for v in held):
        return Trend.DIVERGING
    if held and all(v is View.SUPPORT for v in held):
        return Trend.CONVERGING
    return Trend.OPEN


def sort_key(div: Divergence, title: str) -> tuple:
    """Furthest apart first; ties alphabetical, so the order never favours anyone."""
    return (tuple(-x for x in div.score), title.casefold())


# ---- amendments -----------------------------------------------------------------------------


class AmendmentFit(StrEnum):
    APPLIES = "applies"  # merges cleanly onto the current text
    CONFLICTS = "conflicts"  # the current text changed where the amendment changes it
    INCORPORATED = "incorporated"  # the current text already says what it proposes


@dataclass(frozen=True)
class AmendmentCheck:
    fit: AmendmentFit
    merged_text: str | None  # the current text with the amendment applied, when it applies


def check_amendment(base_body: str, proposed_body: str, current_body: str) -> AmendmentCheck:
    """Whether proposed wording (made against base) still applies to the current text."""
    if normalise(proposed_body) == normalise(current_body):
        return AmendmentCheck(AmendmentFit.INCORPORATED, None)
    merge = diffing.three_way_merge(base_body, proposed_body, current_body)
    if not merge.clean:
        return AmendmentCheck(AmendmentFit.CONFLICTS, None)
    if normalise(merge.text) == normalise(current_body):
        return AmendmentCheck(AmendmentFit.INCORPORATED, None)
    return AmendmentCheck(AmendmentFit.APPLIES, merge.text)


class AmendmentStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"


def check_proposal(base_body: str, body: str, reason: str, max_bytes: int) -> str:
    """Proposed wording says why, fits the limit and changes the revision; the reason, stripped."""
    reason = required(reason, "reason", "Say why you propose this wording.")
    within_bytes(body, max_bytes, "body", "The proposed text is too long.")
    if body == base_body:
        raise Invalid("The proposed text is the same as the revision.", "no_change", "body")
    return reason


def check_decline(reason: str) -> str:
    return required(reason, "reason", "Say why the amendment is declined.")


def check_amendment_open(status: AmendmentStatus) -> None:
    if status is not AmendmentStatus.OPEN:
        raise Conflict(f"This amendment was already {status.value}.", "already_decided")


# ---- agree to differ ------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    partner_id: int
    text: str


@dataclass(frozen=True)
class Confirmation:
    partner_id: int
    statements_hash: str


def statements_hash(statements: Iterable[Statement]) -> str:
    """One hash over every partner's latest statement: a confirmation is bound to all of them."""
    canonical = "\x1e".join(
        f"{s.partner_id}\x1f{normalise(s.text)}"
        for s in sorted(statements, key=lambda s: s.partner_id)
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class DifferStanding:
    partner: Partner
    statement: Statement | None
    state: PartnerState  # approved = confirmed these statements; stale = confirmed earlier ones


@dataclass(frozen=True)
class DifferOutcome:
    standings: tuple[DifferStanding, ...]
    statements_hash: str

    @property
    def missing_statements(self) -> tuple[Partner, ...]:
        return tuple(s.partner for s in self.standings if s.statement is None)

    @property
    def unconfirmed(self) -> tuple[Partner, ...]:
        return tuple(s.partner for s in self.standings if s.state is not PartnerState.APPROVED)

    @property
    def publishable(self) -> bool:
        return bool(self.standings) and not self.missing_statements and not self.unconfirmed


def assess_differ(
    partners: Iterable[Partner],
    statements: Mapping[int, Statement],
    confirmations: Mapping[int, Confirmation],
    day: date,
) -> DifferOutcome:
    """Each required partner's statement and confirmation. A changed statement makes every
    earlier confirmation stale, just as an edit makes approvals stale."""
    required = required_signatories(partners, day)
    current = [statements[p.id] for p in required if p.id in statements]
    digest = statements_hash(current)
    standings = []
    for partner in required:
        confirmation = confirmations.get(partner.id)
        if confirmation is None:
            state = PartnerState.AWAITING
        elif confirmation.statements_hash == digest:
            state = PartnerState.APPROVED
        else:
            state = PartnerState.STALE
        standings.append(DifferStanding(partner, statements.get(partner.id), state))
    return DifferOutcome(tuple(standings), digest)


def check_differ_open(status: PositionStatus) -> None:
    """Statements and confirmations are taken while the partners have not yet agreed to differ."""
    if is_retired(status):
        raise Conflict(f"This position is {status}.", "closed")
    if status is PositionStatus.DIFFER:
        raise Conflict(
            "The partners have already agreed to differ; reopen the position to change that.",
            "already_differ",
        )


def check_statement(text: str, max_bytes: int) -> str:
    """A partner's statement says something and fits the limit; the text, stripped."""
    stripped = required(text, "statement", "Write the statement first.")
    within_bytes(text, max_bytes, "statement", "The statement is too long.")
    return stripped


def check_reopenable(status: PositionStatus, outcome_published: bool) -> None:
    if status is not PositionStatus.DIFFER or not outcome_published:
        raise Conflict("This position is not agreed-to-differ.", "not_differ")


def check_differ_confirmation(outcome: DifferOutcome) -> None:
    """A partner confirms the outcome only once every partner has written its statement."""
    missing = outcome.missing_statements
    if missing:
        names = ", ".join(p.name for p in missing)
        raise Conflict(
            f"Every partner needs a statement first; missing: {names}.",
            "statement_missing",
            partners=[p.slug for p in missing],
        )


def review_due(review_by: date | None, day: date) -> bool:
    return review_by is not None and review_by <= day


def review_overdue(review_by: date | None, day: date) -> bool:
    """Due on the day itself; overdue once that day has passed."""
    return review_by is not None and review_by < day
