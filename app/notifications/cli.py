"""`flask --app wsgi notify work` (a long-running sender that also queues the date-driven
reminders), `notify send-once` (for cron) and `notify due` (the reminders alone)."""

import contextlib
import time
from collections.abc import Callable

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.notifications.services.sending import send_once, transport_from_config

cli = AppGroup("notify", help="Deliver the notification outbox by email.")


def _report(outcome) -> None:
    click.echo(f"Sent {outcome.sent}, to retry {outcome.retrying}, failed {outcome.failed}.")
    for error in outcome.errors:
        click.echo(f"  {error}", err=True)


@cli.command("send-once")
def notify_send_once():
    """Deliver every message due now, then stop (run it from cron or a systemd timer)."""
    transport = transport_from_config(current_app.config)
    try:
        _report(send_once(db.session, transport))
    finally:
        transport.close()
        db.session.remove()


def _due_pass() -> int:
    """Queue today's reminders and commit; how many were queued."""
    from app.notifications.services.reminders import send_due_reminders

    try:
        count = send_due_reminders(db.session)
        db.session.commit()
        return count
    finally:
        db.session.remove()


def _queued(count: int) -> str:
    return f"Queued {count} reminder{'s' if count != 1 else ''}."


@cli.command("due")
def notify_due():
    """Queue today's reminders (deadlines, tomorrow's meetings, mandates ending); never twice."""
    click.echo(_queued(_due_pass()))


def work(
    *,
    poll: float,
    due_every: float,
    polls: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> None:
    """The sender's loop: the date-driven pass (`notify due`) on start and every `due_every`
    seconds (0: never), and the outbox every `poll` seconds; `polls` looks, or for ever."""
    transport = transport_from_config(current_app.config)
    last_due: float | None = None
    looks = 0
    try:
        while polls is None or looks < polls:
            if due_every and (last_due is None or monotonic() - last_due >= due_every):
                last_due = monotonic()
                try:
                    count = _due_pass()
                    if count:
                        click.echo(_queued(count))
                except Exception as error:  # a failed pass must not stop the mail
                    click.echo(f"Reminders failed ({error}); they are tried again later.", err=True)
            outcome = send_once(db.session, transport)
            if outcome.handled:
                _report(outcome)
            transport.close()  # an idle SMTP connection would be dropped by the server anyway
            db.session.remove()
            looks += 1
            if polls is None or looks < polls:
                sleep(poll)
    finally:
        transport.close()


@cli.command("work")
@click.option("--poll", type=float, default=None, help="Seconds between looks at the outbox.")
@click.option(
    "--due-minutes",
    type=float,
    default=None,
    help="Minutes between reminder passes (`notify due`); 0: none, leave it to cron.",
)
@click.option("--polls", type=int, default=None, help="Stop after this many looks (default never).")
def notify_work(poll, due_minutes, polls):
    """Deliver the outbox for as long as it runs, and queue the date-driven reminders (as
    `notify due` does) on start and every few minutes; any number may run side by side."""
    config = current_app.config
    poll = poll if poll is not None else config["NOTIFY_POLL_SECONDS"]
    due_minutes = due_minutes if due_minutes is not None else config["NOTIFY_DUE_MINUTES"]
    reminders = f"; reminders every {due_minutes:g} min" if due_minutes else ""
    click.echo(f"Sending notifications; looking every {poll:g} s{reminders} (Ctrl+C stops).")
    with contextlib.suppress(KeyboardInterrupt):
        work(poll=poll, due_every=due_minutes * 60, polls=polls)
