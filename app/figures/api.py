"""API routes for the cycle figures: each calls one query and answers with its schema."""

from flask import g

from app.api.contract import operation
from app.extensions import db
from app.figures import queries
from app.figures import schemas as s


@operation(
    "GET",
    "/figures/cycle",
    summary="How long sign-off takes: ready to unanimous and to each partner's first decision "
    "(median, 90th percentile) over the last quarter and year, month by month, and what is "
    "overdue now (chief officers, comms and admins).",
    answer=s.CycleFigures,
    errors=(401, 403),
)
def cycle_figures():
    return s.CycleFigures.of(queries.cycle_figures(db.session, g.api_user))


@operation(
    "GET",
    "/figures/positions/<int:position_id>/timeline",
    summary="One position's latest sign-off cycle: from ready to each partner's decisions.",
    answer=s.Timeline,
    errors=(400, 401, 403, 404),
)
def position_timeline(position_id: int):
    return s.Timeline.of(queries.position_timeline(db.session, g.api_user, position_id))
