"""API routes: each parses JSON, calls one service, commits, and answers JSON."""

from flask import g, jsonify, request, url_for

from app.api import bp, parsing
from app.dashboard import queries as overview
from app.drafting.models import Position, Revision
from app.drafting.queries.comparing import comparison_of, two_revisions
from app.drafting.services import consensus
from app.drafting.services import editing as drafting
from app.extensions import db
from app.web.caching import conditional, etag_of
from app.web.params import bounded_int
from positions import consensus as core


def _revision(revision: Revision | None) -> dict | None:
    if revision is None:
        return None
    return {
        "number": revision.number,
        "title": revision.title,
        "hash": revision.content_hash,
        "body": revision.body,
        "author": revision.author.name,
        "note": revision.note,
        "created_at": revision.created_at.isoformat(),
    }


def _consensus(state: core.Consensus) -> dict:
    return {
        "publishable": state.publishable,
        "partners": [
            {"partner": s.partner.slug, "state": s.state.value, "revision": s.revision_number}
            for s in state.standings
        ],
    }


def _position(position: Position, state: core.Consensus) -> dict:
    return {
        "id": position.id,
        "title": position.title,
        "slug": position.slug,
        "area": position.area.slug,
        "status": position.status,
        "current_revision": _revision(position.current_revision),
        "published_revision": _revision(position.published_revision),
        "consensus": _consensus(state),
    }


@bp.get("/partners")
def partners():
    return jsonify(
        [
            {"slug": p.slug, "name": p.name, "active": p.active}
            for p in consensus.all_partners(db.session)
        ]
    )


@bp.get("/positions")
def list_positions():
    page = overview.list_positions(
        db.session,
        status=request.args.get("status") or None,
        page=request.args.get("page", 1, type=bounded_int),
        per_page=max(1, min(request.args.get("per_page", 50, type=bounded_int), 200)),
    )
    return jsonify(
        {
            "items": [_position(p, page.consensus[p.id]) for p in page.items],
            "page": page.page,
            "pages": page.pages,
            "total": page.total,
        }
    )


@bp.post("/positions")
def create_position():
    data = parsing.json_object()
    position = drafting.create_position(
        db.session,
        g.api_user,
        title=parsing.text(data, "title"),
        body=parsing.text(data, "body"),
        area=parsing.text(data, "area"),
        note=parsing.text(data, "note", required=False),
    )
    state = consensus.consensus_for(db.session, position)
    db.session.commit()
    return jsonify(_position(position, state)), 201


@bp.get("/positions/<int:position_id>")
def show_position(position_id: int):
    position = consensus.get_position(db.session, position_id)
    return jsonify(_position(position, consensus.consensus_for(db.session, position)))


@bp.post("/positions/<int:position_id>/revisions")
def create_revision(position_id: int):
    data = parsing.json_object()
    position = consensus.get_position(db.session, position_id)
    saved = drafting.save_revision(
        db.session,
        g.api_user,
        position_id,
        title=parsing.text(data, "title", required=False, default=position.title),
        body=parsing.text(data, "body"),
        base_number=parsing.number(data.get("base_revision"), "base_revision"),
        note=parsing.text(data, "note", required=False),
    )
    db.session.commit()
    return jsonify(
        {
            "number": saved.revision.number,
            "merged": saved.merged,
            "hash": saved.revision.content_hash,
        }
    ), 201


@bp.get("/positions/<int:position_id>/revisions")
def list_revisions(position_id: int):
    position = consensus.get_position(db.session, position_id)
    # Revisions are only ever added: the current one dates the list.
    return conditional(
        etag_of("revisions", position.id, position.current_revision_id),
        lambda: jsonify([_revision(r) for r in drafting.revisions(db.session, position_id)]),
    )


@bp.get("/positions/<int:position_id>/diff")
def diff(position_id: int):
    old, new = two_revisions(
        db.session,
        position_id,
        parsing.number(request.args.get("from"), "from"),
        parsing.number(request.args.get("to"), "to"),
    )
    # Two revisions never change, so neither does their diff: cache it for a day, and answer a
    # revalidation before diffing anything.
    etag = etag_of(old.id, new.id, old.content_hash, new.content_hash)

    def ops():
        changes = comparison_of(old, new).changes
        return jsonify(
            {
                "from": old.number,
                "to": new.number,
                "ops": [{"op": c.op.value, "text": c.text} for c in changes],
            }
        )

    return conditional(
        etag,
        ops,
        max_age=86400,
    )


@bp.post("/positions/<int:position_id>/signoffs")
def sign_off(position_id: int):
    data = parsing.json_object()
    signoff = consensus.sign_off(
        db.session,
        g.api_user,
        position_id,
        revision_number=parsing.number(data.get("revision"), "revision"),
        decision=parsing.text(data, "decision"),
        comment=parsing.text(data, "comment", required=False),
    )
    db.session.commit()
    return jsonify(
        {
            "partner": signoff.partner.slug,
            "decision": signoff.decision,
            "revision": signoff.revision.number,
            "hash": signoff.content_hash,
            "at": signoff.created_at.isoformat(),
        }
    ), 201


@bp.post("/positions/<int:position_id>/publish")
def publish(position_id: int):
    data = parsing.json_object()
    publication = consensus.publish(
        db.session,
        g.api_user,
        position_id,
        revision_number=parsing.number(data.get("revision"), "revision"),
    )
    db.session.commit()
    return jsonify(_publication(consensus.get_position(db.session, position_id), publication))


def _publication(position: Position, publication) -> dict:
    return {
        "id": position.id,
        "title": publication.revision.title,
        "revision": publication.revision.number,
        "hash": publication.revision.content_hash,
        "published_at": publication.published_at.isoformat(),
        "url": url_for("public.position", slug=position.slug, _external=True),
        "signatories": [
            {"partner": s.partner.name, "name": s.user.name, "at": s.created_at.isoformat()}
            for s in publication.signatories_in_order
        ],
    }


@bp.get("/published")
def published():
    page = overview.published_positions(
        db.session, page=request.args.get("page", 1, type=bounded_int)
    )
    return jsonify([_publication(p, p.publication) for p in page.items])
