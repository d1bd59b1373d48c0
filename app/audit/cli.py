"""`flask --app wsgi audit verify`: check the hash chain; `audit checkpoint`: sign its head."""

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.audit import services as audit
from app.extensions import db
from config import checkpoint_key
from positions.audit import Checkpoint

cli = AppGroup("audit", help="The audit record.")


def _key() -> bytes:
    return current_app.config.get("CHECKPOINT_KEY") or checkpoint_key()


def _read_checkpoint(path: str) -> Checkpoint:
    try:
        held = json.loads(Path(path).read_text())
        return Checkpoint(int(held["seq"]), held["hash"], held["at"], held["signature"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise click.BadParameter(f"not a checkpoint file: {error}") from None


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
    """Sign the chain's head: published on the public pages, kept by each partner."""
    signed = audit.make_checkpoint(db.session, _key())
    db.session.commit()
    text = json.dumps(
        {"seq": signed.seq, "hash": signed.hash, "at": signed.at, "signature": signed.signature},
        indent=2,
    )
    if out:
        Path(out).write_text(text + "\n")
    click.echo(text)
