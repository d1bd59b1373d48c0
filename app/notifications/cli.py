"""`flask --app wsgi notify work` (a long-running sender) and `notify send-once` (for cron)."""

import time

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
    transport = transport_from_config()
    try:
        _report(send_once(db.session, transport))
    finally:
        transport.close()
        db.session.remove()


@cli.command("due")
def notify_due():
    """Queue today's reminders (due soon, overdue, meeting tomorrow); run often: never twice."""
    from app.notifications.services.reminders import send_due_reminders

    try:
        count = send_due_reminders(db.session)
        db.session.commit()
        click.echo(f"Queued {count} reminder{'s' if count != 1 else ''}.")
    finally:
        db.session.remove()


@cli.command("work")
@click.option("--poll", type=float, default=None, help="Seconds between looks at the outbox.")
def notify_work(poll):
    """Deliver the outbox for as long as it runs; any number may run side by side."""
    poll = poll if poll is not None else current_app.config["NOTIFY_POLL_SECONDS"]
    click.echo(f"Sending notifications; looking every {poll:g} s (Ctrl+C stops).")
    transport = transport_from_config()
    try:
        while True:
            outcome = send_once(db.session, transport)
            if outcome.handled:
                _report(outcome)
            transport.close()  # an idle SMTP connection would be dropped by the server anyway
            db.session.remove()
            time.sleep(poll)
    except KeyboardInterrupt:
        pass
    finally:
        transport.close()
