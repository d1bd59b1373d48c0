"""Speaking for the alliance: mandates, and the checks on every spokesperson-log entry.

Plain values in, plain values out. The app asks these functions two questions: what text a
position had at a given moment, and which flags an appearance earns. Meetings themselves are
positions/meetings.py; who may do what is positions/roles.py.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from positions.refusals import Invalid
from positions.validation import required, within

SUMMARY_MAX = 4000  # what was said, and the follow-up
NOTE_MAX = 2000  # a flag's review note
MANDATE_NOTE_MAX = 300
POSITIONS_MAX = 50  # positions one appearance may cite


class Capacity(StrEnum):
    ALLIANCE = "alliance"  # speaking for the alliance: needs a mandate and a unified text
    PARTNER = "partner"  # speaking for one named partner, which is that partner's business


class FlagKind(StrEnum):
    NO_MANDATE = "no_mandate"  # (a) spoke for the alliance without a mandate for the area
    NO_UNIFIED_TEXT = "no_unified_text"  # (b) cited a position with no published unified text
    WITHDRAWN_LATER = "withdrawn_later"  # (c) cited a position that was withdrawn afterwards
    # (d) cited a published position while a partner had said it no longer supports it
    DISPUTED = "disputed"


FLAG_LABELS = {
    FlagKind.NO_MANDATE: "No mandate",
    FlagKind.NO_UNIFIED_TEXT: "No agreed text",
    FlagKind.WITHDRAWN_LATER: "Later withdrawn",
    FlagKind.DISPUTED: "Partner no longer supports",
}


class FlagState(StrEnum):
    """The flag filter of the log: any flag, an unreviewed one, all reviewed, or none."""

    FLAGGED = "flagged"
    UNREVIEWED = "unreviewed"
    REVIEWED = "reviewed"
    CLEAN = "clean"


def may_speak_for_partner(speaker_partner_id: int | None, partner_id: int) -> bool:
    """Someone speaks for a partner only if they belong to it; its chief officer always may."""
    return speaker_partner_id is not None and speaker_partner_id == partner_id


# ---- mandates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mandate:
    user_id: int
    area_ids: frozenset[int]
    starts_on: date
    ends_on: date | None = None  # inclusive; None means until further notice
    id: int = 0  # the record's, so a caller can find the mandates the rules chose


def check_mandate(
    starts_on: date, ends_on: date | None, area_ids: Iterable[int], note: str = ""
) -> None:
    if not set(area_ids):
        raise Invalid("Choose at least one policy area.", "areas_required", "areas")
    if ends_on is not None and ends_on < starts_on:
        raise Invalid(
            f"The mandate ends ({ends_on:%-d %b %Y}) before it starts ({starts_on:%-d %b %Y}).",
            "dates_reversed",
            "ends_on",
        )
    within(note, MANDATE_NOTE_MAX, "note", f"Keep the note to {MANDATE_NOTE_MAX} characters.")


def mandate_in_force(mandate: Mandate, day: date) -> bool:
    return mandate.starts_on <= day and (mandate.ends_on is None or day <= mandate.ends_on)


def mandate_covers(mandate: Mandate, area_id: int, day: date) -> bool:
    return area_id in mandate.area_ids and mandate_in_force(mandate, day)


def has_mandate(mandates: Iterable[Mandate], user_id: int, area_id: int, day: date) -> bool:
    return any(m.user_id == user_id and mandate_covers(m, area_id, day) for m in mandates)


def mandates_for(mandates: Iterable[Mandate], area_ids: Iterable[int], day: date) -> list[Mandate]:
    """The mandates in force on `day` for any of these areas (for a briefing)."""
    wanted = set(area_ids)
    return [m for m in mandates if mandate_in_force(m, day) and m.area_ids & wanted]


# ---- what a position said at a moment -------------------------------------------------------


class TextState(StrEnum):
    PUBLISHED = "published"  # a unified text was published and stood
    UNPUBLISHED = "unpublished"  # never published by then: a draft
    DIFFER = "differ"  # the partners had agreed to differ
    WITHDRAWN = "withdrawn"  # withdrawn by then


TEXT_STATE_LABELS = {
    TextState.PUBLISHED: "published",
    TextState.UNPUBLISHED: "not yet published (draft)",
    TextState.DIFFER: "agreed to differ: no alliance line",
    TextState.WITHDRAWN: "withdrawn",
}


@dataclass(frozen=True)
class Publication:
    revision_id: int
    revision_number: int
    at: datetime


@dataclass(frozen=True)
class DifferPeriod:
    start: datetime
    end: datetime | None = None  # when the outcome was reopened


@dataclass(frozen=True)
class DissentPeriod:
    """While one partner said it no longer supports the published text."""

    partner: str  # the partner's name
    start: datetime
    end: datetime | None = None  # when the partner retracted it


@dataclass(frozen=True)
class PositionHistory:
    position_id: int
    area_id: int
    publications: tuple[Publication, ...] = ()
    differ_periods: tuple[DifferPeriod, ...] = ()
    withdrawn_at: datetime | None = None  # set only while the position stands withdrawn
    dissent_periods: tuple[DissentPeriod, ...] = ()


def dissenting_at(history: PositionHistory, when: datetime) -> list[str]:
    """The partners that had said, at `when`, that they no longer support the text (by name)."""
    return sorted(
        {
            p.partner
            for p in history.dissent_periods
            if p.start <= when and (p.end is None or when < p.end)
        },
        key=str.casefold,
    )


@dataclass(frozen=True)
class StandingAt:
    state: TextState
    publication: Publication | None  # the revision published then, when the state is PUBLISHED


def standing_at(history: PositionHistory, when: datetime) -> StandingAt:
    """Whether a unified text stood at `when`, and which revision it was.

    Withdrawal and agree-to-differ both mean there was no alliance line then, even if a text
    had been published before.
    """
    if history.withdrawn_at is not None and history.withdrawn_at <= when:
        return StandingAt(TextState.WITHDRAWN, None)
    for period in history.differ_periods:
        if period.start <= when and (period.end is None or when < period.end):
            return StandingAt(TextState.DIFFER, None)
    published = [p for p in history.publications if p.at <= when]
    if not published:
        return StandingAt(TextState.UNPUBLISHED, None)
    return StandingAt(TextState.PUBLISHED, max(published, key=lambda p: (p.at, p.revision_number)))


def published_revision_at(history: PositionHistory, when: datetime) -> Publication | None:
    return standing_at(history, when).publication


# ---- the checks on an appearance ------------------------------------------------------------


def check_summary(text: str, field: str) -> str:
    """What was said (or the follow-up), stripped, within its limit."""
    label = field.replace("_", " ")
    return within(
        text, SUMMARY_MAX, field, f"Keep the {label} to {SUMMARY_MAX} characters.", "too_long"
    )


def check_cited(count: int) -> None:
    if count > POSITIONS_MAX:
        raise Invalid(f"Cite at most {POSITIONS_MAX} positions.", field="positions")


def check_review_note(note: str) -> str:
    """A flag is reviewed with a note saying what was checked; the note, stripped."""
    note = required(note, "note", "Write a note: what was checked, and what was decided.")
    return within(note, NOTE_MAX, "note", f"Keep the note to {NOTE_MAX} characters.")


@dataclass(frozen=True)
class AppearanceFacts:
    speaker_id: int
    capacity: Capacity
    starts_at: datetime  # when the meeting took place
    day: date  # the meeting's date in the alliance's time zone
    meeting_area_ids: frozenset[int]
    positions: tuple[PositionHistory, ...] = ()


@dataclass(frozen=True, order=True)
class Finding:
    """One reason to flag an appearance. `subject` identifies it among the appearance's flags."""

    kind: FlagKind
    subject: str
    position_id: int | None = None
    area_id: int | None = None
    detail: str = ""


def areas_spoken_to(facts: AppearanceFacts) -> frozenset[int]:
    """The areas of the positions cited; when none was cited, the meeting's areas."""
    cited = frozenset(p.area_id for p in facts.positions)
    return cited or facts.meeting_area_ids


def evaluation_moment(starts_at: datetime, now: datetime) -> datetime:
    """A meeting still ahead is judged on what stands now; it is judged again once held."""
    return min(starts_at, now)


def check_appearance(
    facts: AppearanceFacts, mandates: Iterable[Mandate], now: datetime
) -> tuple[Finding, ...]:
    """The flags an appearance earns. Speaking for one's own partner is never flagged."""
    if facts.capacity is not Capacity.ALLIANCE:
        return ()
    mandates = [m for m in mandates if m.user_id == facts.speaker_id]
    findings: list[Finding] = []
    areas = areas_spoken_to(facts)
    if not areas and not any(mandate_in_force(m, facts.day) for m in mandates):
        findings.append(
            Finding(FlagKind.NO_MANDATE, "any", detail="no mandate of any kind on that date")
        )
    for area_id in sorted(areas):
        if not has_mandate(mandates, facts.speaker_id, area_id, facts.day):
            findings.append(Finding(FlagKind.NO_MANDATE, f"area:{area_id}", area_id=area_id))
    moment = evaluation_moment(facts.starts_at, now)
    for history in sorted(facts.positions, key=lambda h: h.position_id):
        standing = standing_at(history, moment)
        if standing.state is not TextState.PUBLISHED:
            findings.append(
                Finding(
                    FlagKind.NO_UNIFIED_TEXT,
                    f"position:{history.position_id}",
                    position_id=history.position_id,
                    detail=TEXT_STATE_LABELS[standing.state],
                )
            )
        dissenting = dissenting_at(history, moment)
        if standing.state is TextState.PUBLISHED and dissenting:
            # The text still stood, but speaking for the alliance on it is for comms to check.
            findings.append(
                Finding(
                    FlagKind.DISPUTED,
                    f"position:{history.position_id}",
                    position_id=history.position_id,
                    detail=", ".join(dissenting) + " no longer supported it",
                )
            )
        withdrawn = history.withdrawn_at
        if withdrawn is not None and facts.starts_at < withdrawn <= now:
            findings.append(
                Finding(
                    FlagKind.WITHDRAWN_LATER,
                    f"position:{history.position_id}",
                    position_id=history.position_id,
                    detail=f"withdrawn on {withdrawn:%Y-%m-%d}",
                )
            )
    return tuple(findings)


@dataclass(frozen=True)
class FlagChanges:
    raise_: tuple[Finding, ...]  # findings with no open flag yet
    clear: tuple[str, ...]  # keys (kind:subject) of unreviewed flags that no longer apply


def reconcile(
    findings: Iterable[Finding], open_keys: Iterable[str], reviewed_keys: Iterable[str]
) -> FlagChanges:
    """What to write so the stored flags match the findings.

    A reviewed flag is history and is never touched: it is neither cleared nor raised again.
    An unreviewed flag that no longer applies (the entry was corrected) is cleared, not deleted.
    """
    findings = list(findings)
    wanted = {flag_key(f.kind, f.subject): f for f in findings}
    open_keys, reviewed_keys = set(open_keys), set(reviewed_keys)
    to_raise = tuple(
        f for key, f in sorted(wanted.items()) if key not in open_keys and key not in reviewed_keys
    )
    to_clear = tuple(sorted(key for key in open_keys if key not in wanted))
    return FlagChanges(to_raise, to_clear)


def flag_key(kind: str, subject: str) -> str:
    return f"{kind}:{subject}"
