"""Date-driven reminders (`flask notify due`): a decision due in two working days, overdue, a
meeting tomorrow at which I speak, and a mandate ending soon.

Run by the sender loop or cron, as often as liked: each reminder is recorded in the audit log
under its key (positions/notifying.py: Reminder.key, meeting_reminder_key, mandate_ending_key)
and never sent twice. The run first takes the audit log's head lock, so two runs at once take
turns and the second sees what the first sent.
"""

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.alliance.settings import calendar_of, clock_of
from app.audit import services as audit
from app.audit.models import AuditEvent, AuditHead
from app.drafting.models import Position
from app.meetings.models import Appearance, Mandate, Meeting
from app.notifications.services.events import mandate_ending, path_for, signers_today
from app.notifications.services.outbox import notify
from positions import consensus as core
from positions import meetings as meeting_rules
from positions import notifying as rules

ACTION = "notifications.reminder"


def _sent(session: Session, key: str) -> bool:
    found = select(AuditEvent.id).where(AuditEvent.action == ACTION, AuditEvent.object_id == key)
    return session.execute(found.limit(1)).first() is not None


def send_due_reminders(session: Session) -> int:
    """Queue today's reminders not sent yet; returns how many: one per (partner, position) for
    deadlines, one per (speaker, meeting) for tomorrow's meetings, one per mandate ending soon."""
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq))
    count = _deadline_reminders(session) + _meeting_reminders(session) + _mandate_reminders(session)
    session.flush()
    return count


def _deadline_reminders(session: Session) -> int:
    from app.drafting.services.consensus import consensus_for_many

    today = clock_of(session).today()
    calendar = calendar_of(session)
    ready = list(
        session.execute(
            select(Position).where(
                Position.ready_at.is_not(None),
                Position.decision_due.is_not(None),
                Position.status == core.PositionStatus.DRAFT,
            )
        ).scalars()
    )
    if not ready:
        return 0
    consensus = consensus_for_many(session, ready)
    admins = [
        uid
        for uid, roles in session.execute(select(User.id, User.roles).where(User.active))
        if "admin" in roles.split(",")
    ]
    count = 0
    for position in ready:
        reminder = rules.reminder_for(position.decision_due, today, calendar)
        if reminder is None:
            continue
        revision = position.current_revision.number
        for standing in consensus[position.id].not_approving:
            objected = standing.state is core.PartnerState.OBJECTED
            if objected and standing.revision_number == revision:
                continue  # an objection to this very text is a decision made, not one owed
            key = reminder.key(
                position_id=position.id, revision=revision, partner_id=standing.partner.id
            )
            if _sent(session, key):
                continue
            partner = {standing.partner.id: standing.partner.name}
            notify(
                session,
                reminder.kind,
                rules.reminder_recipients(
                    reminder=reminder,
                    signers=signers_today(session, partner),
                    admins=admins,
                    title=position.title,
                ),
                link=path_for("drafting.show", position_id=position.id) + "#sign-off",
                about=("position", position.id),
                title=position.title,
                partner=standing.partner.name,
                revision=revision,
                due=position.decision_due.strftime("%-d %B %Y"),
                late=reminder.late,
            )
            audit.record(session, ACTION, object_type="reminder", object_id=key)
            count += 1
    return count


def _meeting_reminders(session: Session) -> int:
    """Each speaker logged for a planned meeting that starts tomorrow in the alliance's zone
    gets its briefing link, once per meeting day (moved to another day, it is news again)."""
    clock = clock_of(session)
    today = clock.today()
    tomorrow = today + timedelta(days=1)
    meetings = (
        session.execute(
            select(Meeting)
            .where(
                Meeting.status == meeting_rules.MeetingStatus.PLANNED,
                Meeting.starts_at >= clock.day_start(tomorrow),
                Meeting.starts_at < clock.day_start(tomorrow + timedelta(days=1)),
            )
            .order_by(Meeting.starts_at, Meeting.id)
        )
        .scalars()
        .all()
    )
    count = 0
    for meeting in meetings:
        day = clock.local_date(meeting.starts_at)
        if not rules.meets_tomorrow(day, today):
            continue
        speakers = session.execute(
            select(Appearance.speaker_id).where(Appearance.meeting_id == meeting.id).distinct()
        ).scalars()
        for recipient in rules.meeting_tomorrow_recipients(speakers=speakers, title=meeting.title):
            key = rules.meeting_reminder_key(
                meeting_id=meeting.id, speaker_id=recipient.user_id, day=day
            )
            if _sent(session, key):
                continue
            notify(
                session,
                rules.Kind.MEETING_TOMORROW,
                [recipient],
                link=path_for("meetings.briefing", meeting_id=meeting.id),
                about=("meeting", meeting.id),
                meeting=meeting.title,
                starts=clock.local(meeting.starts_at).strftime("tomorrow, %A %-d %B, at %H:%M %Z"),
                place=meeting.place,
            )
            audit.record(session, ACTION, object_type="reminder", object_id=key)
            count += 1
    return count


def _mandate_reminders(session: Session) -> int:
    """A mandate that ends within the week: its holder hears of it once, in time to ask again."""
    clock = clock_of(session)
    today = clock.today()
    ending = (
        session.execute(
            select(Mandate)
            .where(
                Mandate.ends_on >= today,
                Mandate.ends_on <= today + timedelta(days=rules.MANDATE_ENDING_DAYS),
            )
            .order_by(Mandate.id)
        )
        .scalars()
        .all()
    )
    count = 0
    for mandate in ending:
        granted_on = clock.local_date(mandate.created_at)
        if not rules.mandate_ends_soon(ends_on=mandate.ends_on, granted_on=granted_on, today=today):
            continue
        key = rules.mandate_ending_key(mandate_id=mandate.id, ends_on=mandate.ends_on)
        if _sent(session, key):
            continue
        mandate_ending(session, mandate)
        audit.record(session, ACTION, object_type="reminder", object_id=key)
        count += 1
    return count
