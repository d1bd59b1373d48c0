"""`flask notify due`: deadline reminders, each at most once."""

from datetime import timedelta

from sqlalchemy import select

from app.alliance.settings import clock_of
from app.drafting.models import Position
from app.notifications.models import Notification
from app.notifications.services.reminders import send_due_reminders
from tests.support.factories import approve, make_position


def test_an_overdue_decision_is_reminded_once_per_day(app, session, alliance):
    from app.drafting.services import cycle

    position = make_position(alliance.drafter, title="Clean rivers")
    cycle.mark_ready(session, alliance.drafter, position.id)
    approve(alliance.chiefs["moorland"], position)
    today = clock_of(session).today()
    session.get(Position, position.id).decision_due = today - timedelta(days=7)
    session.flush()
    first = send_due_reminders(session)
    again = send_due_reminders(session)
    told = list(
        session.execute(select(Notification).where(Notification.kind == "overdue")).scalars()
    )
    if first == 0:  # a weekend or bank holiday: no reminders today
        assert told == []
        return
    assert again == 0
    chiefs = {alliance.chiefs["harbourside"].id, alliance.chiefs["riverbank"].id}
    assert first == 2  # Harbourside and Riverbank still owe a decision
    assert chiefs | {alliance.admin.id} <= {m.recipient_id for m in told}  # long overdue
    assert alliance.chiefs["moorland"].id not in {m.recipient_id for m in told}
    assert all("is overdue" in m.subject for m in told)
    runner = app.test_cli_runner()
    assert "Queued 0 reminders." in runner.invoke(args=["notify", "due"]).output
