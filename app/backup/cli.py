"""`flask --app wsgi backup create|restore FILE`: the whole database, all or nothing."""

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from app.audit import services as audit
from app.backup import services as backup
from app.extensions import SETTINGS, db

cli = AppGroup("backup", help="Back up and restore the whole database.")


@cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
def backup_create(path, force):
    """Write the whole database to PATH: a SQLite copy, or a pg_dump archive (custom format)."""
    db.session.remove()
    try:
        summary = backup.create(db.engine, path, force=force)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Backed up the {summary.kind} database to {summary.path} ({summary.size} bytes): "
        f"{summary.describe()}."
    )


@cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def backup_restore(path, force):
    """Replace the database's contents with the backup at PATH, once it is checked."""
    db.session.remove()
    try:
        summary = backup.restore(db.engine, path, current_app.extensions[SETTINGS], force=force)
    except backup.BackupError as exc:
        # Every refusal comes before the switch, so the operator can be told so plainly.
        raise click.ClickException(f"{exc} The database was not changed.") from None
    click.echo(f"Restored {summary.path} into the {summary.kind} database: {summary.describe()}.")
    result = audit.verify_chain_of(db.session)
    db.session.remove()
    if not result.intact:
        for problem in result.problems:
            click.echo(f"BROKEN: {problem}", err=True)
        sys.exit(1)
    click.echo(f"Audit chain intact: {result.events} events verified.")
