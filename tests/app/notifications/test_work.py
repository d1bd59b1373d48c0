"""`flask notify work`: the long-running sender also runs the date-driven pass (`notify due`), on
start and then every few minutes, so no cron is needed beside it."""

from datetime import UTC, datetime

import pytest

from app.alliance import settings as alliance_settings
from app.notifications import cli as notify_cli
from app.notifications.services import reminders
from tests.support.factories import make_meeting, object_to_a_draft, speak

WEDNESDAY = datetime(2026, 6, 10, 9, tzinfo=UTC)


@pytest.fixture
def wednesday(monkeypatch):
    monkeypatch.setattr(alliance_settings, "utcnow", lambda: WEDNESDAY)


class FakeTime:
    """A monotonic clock that moves only when the loop sleeps: no real waiting in the tests."""

    def __init__(self):
        self.now = 0.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def passes(monkeypatch):
    """The reminders passes the loop runs, as the moments (fake seconds) they ran at."""
    ran: list[float] = []
    fake = FakeTime()

    def counted(session):
        ran.append(fake.now)
        return 0

    monkeypatch.setattr(reminders, "send_due_reminders", counted)
    return ran, fake


def test_the_sender_queues_and_delivers_tomorrows_meeting_reminder_with_no_cron(
    app, session, alliance, smtp, wednesday
):
    speaker = alliance.chiefs["harbourside"]
    meeting = make_meeting(
        alliance.comms, title="Rivers committee", starts_at=datetime(2026, 6, 11, 9, tzinfo=UTC)
    )
    speak(alliance.comms, meeting, speaker)
    email, briefing = speaker.email, f"/meetings/{meeting.id}/briefing"  # the loop ends the session

    result = app.test_cli_runner().invoke(
        args=["notify", "work", "--poll", "0", "--polls", "1", "--due-minutes", "10"]
    )

    assert result.exit_code == 0, result.output
    assert "reminders every 10 min" in result.output
    assert "Queued 1 reminder." in result.output
    [mail] = [m for m in smtp.recorder.received if m["Subject"].startswith("Tomorrow you speak")]
    assert mail["To"].addresses[0].addr_spec == email
    assert briefing in mail.get_body(("plain",)).get_content()


def test_the_pass_runs_on_start_and_then_every_due_interval(app, smtp, passes):
    ran, fake = passes
    notify_cli.work(
        poll=300, due_every=600, polls=5, sleep=fake.sleep, monotonic=fake.monotonic
    )  # looks at 0, 300, 600, 900 and 1200 seconds
    assert ran == [0, 600, 1200]
    assert fake.slept == [300] * 4  # no sleep after the last look


def test_a_due_interval_of_zero_leaves_the_reminders_to_cron(app, smtp, passes):
    ran, fake = passes
    notify_cli.work(poll=300, due_every=0, polls=3, sleep=fake.sleep, monotonic=fake.monotonic)
    assert ran == []


def test_a_failing_reminders_pass_does_not_stop_the_mail(
    app, session, alliance, smtp, monkeypatch, capsys
):
    object_to_a_draft(alliance)  # one objection, queued for the writer
    session.commit()

    def broken(session):
        raise RuntimeError("the calendar is unreadable")

    monkeypatch.setattr(reminders, "send_due_reminders", broken)
    fake = FakeTime()
    notify_cli.work(poll=60, due_every=60, polls=2, sleep=fake.sleep, monotonic=fake.monotonic)
    assert len(smtp.recorder.received) == 1  # the objection went out all the same
    assert "Reminders failed (the calendar is unreadable)" in capsys.readouterr().err
