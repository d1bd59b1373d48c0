"""`flask --app wsgi users ...`: people, their invitations and their API tokens."""

import click
from flask import current_app, url_for
from flask.cli import AppGroup

from app.accounts import services as accounts
from app.extensions import db
from app.notifications.services import events as notification_events
from app.signatories import services as signatories
from app.web.transaction import command_commits

cli = AppGroup("users", help="People and their API tokens.")

ROLE_HELP = "admin, chief_officer, policy_officer or comms; repeat for several."


def printed_link(user, purpose: str, base_url: str | None) -> str:
    """The set-password link (invite or reset) for the operator to hand over."""
    base = base_url or current_app.config.get("CONCORD_URL") or "http://127.0.0.1:5000"
    token = accounts.account_link_token(user, purpose, current_app.config["SECRET_KEY"])
    with current_app.test_request_context(base_url=base):
        return url_for("account.welcome", token=token, _external=True)


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
    help=ROLE_HELP,
)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def users_create(email, name, partner_slug, roles, password):
    """Create a user."""
    user = command_commits(
        lambda: accounts.create_user(
            db.session,
            email=email,
            name=name,
            password=password,
            roles=list(roles),
            partner_slug=partner_slug,
        )
    )
    click.echo(f"Created {user.email} ({user.roles}) for {user.affiliation}.")


@cli.command("invite")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--partner", "partner_slug", help="Partner slug; omit for alliance staff.")
@click.option("--role", "roles", multiple=True, required=True, help=ROLE_HELP)
@click.option("--base-url", help="The site's address, for the link.")
def users_invite(email, name, partner_slug, roles, base_url):
    """Invite someone, as the admin page does: mail them and print their set-password link."""

    def invite():
        user = accounts.invite_user(
            db.session, None, email=email, name=name, roles=list(roles), partner_slug=partner_slug
        )
        token = accounts.account_link_token(user, "invite", current_app.config["SECRET_KEY"])
        notification_events.account_link(db.session, user, "invite", token)
        return user

    user = command_commits(invite)
    click.echo(f"Invited {user.email} ({user.roles or 'no roles yet'}) for {user.affiliation}.")
    if signatories.pending_for_person(db.session, user, kind="appoint"):
        click.echo("A chief officer of the partner confirms the chief officer role (/signatories).")
    click.echo(f"{user.name} sets a password (once, within 7 days) at:")
    click.echo(printed_link(user, "invite", base_url))


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


def _person(email: str):
    user = accounts.find_by_email(db.session, email)
    if user is None:
        raise click.ClickException(f"No user has the email {email}.")
    return user


@cli.command("update")
@click.argument("email")
@click.option("--partner", "partner_slug", default=None, help="Move to this partner's slug.")
@click.option("--no-partner", is_flag=True, help="Move to the alliance team.")
@click.option("--role", "roles", multiple=True, help="The new roles (all of them); repeat.")
def users_update(email, partner_slug, no_partner, roles):
    """Change someone's roles or partner (the record keeps the old ones)."""
    user = _person(email)
    if not roles:
        roles = [r for r in user.roles.split(",") if r]
    if partner_slug is None and not no_partner:
        partner_slug = user.partner.slug if user.partner else None
    user = command_commits(
        lambda: accounts.update_person(
            db.session, None, user.id, roles=list(roles), partner_slug=partner_slug
        )
    )
    click.echo(f"{user.email}: {user.roles} for {user.affiliation}.")


@cli.command("deactivate")
@click.argument("email")
def users_deactivate(email):
    """Deactivate someone: their sessions and API tokens stop working at once."""
    user = command_commits(
        lambda: accounts.set_active(db.session, None, _person(email).id, active=False)
    )
    click.echo(f"{user.email} is deactivated.")


@cli.command("reactivate")
@click.argument("email")
def users_reactivate(email):
    """Let a deactivated person sign in again."""
    user = command_commits(
        lambda: accounts.set_active(db.session, None, _person(email).id, active=True)
    )
    click.echo(f"{user.email} can sign in again.")


@cli.command("sign-out")
@click.argument("email")
def users_sign_out(email):
    """End every session of someone and revoke their API tokens."""
    user = _person(email)
    command_commits(lambda: accounts.sign_out_everywhere(db.session, user, tokens=True, by=None))
    click.echo(f"{user.email} is signed out everywhere; their API tokens are revoked.")


@cli.command("reset-link")
@click.argument("email")
@click.option("--base-url", default=None, help="The site's address, for the link.")
def users_reset_link(email, base_url):
    """Reset EMAIL's password and print a set-password link to hand over in person (24 hours).

    For a partner's only chief officer: nobody at the partner can confirm a reset made by an
    admin, so the server's operator gives the link."""
    user = command_commits(lambda: accounts.reset_by_operator(db.session, email))
    click.echo(printed_link(user, "reset", base_url))
