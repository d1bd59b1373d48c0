"""`flask --app wsgi flags sync`: the spokesperson log's date-driven checks, for a timer."""

import click
from flask.cli import AppGroup

from app.extensions import db
from app.meetings.services.appearances import sync_flags

cli = AppGroup("flags", help="The spokesperson log's flags.")


@cli.command("sync")
def flags_sync():
    """Check again the entries whose meeting has happened since they were last checked.

    Run it from a timer (cron or a systemd timer, every few minutes): reading the log never
    writes, so nothing else raises a flag that only the passing of time calls for.
    """
    raised = sync_flags(db.session)
    db.session.commit()
    click.echo(f"Flags checked: {raised} raised.")
