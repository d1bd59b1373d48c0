"""Meetings: their kinds and statuses, what a meeting record must be, and organisation names.

The spokesperson log's other rules (mandates, flags) are positions/mandate.py.
"""

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from positions.refusals import Invalid
from positions.validation import within

TITLE_MAX = 200
TEXT_MAX = 200  # each short field: place, organiser, an audience row's names, an alias
MINUTES_MAX = 20000
AUDIENCE_MAX = 100  # audience rows in one meeting
FEED_NAME_MAX = 120  # the name of a private calendar link


class MeetingKind(StrEnum):
    MEETING = "meeting"
    CONFERENCE = "conference"
    CONSULTATION = "consultation"
    EVIDENCE = "parliamentary_evidence"
    INTERVIEW = "media_interview"


KIND_LABELS = {
    MeetingKind.MEETING: "Meeting",
    MeetingKind.CONFERENCE: "Conference",
    MeetingKind.CONSULTATION: "Consultation",
    MeetingKind.EVIDENCE: "Parliamentary evidence",
    MeetingKind.INTERVIEW: "Media interview",
}


class MeetingStatus(StrEnum):
    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


STATUS_LABELS = {
    MeetingStatus.PLANNED: "Planned",
    MeetingStatus.HELD: "Held",
    MeetingStatus.CANCELLED: "Cancelled",
}


def check_meeting(title: str, starts_at: datetime, ends_at: datetime | None) -> None:
    if not title.strip():
        raise Invalid("Give the meeting a title.", "title_required", "title")
    if len(title) > TITLE_MAX:
        raise Invalid(
            f"Keep the title to {TITLE_MAX} characters or fewer.", "title_too_long", "title"
        )
    if ends_at is not None and ends_at < starts_at:
        raise Invalid(
            "The meeting ends before it starts: check the times.", "end_before_start", "ends_at"
        )


def check_text(value: str, field: str, limit: int = TEXT_MAX) -> str:
    """A short text field, stripped, within its limit."""
    label = field.replace("_", " ")
    return within(
        value, limit, field, f"Keep the {label} to {limit} characters or fewer.", "too_long"
    )


def check_audience(rows: Sequence[tuple[str, str, str, str]]) -> None:
    """The audience: (organisation, person, role, represents) rows, each naming an organisation."""
    if len(rows) > AUDIENCE_MAX:
        raise Invalid(
            f"A meeting takes at most {AUDIENCE_MAX} audience rows.", field="counterparts"
        )
    for number, (organisation, person, role, represents) in enumerate(rows, 1):
        if not organisation.strip():
            raise Invalid(
                f"Audience row {number}: name the organisation "
                f"({person or role or represents} works for whom?).",
                "organisation_required",
                "counterparts",
            )
        for field, value in zip(
            ("organisation", "person", "role", "represents"),
            (organisation, person, role, represents),
            strict=True,
        ):
            check_text(value, field)


def feed_name(name: str) -> str:
    """A private calendar link's name; unnamed, it is 'My calendar'."""
    name = (name or "").strip() or "My calendar"
    return within(name, FEED_NAME_MAX, "name", f"Keep the name to {FEED_NAME_MAX} characters.")


def is_upcoming(starts_at: datetime, ends_at: datetime | None, now: datetime) -> bool:
    return (ends_at or starts_at) >= now


def normalise_name(name: str) -> str:
    """The key an organisation or alias is found by: case, spacing and punctuation ignored."""
    kept = "".join(ch if ch.isalnum() else " " for ch in name.casefold())
    key = " ".join(kept.split())
    for prefix in ("the ",):
        if key.startswith(prefix):
            key = key[len(prefix) :]
    return key
