"""`flask --app wsgi search rebuild`: the whole search index afresh from the rows."""

import click
from flask.cli import AppGroup

from app.alliance.settings import clock_of
from app.extensions import db
from app.search import indexing

cli = AppGroup("search", help="The search index.")


@cli.command("rebuild")
def search_rebuild():
    """Index everything again (after rows were written without the app, e.g. the bench seed)."""
    written = indexing.rebuild(db.session.connection(), clock_of(db.session).local_date)
    db.session.commit()
    click.echo(f"Search index rebuilt: {written} entries.")
