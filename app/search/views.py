"""The search pages: the alliance's own (signed in) and the public one (published texts only)."""

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required

from app.alliance.models import PolicyArea
from app.api.contract import parse
from app.extensions import db
from app.search import queries
from app.search.schemas import SearchQuery
from app.web.params import row_id
from positions import searching as core
from positions.refusals import Invalid

bp = Blueprint("search", __name__, template_folder="templates")


def link_to(hit: queries.Hit, *, signed_in: bool, external: bool = False) -> str:
    """Where a hit is read: a position's page (or, signed out, its public page), a meeting's."""
    kind, target = hit.kind, hit.object_id
    if kind is core.Kind.MEETING:
        return url_for("meetings.show", meeting_id=target, _external=external)
    if kind is core.Kind.COMMENT:
        return url_for(
            "drafting.show",
            position_id=row_id(hit.position_id),
            _anchor=f"thread-{target}",
            _external=external,
        )
    if kind is core.Kind.APPEARANCE:
        return url_for("meetings.show", meeting_id=row_id(hit.meeting_id), _external=external)
    if kind is core.Kind.POSITION or (signed_in and kind is core.Kind.PUBLISHED):
        return url_for("drafting.show", position_id=target, _external=external)
    return url_for("public.position", slug=hit.slug, _external=external)


def _results(signed_in: bool):
    """The typed query's results, or the refusal of a filter (the page keeps what was typed)."""
    try:
        asked = parse(SearchQuery, request.args.to_dict())
        filters = asked.filters()
    except Invalid as error:
        return None, error
    found = queries.search(
        db.session,
        core.parse(asked.q),
        signed_in=signed_in,
        partner_id=current_user.partner_id if signed_in else None,
        filters=filters,
        page=asked.page,
    )
    return found, None


@bp.get("/search")
@login_required
def page():
    found, error = _results(signed_in=True)
    areas = db.session.execute(db.select(PolicyArea).order_by(PolicyArea.name)).scalars()
    return render_template(
        "search/results.html",
        found=found,
        error=error,
        areas=list(areas),
        kinds=core.KIND_LABELS,
        link_to=link_to,
        pieces=core.highlighted,
        signed_in=True,
    ), 400 if error else 200


@bp.get("/public/search")
def public():
    found, error = _results(signed_in=False)  # published texts only, signed in or not
    return render_template(
        "search/results.html",
        found=found,
        error=error,
        areas=[],
        kinds={k: core.KIND_LABELS[k] for k in core.searchable_kinds(False)},
        link_to=link_to,
        pieces=core.highlighted,
        signed_in=False,
    ), 400 if error else 200
