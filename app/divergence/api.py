"""API routes for stances, amendments, the divergence board, agree-to-differ and the timeline."""

from flask import g, jsonify, request

from app.api import bp, parsing
from app.divergence.models import Amendment, Stance
from app.divergence.queries import board
from app.divergence.queries.timeline import position_timeline
from app.divergence.services import amendments, differ, stances
from app.drafting.services.consensus import get_position
from app.extensions import db
from app.web.params import bounded_int


def _stance(stance: Stance | None, partner_slug: str) -> dict:
    return {
        "partner": partner_slug,
        "stance": stance.view if stance else "undecided",
        "rationale": stance.rationale if stance else "",
        "by": stance.user.name if stance else None,
        "at": stance.created_at.isoformat() if stance else None,
    }


def _amendment(amendment: Amendment, fit: str | None = None) -> dict:
    return {
        "number": amendment.number,
        "base_revision": amendment.base_revision.number,
        "partner": amendment.partner.slug if amendment.partner else None,
        "proposed_by": amendment.proposed_by.name,
        "body": amendment.body,
        "reason": amendment.reason,
        "status": amendment.status,
        "applies": fit,
        "decision_reason": amendment.decision_reason,
        "result_revision": amendment.result_revision.number if amendment.result_revision else None,
        "created_at": amendment.created_at.isoformat(),
    }


@bp.get("/positions/<int:position_id>/stances/<partner_slug>")
def get_stance(position_id: int, partner_slug: str):
    get_position(db.session, position_id)
    partner = stances.find_partner(db.session, partner_slug)
    current = stances.latest_stances(db.session, [position_id])[position_id].get(partner.id)
    return jsonify(_stance(current, partner.slug))


@bp.put("/positions/<int:position_id>/stances/<partner_slug>")
def put_stance(position_id: int, partner_slug: str):
    data = parsing.json_object()
    stance = stances.set_stance(
        db.session,
        g.api_user,
        position_id,
        partner_slug,
        view=parsing.text(data, "stance"),
        rationale=parsing.text(data, "rationale", required=False),
    )
    db.session.commit()
    return jsonify(_stance(stance, partner_slug))


@bp.get("/positions/<int:position_id>/amendments")
def list_amendments(position_id: int):
    position = get_position(db.session, position_id)
    views = amendments.list_amendments(db.session, position_id, position.current_revision.body)
    return jsonify([_amendment(v.amendment, v.check.fit.value if v.check else None) for v in views])


@bp.post("/positions/<int:position_id>/amendments")
def propose_amendment(position_id: int):
    data = parsing.json_object()
    amendment = amendments.propose(
        db.session,
        g.api_user,
        position_id,
        base_number=parsing.number(data.get("base_revision"), "base_revision"),
        body=parsing.text(data, "body"),
        reason=parsing.text(data, "reason"),
    )
    db.session.commit()
    return jsonify(_amendment(amendment)), 201


@bp.post("/positions/<int:position_id>/amendments/<int:number>/accept")
def accept_amendment(position_id: int, number: int):
    amendment = amendments.accept(db.session, g.api_user, position_id, number)
    db.session.commit()
    return jsonify(_amendment(amendment))


@bp.post("/positions/<int:position_id>/amendments/<int:number>/decline")
def decline_amendment(position_id: int, number: int):
    data = parsing.json_object()
    amendment = amendments.decline(
        db.session, g.api_user, position_id, number, reason=parsing.text(data, "reason")
    )
    db.session.commit()
    return jsonify(_amendment(amendment))


@bp.get("/divergence")
def divergence_board():
    data = board.divergence_board(
        db.session,
        area_id=request.args.get("area", type=bounded_int)
        if request.args.get("area", "").isdigit()
        else None,
        status=request.args.get("status") or None,
    )
    return jsonify(
        {
            "partners": [{"slug": p.slug, "name": p.name} for p in data.partners],
            "positions": [
                {
                    "id": row.position.id,
                    "title": row.position.title,
                    "area": row.position.area.slug,
                    "status": row.position.status,
                    "trend": row.trend.value,
                    "spread": row.divergence.spread,
                    "partners": [
                        {
                            "partner": c.partner.slug,
                            "stance": c.view.value,
                            "signoff": c.state.value,
                        }
                        for c in row.cells
                    ],
                }
                for row in data.rows
            ],
            "summary": {
                area: {trend.value: count for trend, count in counts.items()}
                for area, counts in data.summary.items()
            },
        }
    )


def _differ(position_id: int) -> dict:
    state = differ.differ_state(db.session, position_id)
    return {
        "published": state.published is not None,
        "statements_hash": state.outcome.statements_hash,
        "partners": [
            {
                "partner": s.partner.slug,
                "statement": s.statement.text if s.statement else None,
                "confirmed": s.state.value == "approved",
            }
            for s in state.outcome.standings
        ],
    }


@bp.post("/positions/<int:position_id>/differ")
def differ_statement(position_id: int):
    data = parsing.json_object()
    differ.write_statement(
        db.session, g.api_user, position_id, text=parsing.text(data, "statement")
    )
    db.session.commit()
    return jsonify(_differ(position_id)), 201


@bp.post("/positions/<int:position_id>/differ/confirm")
def differ_confirm(position_id: int):
    differ.confirm(db.session, g.api_user, position_id)
    db.session.commit()
    return jsonify(_differ(position_id))


@bp.get("/positions/<int:position_id>/timeline")
def timeline(position_id: int):
    get_position(db.session, position_id)
    return jsonify(
        [
            {
                "at": e.at.isoformat(),
                "kind": e.kind,
                "who": e.who,
                "partner": e.partner,
                "text": e.text,
                "revision": e.revision,
            }
            for e in position_timeline(db.session, position_id)
        ]
    )
