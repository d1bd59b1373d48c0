"""Command-line tools: `flask --app wsgi demo|users|audit ...`."""

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from app.accounts import services as accounts
from app.audit import services as audit
from app.backup import services as backup
from app.demo import alliance as demo
from app.errors import ServiceError
from app.extensions import db

demo_cli = AppGroup("demo", help="Demo data.")
users_cli = AppGroup("users", help="People and their API tokens.")
audit_cli = AppGroup("audit", help="The audit record.")
backup_cli = AppGroup("backup", help="Back up and restore the whole database.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Skip quietly when the database has data.")
def demo_load(if_empty):
    """Load a demo alliance of three partners into an empty database."""
    try:
        demo.load(db.session)
    except demo.NotEmpty as exc:
        db.session.rollback()
        if not if_empty:
            raise click.ClickException(str(exc)) from None
        click.echo("The database already has data; the demo was not loaded again.")
    else:
        db.session.commit()
        click.echo("Demo alliance loaded.")
    click.echo(f"Demo sign-ins (password: {demo.DEMO_PASSWORD}):")
    for line in demo.login_lines():
        click.echo("  " + line)


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--partner", "partner_slug", default=None, help="Partner slug; omit for alliance staff."
)
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    help="admin, chief_officer, policy_officer or comms; repeat for several.",
)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def users_create(email, name, partner_slug, roles, password):
    """Create a user."""
    try:
        user = accounts.create_user(
            db.session,
            email=email,
            name=name,
            password=password,
            roles=list(roles),
            partner_slug=partner_slug,
        )
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"Created {user.email} ({user.roles}) for {user.affiliation}.")


@users_cli.command("token")
@click.argument("email")
@click.option("--name", default="command line", help="What the token is for.")
def users_token(email, name):
    """Print a new API token for EMAIL (shown once; only its hash is kept)."""
    user = accounts.find_by_email(db.session, email)
    if user is None:
        raise click.ClickException(f"No user has the email {email}.")
    token = accounts.issue_token(db.session, user, name)
    db.session.commit()
    click.echo(token)


@audit_cli.command("verify")
def audit_verify():
    """Check the audit record's hash chain from the first event to the head."""
    result = audit.verify_chain_of(db.session)
    if result.intact:
        click.echo(f"Audit chain intact: {result.events} events verified.")
        return
    for problem in result.problems:
        click.echo(f"BROKEN: {problem}", err=True)
    sys.exit(1)


# ---- backup and restore (app/services/backup.py) ----------------------------------------------


@backup_cli.command("create")
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


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def backup_restore(path, force):
    """Replace the database's contents with the backup at PATH (one transaction)."""
    db.session.remove()
    try:
        summary = backup.restore(db.engine, path, force=force)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Restored {summary.path} into the {summary.kind} database: {summary.describe()}.")
    result = audit.verify_chain_of(db.session)
    db.session.remove()
    if not result.intact:
        for problem in result.problems:
            click.echo(f"BROKEN: {problem}", err=True)
        sys.exit(1)
    click.echo(f"Audit chain intact: {result.events} events verified.")


def register_commands(app: Flask) -> None:
    for group in (demo_cli, users_cli, audit_cli, backup_cli):
        app.cli.add_command(group)
