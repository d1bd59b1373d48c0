"""`flask --app wsgi alliance ...`: set up an alliance from nothing, and administer it."""

import click
from flask.cli import AppGroup

from app.accounts.cli import printed_link
from app.alliance.services import administration as admin
from app.extensions import db
from app.web.transaction import command_commits
from positions import alliance as core
from positions.refusals import Refused

cli = AppGroup("alliance", help="Set up the alliance; its partners, policy areas and settings.")

BASE_URL_HELP = "Where Concord is served, for the printed link (default: $CONCORD_URL or local)."


def _prompt_many(label: str) -> list[str]:
    click.echo(f"{label} (one a line; an empty line ends the list):")
    answers = []
    while answer := click.prompt(" ", default="", show_default=False).strip():
        answers.append(answer)
    return answers


@cli.command("init")
@click.option("--name", help="The alliance's name.")
@click.option("--timezone", "time_zone", help="Its time zone, e.g. Europe/London.")
@click.option("--partner", "partners", multiple=True, help='"Name=slug" (or a name); repeat.')
@click.option("--area", "areas", multiple=True, help="A policy area's name; repeat.")
@click.option("--admin-email", help="The first admin's email.")
@click.option("--admin-name", help="The first admin's name.")
@click.option("--add", is_flag=True, help="Add to a database that already has partners.")
@click.option("--base-url", help=BASE_URL_HELP)
def init(name, time_zone, partners, areas, admin_email, admin_name, add, base_url):
    """Create the alliance: settings, partners, areas and the first admin.

    Asks for whatever the options leave out, so it runs interactively or fully scripted; given
    --name, it is scripted and asks for no lists (partners and areas left out are none)."""
    if admin.has_partners(db.session) and not add:
        raise click.ClickException(
            "This database already has partners. Use --add to add to it, or an empty database."
        )
    scripted = bool(name)
    name = name or click.prompt("Alliance name")
    time_zone = time_zone or click.prompt("Time zone", default="Europe/London")
    partners = list(partners) or (
        [] if scripted else _prompt_many("Partners, as Name=slug or just a name")
    )
    areas = list(areas) or ([] if scripted else _prompt_many("Policy areas"))
    admin_email = admin_email or click.prompt("First admin's email")
    admin_name = admin_name or click.prompt("First admin's name")
    try:
        specs = [core.parse_partner_spec(spec) for spec in partners]
    except Refused as exc:
        raise click.ClickException(exc.message) from None
    user = command_commits(
        lambda: admin.set_up(
            db.session,
            name=name,
            time_zone=time_zone,
            partners=specs,
            areas=areas,
            admin_email=admin_email,
            admin_name=admin_name,
            add=add,
        )
    )
    click.echo(f"{name}: {_count(len(specs), 'partner')}, {_count(len(areas), 'policy area')}.")
    click.echo(f"{user.name} <{user.email}> sets a password (once, within 7 days) at:")
    click.echo(printed_link(user, "invite", base_url))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


DAY = click.DateTime(formats=["%Y-%m-%d"])


@cli.command("partner-add")
@click.argument("name")
@click.option("--slug", help="Its stable address; made from the name when left out.")
@click.option("--joined", type=DAY, help="YYYY-MM-DD: it must sign from this day.")
def partner_add(name, slug, joined):
    """Add a partner."""
    partner = command_commits(
        lambda: admin.add_partner(
            db.session, None, name=name, slug=slug, joined_on=joined.date() if joined else None
        )
    )
    click.echo(f"Added {partner.name} ({partner.slug}).")


@cli.command("partner-update")
@click.argument("slug")
@click.option("--name", help="A new name (the slug stays).")
@click.option("--joined", type=DAY, help="YYYY-MM-DD it joined.")
@click.option("--left", type=DAY, help="YYYY-MM-DD it leaves: no longer a signatory from then.")
def partner_update(slug, name, joined, left):
    """Rename a partner or record when it joined or left."""
    changes = {}
    if name:
        changes["name"] = name
    if joined:
        changes["joined_on"] = joined.date()
    if left:
        changes["left_on"] = left.date()
    partner = command_commits(lambda: admin.update_partner(db.session, None, slug, **changes))
    click.echo(
        f"{partner.name} ({partner.slug}): joined {partner.joined_on or '-'}, "
        f"left {partner.left_on or '-'}."
    )


@cli.command("area-add")
@click.argument("name")
def area_add(name):
    """Add a policy area."""
    area = command_commits(lambda: admin.add_area(db.session, None, name=name))
    click.echo(f"Added {area.name} ({area.slug}).")


@cli.command("area-update")
@click.argument("slug")
@click.option("--name", help="A new name (the slug stays).")
@click.option("--retire/--restore", default=None, help="Offer it for new positions or not.")
def area_update(slug, name, retire):
    """Rename a policy area, retire it or bring it back."""
    changes = {}
    if name:
        changes["name"] = name
    if retire is not None:
        changes["retired"] = retire
    area = command_commits(lambda: admin.update_area(db.session, None, slug, **changes))
    click.echo(f"{area.name} ({area.slug}){' — retired' if area.retired else ''}.")


@cli.command("area-merge")
@click.argument("slug")
@click.argument("into")
def area_merge(slug, into):
    """Move everything filed under SLUG to INTO, and retire SLUG."""
    target = command_commits(lambda: admin.merge_areas(db.session, None, slug, into=into))
    click.echo(f"Merged {slug} into {target.name} ({target.slug}).")


SETTINGS_OPTIONS = {
    "name": "--name",
    "time_zone": "--timezone",
    "holiday_country": "--holidays",
    "partner": "--accountable",
}


@cli.command("settings")
@click.option("--name", help="A new name for the alliance.")
@click.option("--timezone", "time_zone", help="Its time zone, e.g. Europe/London.")
@click.option("--holidays", "holiday_country", help="Whose bank holidays deadlines skip: GB-ENG.")
@click.option("--introduction", help="The public site's introduction (Markdown); '' clears it.")
@click.option("--accountable", help="The accountable partner's slug (shown on the public pages).")
@click.option("--no-accountable", is_flag=True, help="No partner is the accountable body.")
def settings(name, time_zone, holiday_country, introduction, accountable, no_accountable):
    """Show the alliance's settings; change any of them with the options.

    The change is the admin page's: the same checks, on the audit chain."""
    if accountable and no_accountable:
        raise click.UsageError("Give --accountable or --no-accountable, not both.")
    given = {
        "name": name,
        "time_zone": time_zone,
        "holiday_country": holiday_country,
        "public_introduction": introduction,
        "accountable_partner": accountable,
    }
    changes = {key: value for key, value in given.items() if value is not None}
    if no_accountable:
        changes["accountable_partner"] = None
    if changes:
        command_commits(
            lambda: admin.save_settings(db.session, None, **changes), options=SETTINGS_OPTIONS
        )
        click.echo("Saved.")
    row = admin.settings_for(db.session, None)
    body = row.accountable_partner
    click.echo(f"Name:              {row.name}")
    click.echo(f"Time zone:         {row.time_zone}")
    click.echo(f"Bank holidays of:  {row.holiday_country}")
    click.echo(f"Accountable body:  {f'{body.name} ({body.slug})' if body else '-'}")
    click.echo("Public introduction:")
    click.echo(_indented(row.public_introduction) if row.public_introduction else "  -")


def _indented(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())
