"""`flask --app wsgi demo load`: the demo alliance."""

import click
from flask.cli import AppGroup

from app.demo import alliance as demo
from app.extensions import db

cli = AppGroup("demo", help="Demo data.")


@cli.command("load")
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
    if not demo.present(db.session):
        return  # a real alliance: its people are not the demo's, and no password is printed
    click.echo(f"Demo sign-ins (password: {demo.DEMO_PASSWORD}):")
    for line in demo.login_lines():
        click.echo("  " + line)
