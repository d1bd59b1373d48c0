"""`flask --app wsgi users create|token`: people and their API tokens."""

import click
from flask.cli import AppGroup

from app.accounts import services as accounts
from app.extensions import db
from positions.refusals import Refused

cli = AppGroup("users", help="People and their API tokens.")


@cli.command("create")
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
    except Refused as exc:
        db.session.rollback()
        raise click.ClickException(exc.message) from None
    db.session.commit()
    click.echo(f"Created {user.email} ({user.roles}) for {user.affiliation}.")


@cli.command("token")
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
