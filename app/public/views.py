"""The public record: published positions, readable by anyone, no sign-in."""

from flask import Blueprint, abort, render_template, request

from app.caching import conditional, etag_of
from app.extensions import db
from app.params import bounded_int
from app.services import overview

bp = Blueprint("public", __name__, url_prefix="/public", template_folder="templates")


@bp.get("/")
def index():
    page = overview.published_positions(
        db.session, page=request.args.get("page", 1, type=bounded_int)
    )
    return render_template(
        "public/index.html", page=page, differ=overview.differ_positions(db.session)
    )


@bp.get("/<slug>")
def position(slug: str):
    record = overview.public_record(db.session, slug)
    if record is None:
        abort(404)
    position = record.position
    etag = etag_of(
        position.id,
        position.status,
        record.publication.id if record.publication else None,
        record.differ.id if record.differ else None,
        record.review_due,
    )
    return conditional(
        etag,
        lambda: render_template("public/position.html", record=record, position=position),
        public=True,
    )
