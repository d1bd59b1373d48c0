"""API routes for stances, amendments, the divergence board, agree-to-differ and the timeline."""

from flask import g

from app.api.contract import WRITES, operation
from app.divergence import schemas as s
from app.divergence.queries import board
from app.divergence.queries.timeline import position_timeline
from app.divergence.services import amendments, differ, stances
from app.drafting.schemas import JointMotion, ReasonRequest
from app.drafting.services.consensus import get_position
from app.extensions import db


@operation(
    "GET",
    "/positions/<int:position_id>/stances/<partner_slug>",
    summary="A partner's current stance.",
    answer=s.Stance,
)
def get_stance(position_id: int, partner_slug: str):
    get_position(db.session, position_id)
    partner = stances.find_partner(db.session, partner_slug)
    current = stances.latest_stances(db.session, [position_id])[position_id].get(partner.id)
    return s.Stance.of(current, partner.slug)


@operation(
    "PUT",
    "/positions/<int:position_id>/stances/<partner_slug>",
    summary="Set your own partner's stance (its policy and chief officers).",
    answer=s.Stance,
    errors=WRITES,
    body=s.StanceRequest,
)
def put_stance(position_id: int, partner_slug: str, body: s.StanceRequest):
    stance = stances.set_stance(
        db.session,
        g.api_user,
        position_id,
        partner_slug,
        view=body.stance,
        rationale=body.rationale,
    )
    return s.Stance.of(stance, partner_slug)


@operation(
    "GET",
    "/positions/<int:position_id>/amendments",
    summary="Proposed wordings, with whether each still applies.",
    answer=list[s.Amendment],
)
def list_amendments(position_id: int):
    position = get_position(db.session, position_id)
    views = amendments.list_amendments(db.session, position_id, position.current_revision.body)
    return [s.Amendment.of(v.amendment, v.check.fit if v.check else None) for v in views]


@operation(
    "POST",
    "/positions/<int:position_id>/amendments",
    summary="Propose a wording (policy and chief officers).",
    answer=s.Amendment,
    status=201,
    errors=WRITES,
    body=s.AmendmentRequest,
)
def propose_amendment(position_id: int, body: s.AmendmentRequest):
    amendment = amendments.propose(
        db.session,
        g.api_user,
        position_id,
        base_number=body.base_revision,
        body=body.body,
        reason=body.reason,
    )
    return s.Amendment.of(amendment)


@operation(
    "POST",
    "/positions/<int:position_id>/amendments/<int:number>/accept",
    summary="Accept an amendment: it becomes a new revision.",
    answer=s.Amendment,
    errors=WRITES,
)
def accept_amendment(position_id: int, number: int):
    amendment = amendments.accept(db.session, g.api_user, position_id, number)
    return s.Amendment.of(amendment)


@operation(
    "POST",
    "/positions/<int:position_id>/amendments/<int:number>/decline",
    summary="Decline an amendment, with a reason.",
    answer=s.Amendment,
    errors=WRITES,
    body=s.DeclineRequest,
)
def decline_amendment(position_id: int, number: int, body: s.DeclineRequest):
    amendment = amendments.decline(db.session, g.api_user, position_id, number, reason=body.reason)
    return s.Amendment.of(amendment)


@operation(
    "GET",
    "/divergence",
    summary="Where the partners' views diverge, position by position.",
    answer=s.DivergenceBoard,
    query=s.BoardQuery,
)
def divergence_board(query: s.BoardQuery):
    data = board.divergence_board(db.session, area_id=query.area, status=query.status)
    return s.DivergenceBoard.of(data)


@operation(
    "POST",
    "/positions/<int:position_id>/differ",
    summary="Write your own partner's agree-to-differ statement.",
    answer=s.Differ,
    status=201,
    errors=WRITES,
    body=s.StatementRequest,
)
def differ_statement(position_id: int, body: s.StatementRequest):
    differ.write_statement(db.session, g.api_user, position_id, text=body.statement)
    return s.Differ.of(differ.differ_state(db.session, position_id))


@operation(
    "POST",
    "/positions/<int:position_id>/differ/confirm",
    summary="Confirm the agree-to-differ outcome for your own partner (its chief officer).",
    answer=s.Differ,
    errors=WRITES,
)
def differ_confirm(position_id: int):
    differ.confirm(db.session, g.api_user, position_id)
    return s.Differ.of(differ.differ_state(db.session, position_id))


@operation(
    "POST",
    "/positions/<int:position_id>/differ/reopen",
    summary="Confirm reopening the agree-to-differ outcome, for your own partner (its chief "
    "officer); the last partner's confirmation reopens it.",
    answer=JointMotion,
    errors=WRITES,
    body=ReasonRequest,
)
def differ_reopen(position_id: int, body: ReasonRequest):
    return JointMotion.of(
        differ.confirm_reopening(db.session, g.api_user, position_id, reason=body.reason)
    )


@operation(
    "GET",
    "/positions/<int:position_id>/timeline",
    summary="Everything that happened to the position, oldest first.",
    answer=list[s.TimelineEvent],
)
def timeline(position_id: int):
    get_position(db.session, position_id)
    return [s.TimelineEvent.of(e) for e in position_timeline(db.session, position_id)]
