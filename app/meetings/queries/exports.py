"""Exports of the log: CSV for spreadsheets, iCalendar for calendars, private feed links."""

import csv
import io
from collections.abc import Iterator
from datetime import datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.alliance.settings import settings_of
from app.extensions import utcnow
from app.meetings.models import Appearance, Meeting
from app.meetings.queries.log import LogFilters, log_batches, shown_positions, upcoming_meetings
from positions import mandate as core
from positions import meetings as meeting_rules
from positions.clock import Clock

# A cell a spreadsheet would read as a formula (or DDE) starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
CSV_HEADER = (
    "Date ({zone})",
    "Meeting",
    "Audience",
    "Kind",
    "Speaker",
    "Speaker's partner",
    "Capacity",
    "Positions (revision)",
    "What was said",
    "Flags",
)
FEED_PAST_DAYS = 30  # recent meetings stay in the feed, so changes and cancellations reach it


def neutralise(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula (OWASP's advice:
    prefix a quote). Leading spaces do not hide a formula either."""
    text = "" if value is None else str(value)
    if text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _position_cell(appearance: Appearance, viewer: User | None) -> str:
    parts = []
    for cited in shown_positions(appearance, viewer):
        revision = f"rev. {cited.revision.number}" if cited.revision else cited.state
        # Signed out, a draft's new title is not public yet: the published one is shown.
        title = cited.position.title if viewer is not None else cited.position.public_title
        parts.append(f"{title} ({revision})")
    return "; ".join(parts)


def _flag_cell(appearance: Appearance) -> str:
    parts = []
    for flag in appearance.open_flags:
        label = core.FLAG_LABELS[core.FlagKind(flag.kind)]
        parts.append(f"{label} (reviewed)" if flag.reviewed else label)
    return "; ".join(parts)


def csv_row(appearance: Appearance, viewer: User | None, clock: Clock) -> list[str]:
    meeting = appearance.meeting
    audience = "; ".join(
        " – ".join(x for x in (c.organisation.name, c.person) if x) for c in meeting.counterparts
    )
    row = [
        clock.local(meeting.starts_at).strftime("%Y-%m-%d %H:%M"),
        meeting.title,
        audience,
        meeting_rules.KIND_LABELS[meeting_rules.MeetingKind(meeting.kind)],
        appearance.speaker.name,
        appearance.speaker_partner.name if appearance.speaker_partner else "Alliance team",
        appearance.partner.name if appearance.partner else "Alliance",
        _position_cell(appearance, viewer),
        appearance.summary,
        _flag_cell(appearance) if viewer is not None else "",
    ]
    return [neutralise(cell) for cell in row]


def log_csv(session: Session, viewer: User | None, filters: LogFilters) -> Iterator[str]:
    """The filtered log as CSV text, in chunks: a BOM so spreadsheets read UTF-8, CRLF lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    clock = settings_of(session).clock
    header = [h.format(zone=clock.zone.key) for h in CSV_HEADER]
    if viewer is None:
        header = header[:-1]
    writer.writerow(header)
    yield "\ufeff" + flush()
    for batch in log_batches(session, viewer, filters):
        for appearance in batch:
            row = csv_row(appearance, viewer, clock)
            writer.writerow(row if viewer is not None else row[:-1])
        yield flush()


# ---- iCalendar -------------------------------------------------------------------------------


def _description(meeting: Meeting, clock: Clock) -> str:
    lines = [meeting_rules.KIND_LABELS[meeting_rules.MeetingKind(meeting.kind)]]
    if meeting.organiser:
        lines.append(f"Organiser: {meeting.organiser}")
    if meeting.areas:
        lines.append("Policy areas: " + ", ".join(a.name for a in meeting.areas))
    if meeting.counterparts:
        lines.append("Audience:")
        for c in meeting.counterparts:
            who = ", ".join(x for x in (c.person, c.role) if x)
            lines.append(f"- {c.organisation.name}" + (f" ({who})" if who else ""))
    speakers = [a for a in meeting.appearances]
    if speakers:
        lines.append("Speakers:")
        for a in speakers:
            lines.append(f"- {a.speaker.name}, {a.capacity_label.lower()}")
    for previous in meeting.reschedules:
        moved = clock.local(previous.previous_starts_at)
        lines.append(f"Rescheduled from {moved:%-d %b %Y %H:%M %Z}")
    return "\n".join(lines)


def meeting_event(meeting: Meeting, clock: Clock, url: str | None = None) -> Event:
    event = Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", meeting.updated_at)
    event.add("created", meeting.created_at)
    event.add("last-modified", meeting.updated_at)
    event.add("sequence", meeting.sequence)
    event.add("summary", meeting.title)
    event.add("dtstart", clock.local(meeting.starts_at))
    if meeting.ends_at:
        event.add("dtend", clock.local(meeting.ends_at))
    if meeting.where:
        event.add("location", meeting.where)
    event.add("description", _description(meeting, clock))
    event.add(
        "status",
        "CANCELLED" if meeting.status == meeting_rules.MeetingStatus.CANCELLED else "CONFIRMED",
    )
    event.add("categories", [meeting_rules.KIND_LABELS[meeting_rules.MeetingKind(meeting.kind)]])
    event.add("class", "PUBLIC" if meeting.public else "CONFIDENTIAL")
    if url:
        event.add("url", url)
    return event


def calendar(
    session: Session, viewer: User | None, url_for_meeting=None, now: datetime | None = None
) -> bytes:
    """Upcoming meetings (and the last month's) as RFC 5545. Internal ones only for a person."""
    now = now or utcnow()
    settings = settings_of(session)
    cal = Calendar()
    cal.add("prodid", "-//Concord//Spokesperson log//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{settings.name}: meetings" + ("" if viewer else " (public)"))
    cal.add("x-wr-timezone", settings.time_zone.key)
    for meeting in upcoming_meetings(session, viewer, now - timedelta(days=FEED_PAST_DAYS)):
        cal.add_component(
            meeting_event(
                meeting, settings.clock, url_for_meeting(meeting) if url_for_meeting else None
            )
        )
    cal.add_missing_timezones()
    return cal.to_ical()
