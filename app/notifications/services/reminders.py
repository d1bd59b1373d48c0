"""Date-driven reminders: a decision due in two working days, and overdue (`flask notify due`).

Run by the sender loop or cron, as often as liked: each reminder is recorded in the audit log
under its key (positions/notifying.py Reminder.key) and never sent twice. The run first takes the
audit log's head lock, so two runs at once take turns and the second sees what the first sent.
"""

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.alliance.settings import calendar_of, clock_of
from app.audit import services as audit
from app.audit.models import AuditEvent, AuditHead
from app.drafting.models import Position
from app.notifications.services.events import path_for, signers_today
from app.notifications.services.outbox import notify
from positions import consensus as core
from positions import notifying as rules

ACTION = "notifications.reminder"


def _sent(session: Session, key: str) -> bool:
    found = select(AuditEvent.id).where(AuditEvent.action == ACTION, AuditEvent.object_id == key)
    return session.execute(found.limit(1)).first() is not None


def send_due_reminders(session: Session) -> int:
    """Queue today's reminders not sent yet; returns how many reminders (partner, position)."""
    from app.drafting.services.consensus import consensus_for_many

    session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq))
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
    session.flush()
    return count
