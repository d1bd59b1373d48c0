"""The public record: published positions, readable by anyone, no sign-in."""

from flask import Blueprint, abort, render_template, request

from app.extensions import db
from app.services import overview

bp = Blueprint("public", __name__, url_prefix="/public", template_folder="templates")


@bp.get("/")
def index():
    page = overview.published_positions(db.session, page=request.args.get("page", 1, type=int))
    return render_template("public/index.html", page=page)


@bp.get("/<slug>")
def position(slug: str):
    found = overview.published_by_slug(db.session, slug)
    if found is None:
        abort(404)
    publication = found.publication
    signatories = sorted(publication.signatories, key=lambda s: s.partner.name.casefold())
    return render_template(
        "public/position.html",
        position=found,
        publication=publication,
        revision=publication.revision,
        signatories=signatories,
    )
