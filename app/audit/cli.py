"""`flask --app wsgi audit verify`: check the hash chain; exit 1 if it is broken."""

import sys

import click
from flask.cli import AppGroup

from app.audit import services as audit
from app.extensions import db

cli = AppGroup("audit", help="The audit record.")


@cli.command("verify")
def audit_verify():
    """Check the audit record's hash chain from the first event to the head."""
    result = audit.verify_chain_of(db.session)
    if result.intact:
        click.echo(f"Audit chain intact: {result.events} events verified.")
        return
    for problem in result.problems:
        click.echo(f"BROKEN: {problem}", err=True)
    sys.exit(1)
