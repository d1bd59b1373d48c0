"""Meetings: their kinds and statuses, what a meeting record must be, and organisation names.

The spokesperson log's other rules (mandates, flags) are positions/mandate.py.
"""

from datetime import datetime
from enum import StrEnum

from positions.refusals import Invalid

TITLE_MAX = 200


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
