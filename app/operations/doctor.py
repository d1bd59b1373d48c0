"""`flask --app wsgi doctor`: what in this configuration will bite, and how to fix it.

Each check returns findings; a finding is a problem (the command exits 1, so it can gate a
deployment) or a note. The checks read the configuration and ask the database; they change
nothing.
"""

import os
import time
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from config import workers

MIN_SECRET_LENGTH = 32
BACKUP_MAX_AGE_HOURS = 24
MIN_POSTGRES = 14
# deploy/concord.env.example's stand-in for each secret, which would otherwise pass for one.
PLACEHOLDER = "change-me"
PLACEHOLDED = ("SECRET_KEY", "METRICS_TOKEN", "CONCORD_CHECKPOINT_KEY", "MAIL_PASSWORD")


@dataclass(frozen=True)
class Finding:
    problem: bool
    what: str
    fix: str


def check_configuration(config, *, production: bool, forwarded_seen: bool = False) -> list[Finding]:
    found = []
    secret = config.get("SECRET_KEY") or ""
    if not os.environ.get("SECRET_KEY") and production:
        found.append(
            Finding(
                True,
                "SECRET_KEY is not set in the environment: each server generates its own.",
                "Set SECRET_KEY to the same long random value on every server "
                "(python -c 'import secrets; print(secrets.token_hex(32))').",
            )
        )
    if not os.environ.get("CONCORD_CHECKPOINT_KEY") and production:
        found.append(
            Finding(
                False,
                "CONCORD_CHECKPOINT_KEY is not set: audit checkpoints are signed with a key kept "
                "only in this server's instance folder (checkpoint_key).",
                "Set CONCORD_CHECKPOINT_KEY, the same on every server, to the contents of "
                "instance/checkpoint_key (the checkpoints already sent were signed with it; a "
                "fresh install may take a new random value), and keep a copy apart from the "
                "database and its backups.",
            )
        )
    for name in PLACEHOLDED:
        value = config.get(name) or os.environ.get(name) or ""
        if isinstance(value, str) and value.startswith(PLACEHOLDER):
            found.append(
                Finding(
                    True,
                    f"{name} is still the example's placeholder ({PLACEHOLDER}...).",
                    "Fill it in: python -c 'import secrets; print(secrets.token_hex(32))' for a "
                    "key or token, the mail server's for a password.",
                )
            )
    if len(secret) < MIN_SECRET_LENGTH:
        found.append(
            Finding(
                True,
                f"SECRET_KEY is {len(secret)} characters long.",
                f"Use at least {MIN_SECRET_LENGTH} random characters.",
            )
        )
    if production and not config.get("SESSION_COOKIE_SECURE"):
        found.append(
            Finding(
                True,
                "Session cookies are sent over plain HTTP (SESSION_COOKIE_SECURE is off).",
                "Serve over HTTPS and set SESSION_COOKIE_SECURE=1.",
            )
        )
    several = workers() > 1
    if several and config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        found.append(
            Finding(
                True,
                "SQLite with several workers: writers queue behind one lock.",
                "Use PostgreSQL (DATABASE_URL) for a server with more than one worker.",
            )
        )
    if several and config.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://"):
        found.append(
            Finding(
                True,
                "Rate limits are kept in each worker's memory: the sign-in limit is multiplied.",
                "Set RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0.",
            )
        )
    if not config.get("PROXY_COUNT") and forwarded_seen:
        found.append(
            Finding(
                True,
                "Requests arrive with X-Forwarded-For, but PROXY_COUNT is 0: every client "
                "seems to come from the proxy (one rate limit for all), and HTTPS looks like HTTP.",
                "Set PROXY_COUNT to the number of proxies in front (1 for one nginx).",
            )
        )
    elif production and not config.get("PROXY_COUNT"):
        found.append(
            Finding(
                False,
                "PROXY_COUNT is 0: forwarded headers are ignored.",
                "Behind nginx or a load balancer, set PROXY_COUNT to the number of proxies.",
            )
        )
    return found


def forwarded_headers_seen() -> bool:
    from app.operations.logging import FORWARDED_SEEN

    return (Path(current_app.instance_path) / FORWARDED_SEEN).exists()


def check_database() -> list[Finding]:
    from app.audit import services as audit
    from app.operations.health import schema_head, schema_version

    try:
        version = schema_version()
        server = db.session.execute(text("SELECT version()")).scalar() if _postgres() else None
    except SQLAlchemyError as error:
        return [Finding(True, f"The database does not answer: {error}", "Check DATABASE_URL.")]
    found = []
    if version != schema_head():
        found.append(
            Finding(
                True,
                f"The schema is at {version}; this code expects {schema_head()}.",
                "Run flask --app wsgi db upgrade.",
            )
        )
    if server:
        found.append(check_postgres_version(server))
    verification = audit.verify_chain_of(db.session)
    if not verification.intact:
        found.append(
            Finding(
                True,
                "The audit chain is broken: " + "; ".join(verification.problems[:3]),
                "Restore from the last good backup; see flask --app wsgi audit verify.",
            )
        )
    return found


def check_postgres_version(server: str) -> Finding:
    """`server` is what `SELECT version()` answers, e.g. "PostgreSQL 15.8 (Debian 15.8-0+deb12u1)
    on x86_64-pc-linux-gnu, ..."."""
    major = int(server.split()[1].split(".")[0])
    old = major < MIN_POSTGRES
    return Finding(
        old,
        f"PostgreSQL {major}.",
        f"Upgrade to PostgreSQL {MIN_POSTGRES} or newer." if old else "Supported.",
    )


def check_mail(config, *, production: bool) -> list[Finding]:
    """Without a mail server, messages land in a folder on this machine where nobody reads them,
    and a link in mail without CONCORD_URL points at the developer's address."""
    if not production:
        return []
    found = []
    if not config.get("MAIL_HOST"):
        found.append(
            Finding(
                True,
                f"No SMTP server (MAIL_HOST): mail is written to {config.get('MAILDIR')} "
                "and reaches nobody.",
                "Set MAIL_HOST and the other MAIL_* settings (see the README's Email section).",
            )
        )
    if not config.get("CONCORD_URL"):
        found.append(
            Finding(
                True,
                "CONCORD_URL is not set: links in mail point to http://127.0.0.1:5000.",
                "Set CONCORD_URL to the address people use, e.g. https://alliance.example.org.",
            )
        )
    return found


def check_backups(directory: str | None) -> list[Finding]:
    if not directory:
        return [
            Finding(
                False,
                "BACKUP_DIR is not set, so the age of the last backup is not checked.",
                "Set BACKUP_DIR to where the backup timer writes.",
            )
        ]
    files = [f for f in Path(directory).glob("*") if f.is_file()]
    if not files:
        return [
            Finding(True, f"No backup in {directory}.", "Make one: systemctl start concord-backup.")
        ]
    hours = (time.time() - max(f.stat().st_mtime for f in files)) / 3600
    if hours > BACKUP_MAX_AGE_HOURS:
        return [
            Finding(
                True,
                f"The newest backup in {directory} is {hours:.0f} hours old.",
                "Check the backup timer (systemctl list-timers concord-backup.timer).",
            )
        ]
    return []


def _postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


@click.command("doctor")
@with_appcontext
def doctor():
    """Check the configuration, mail, the database, the audit chain and the backups."""
    config = current_app.config
    production = not (config.get("DEBUG") or config.get("TESTING"))
    findings = [
        *check_configuration(
            config, production=production, forwarded_seen=forwarded_headers_seen()
        ),
        *check_mail(config, production=production),
        *check_database(),
        *check_backups(config.get("BACKUP_DIR")),
    ]
    for finding in findings:
        click.echo(f"{'PROBLEM' if finding.problem else 'note'}: {finding.what}")
        click.echo(f"    fix: {finding.fix}")
    problems = sum(f.problem for f in findings)
    click.echo(f"{problems} problem(s)." if problems else "No problems found.")
    raise SystemExit(1 if problems else 0)
