"""`flask notify due`: deadline reminders and "a meeting tomorrow", each at most once.

The clock stands still on fixed days (the alliance is in Europe/London, on summer time in June),
so the weekday rules are tested every day the suite runs, not only on weekdays.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.alliance import settings as alliance_settings
from app.drafting.models import Position
from app.notifications.models import Notification
from app.notifications.services.reminders import send_due_reminders
from tests.support.client import login
from tests.support.factories import approve, grant, make_meeting, make_position, speak

WEDNESDAY = datetime(2026, 6, 10, 9, tzinfo=UTC)  # 10:00 in London
SATURDAY = datetime(2026, 6, 13, 9, tzinfo=UTC)
JANUARY = datetime(2026, 1, 5, 9, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """`clock(moment)` stands the alliance's clock at `moment` until the test ends."""

    def stand_at(moment: datetime) -> None:
        monkeypatch.setattr(alliance_settings, "utcnow", lambda: moment)

    stand_at(WEDNESDAY)
    return stand_at


def told(session, kind: str) -> list[Notification]:
    query = select(Notification).where(Notification.kind == kind).order_by(Notification.id)
    return list(session.execute(query).scalars())


def ready_position(session, alliance, *, due: date, title="Clean rivers") -> Position:
    from app.drafting.services import cycle

    position = make_position(alliance.drafter, title=title)
    cycle.mark_ready(session, alliance.drafter, position.id)
    approve(alliance.chiefs["moorland"], position)
    session.get(Position, position.id).decision_due = due
    session.flush()
    return position


def test_an_overdue_decision_is_reminded_once_per_day(app, session, alliance, clock):
    ready_position(session, alliance, due=date(2026, 6, 3))  # five working days ago
    first = send_due_reminders(session)
    again = send_due_reminders(session)
    overdue = told(session, "overdue")
    assert first == 2  # Harbourside and Riverbank still owe a decision
    assert again == 0
    chiefs = {alliance.chiefs["harbourside"].id, alliance.chiefs["riverbank"].id}
    assert chiefs | {alliance.admin.id} <= {m.recipient_id for m in overdue}  # long overdue
    assert alliance.chiefs["moorland"].id not in {m.recipient_id for m in overdue}
    assert all("is overdue" in m.subject for m in overdue)
    runner = app.test_cli_runner()
    assert "Queued 0 reminders." in runner.invoke(args=["notify", "due"]).output


def test_an_overdue_decision_is_reminded_again_the_next_working_day(session, alliance, clock):
    ready_position(session, alliance, due=date(2026, 6, 3))
    assert send_due_reminders(session) == 2
    clock(WEDNESDAY + timedelta(days=1))
    assert send_due_reminders(session) == 2  # a new overdue day, a new reminder
    assert send_due_reminders(session) == 0


def test_a_decision_due_in_two_working_days_is_reminded_once_per_deadline(session, alliance, clock):
    ready_position(session, alliance, due=date(2026, 6, 12))  # Friday
    assert send_due_reminders(session) == 2
    clock(WEDNESDAY + timedelta(days=1))
    assert send_due_reminders(session) == 0  # the same deadline: told already
    due = told(session, "decision_due")
    assert {m.recipient_id for m in due} == {
        alliance.chiefs["harbourside"].id,
        alliance.chiefs["riverbank"].id,
    }
    assert all("due soon" in m.reason for m in due)


def test_no_deadline_reminders_at_the_weekend(session, alliance, clock):
    clock(SATURDAY)
    ready_position(session, alliance, due=date(2026, 6, 3))
    assert send_due_reminders(session) == 0
    assert told(session, "overdue") == []


# ---- a meeting tomorrow at which I speak ---------------------------------------------------


def meeting_with(alliance, speaker, *, starts_at: datetime, title="Rivers committee", **kwargs):
    meeting = make_meeting(alliance.comms, title=title, starts_at=starts_at, **kwargs)
    speak(alliance.comms, meeting, speaker)
    return meeting


def test_each_speaker_at_tomorrows_meeting_gets_its_briefing_link_once(
    app, session, alliance, clock
):
    chief = alliance.chiefs["harbourside"]
    other = alliance.chiefs["moorland"]
    tomorrow = datetime(2026, 6, 11, 13, 30, tzinfo=UTC)  # 14:30 in London
    meeting = meeting_with(alliance, chief, starts_at=tomorrow)
    speak(alliance.comms, meeting, other, capacity="moorland")
    meeting.place = "Committee Room 4"
    session.flush()

    assert send_due_reminders(session) == 2
    assert send_due_reminders(session) == 0  # never twice for the same meeting day
    messages = told(session, "meeting_tomorrow")
    assert sorted(m.recipient_id for m in messages) == sorted([chief.id, other.id])
    message = next(m for m in messages if m.recipient_id == chief.id)
    assert message.subject == "Tomorrow you speak at “Rivers committee”"
    assert "tomorrow, Thursday 11 June, at 14:30 BST, at Committee Room 4" in message.body
    assert "you are down to speak at “Rivers committee”" in message.reason
    assert message.link == f"/meetings/{meeting.id}/briefing"
    assert alliance.comms.id not in {m.recipient_id for m in messages}  # recorded, not speaking

    client = app.test_client()
    login(client, chief)
    assert client.get(message.link).status_code == 200  # the link leads to the briefing


def test_tomorrow_is_the_alliances_tomorrow_not_utcs(session, alliance, clock):
    clock(datetime(2026, 6, 10, 23, 30, tzinfo=UTC))  # already 00:30 on Thursday in London
    chief = alliance.chiefs["harbourside"]
    # 23:30 UTC on Thursday is 00:30 on Friday in London: tomorrow.
    friday = meeting_with(alliance, chief, starts_at=datetime(2026, 6, 11, 23, 30, tzinfo=UTC))
    # 22:30 UTC on Thursday is 23:30 on Thursday in London: today, so no reminder.
    meeting_with(
        alliance, chief, title="Late debate", starts_at=datetime(2026, 6, 11, 22, 30, tzinfo=UTC)
    )
    assert send_due_reminders(session) == 1
    [message] = told(session, "meeting_tomorrow")
    assert message.link == f"/meetings/{friday.id}/briefing"


def test_a_meeting_moved_to_another_day_is_news_again(session, alliance, clock):
    chief = alliance.chiefs["harbourside"]
    meeting = meeting_with(alliance, chief, starts_at=datetime(2026, 6, 11, 9, tzinfo=UTC))
    assert send_due_reminders(session) == 1
    session.get(type(meeting), meeting.id).starts_at = datetime(2026, 6, 12, 9, tzinfo=UTC)
    session.flush()
    clock(WEDNESDAY + timedelta(days=1))
    assert send_due_reminders(session) == 1
    assert send_due_reminders(session) == 0


def test_no_reminder_for_a_cancelled_meeting_or_one_not_tomorrow(session, alliance, clock):
    chief = alliance.chiefs["harbourside"]
    cancelled = meeting_with(alliance, chief, starts_at=datetime(2026, 6, 11, 9, tzinfo=UTC))
    session.get(type(cancelled), cancelled.id).status = "cancelled"
    meeting_with(alliance, chief, title="Next week", starts_at=datetime(2026, 6, 17, 9, tzinfo=UTC))
    meeting_with(alliance, chief, title="Today", starts_at=datetime(2026, 6, 10, 15, tzinfo=UTC))
    session.flush()
    assert send_due_reminders(session) == 0
    assert told(session, "meeting_tomorrow") == []


def test_meeting_reminders_go_out_at_the_weekend_too(session, alliance, clock):
    clock(SATURDAY)
    meeting_with(alliance, alliance.chiefs["riverbank"], starts_at=SATURDAY + timedelta(days=1))
    assert send_due_reminders(session) == 1


# ---- a mandate granted, or ending soon ---------------------------------------------------


def test_granting_a_mandate_tells_its_holder_what_and_until_when(app, session, alliance):
    holder = alliance.chiefs["riverbank"]
    grant(alliance.admin, holder, [alliance.area], date(2026, 6, 1), date(2026, 12, 31))
    [message] = told(session, "mandate")
    assert message.recipient_id == holder.id
    assert message.subject == f"You may speak for the alliance on {alliance.area.name}"
    assert "from 1 June 2026 to 31 December 2026" in message.body
    assert alliance.admin.name in message.body
    assert message.link == "/meetings/mandates"
    client = app.test_client()
    login(client, holder)
    assert client.get(message.link).status_code == 200


def ending_mandate(session, alliance, *, ends_on: date, granted_at: datetime):
    mandate = grant(alliance.admin, alliance.chiefs["riverbank"], [alliance.area], ends_on=ends_on)
    mandate.created_at = granted_at
    session.flush()
    return mandate


def test_a_mandate_ending_within_the_week_is_told_once(session, alliance, clock):
    ending_mandate(session, alliance, ends_on=date(2026, 6, 15), granted_at=JANUARY)
    assert send_due_reminders(session) == 1
    assert send_due_reminders(session) == 0
    clock(WEDNESDAY + timedelta(days=1))
    assert send_due_reminders(session) == 0  # the same end: told already
    ending = [m for m in told(session, "mandate") if "ends on" in m.subject]
    assert [m.subject for m in ending] == [
        "Your mandate to speak for the alliance ends on 15 June 2026"
    ]


def test_no_ending_reminder_too_early_or_for_a_mandate_granted_that_close_to_its_end(
    session, alliance, clock
):
    ending_mandate(session, alliance, ends_on=date(2026, 6, 18), granted_at=JANUARY)
    ending_mandate(session, alliance, ends_on=date(2026, 6, 12), granted_at=WEDNESDAY)
    grant(alliance.admin, alliance.chiefs["moorland"], [alliance.area])  # no end date
    assert send_due_reminders(session) == 0
