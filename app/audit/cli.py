"""`flask --app wsgi audit verify`: check the hash chain; `audit checkpoint`: sign its head."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.audit import services as audit
from app.extensions import db
from app.notifications.services import events
from config import checkpoint_key
from positions.audit import Checkpoint, checkpoint_file, read_checkpoint_file

cli = AppGroup("audit", help="The audit record.")


def _key() -> bytes:
    return current_app.config.get("CHECKPOINT_KEY") or checkpoint_key()


def _read_checkpoint(path: str) -> Checkpoint:
    try:
        return read_checkpoint_file(Path(path).read_text())
    except OSError as error:
        raise click.BadParameter(f"not a checkpoint file: {error}") from None
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@cli.command("verify")
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(exists=True, dir_okay=False),
    help="A checkpoint handed out earlier: the chain must still hold the event it vouches for.",
)
def audit_verify(checkpoint_file: str | None):
    """Check the chain, the data against it, and the latest checkpoint (or the one given)."""
    checkpoint = _read_checkpoint(checkpoint_file) if checkpoint_file else None
    problems = []
    if checkpoint and not audit.checkpoint_is_genuine(_key(), checkpoint):
        problems.append("the checkpoint file's signature is not this alliance's")
    result = audit.verify_chain_of(db.session, checkpoint)
    problems += result.problems
    db.session.rollback()  # verifying reads only
    if not problems:
        against = f", up to checkpoint event {checkpoint.seq}" if checkpoint else ""
        click.echo(f"Audit chain intact: {result.events} events verified{against}.")
        return
    for problem in problems:
        click.echo(f"BROKEN: {problem}", err=True)
    sys.exit(1)


@cli.command("checkpoint")
@click.option(
    "--out", type=click.Path(dir_okay=False, writable=True), help="Also write it to this file."
)
def audit_checkpoint(out: str | None):
    """Sign the chain's head: published on the public pages, and mailed to each partner's chief
    officers to keep."""
    signed = audit.make_checkpoint(db.session, _key())
    events.checkpoint_made(db.session, signed)
    db.session.commit()
    text = checkpoint_file(signed)
    click.echo(text, nl=False)  # first: the checkpoint is made whatever happens to the file
    if out:
        try:
            Path(out).write_text(text)
        except OSError as exc:
            raise click.ClickException(
                f"The checkpoint was made and mailed, and is printed above, but {out} could not "
                f"be written ({exc.strerror or exc}). Save it from here."
            ) from None
