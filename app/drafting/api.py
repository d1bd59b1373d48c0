"""API routes for positions: each parses with its schema, calls one service, answers."""

from flask import g

from app.alliance.schemas import Partner
from app.api.contract import WRITES, answer_with, operation
from app.drafting import schemas as s
from app.drafting.queries import lists
from app.drafting.queries.comparing import comparison_of, formatted, two_revisions
from app.drafting.services import consensus, cycle, governance
from app.drafting.services import editing as drafting
from app.extensions import db
from app.public.queries import published_positions
from app.web.caching import conditional, etag_of
from positions.refusals import Invalid


def _answer(position) -> s.Position:
    """A position as the API shows it, with where every partner stands on it now."""
    return s.Position.of(position, consensus.consensus_for(db.session, position))


@operation(
    "GET", "/partners", summary="Partners, alphabetical.", answer=list[Partner], errors=(401,)
)
def partners():
    return [Partner.of(p) for p in consensus.all_partners(db.session)]


@operation(
    "GET",
    "/positions",
    summary="Positions, most recently changed first.",
    answer=s.PositionPage,
    errors=(400, 401),
    query=s.PositionsQuery,
)
def list_positions(query: s.PositionsQuery):
    page = lists.list_positions(
        db.session, status=query.status, page=query.page, per_page=query.page_size
    )
    return s.PositionPage.of(
        page, lambda p: s.Position.of(p, page.consensus[p.id], bodies=query.with_bodies)
    )


@operation(
    "POST",
    "/positions",
    summary="Create a position as revision 1 (policy and chief officers).",
    answer=s.Position,
    status=201,
    errors=WRITES,
    body=s.NewPosition,
)
def create_position(body: s.NewPosition):
    position = drafting.create_position(
        db.session, g.api_user, title=body.title, body=body.body, area=body.area, note=body.note
    )
    state = consensus.consensus_for(db.session, position)
    return s.Position.of(position, state)


@operation(
    "GET",
    "/positions/<int:position_id>",
    summary="The position, its current and published revision, and consensus.",
    answer=s.Position,
)
def show_position(position_id: int):
    position = consensus.get_position(db.session, position_id)
    return _answer(position)


@operation(
    "POST",
    "/positions/<int:position_id>/revisions",
    summary="Save a new revision from a base revision: merged when others saved meanwhile, "
    "409 edit_conflict when the edits overlap.",
    answer=s.SavedRevision,
    status=201,
    errors=WRITES,
    body=s.NewRevision,
)
def create_revision(position_id: int, body: s.NewRevision):
    position = consensus.get_position(db.session, position_id)
    saved = drafting.save_revision(
        db.session,
        g.api_user,
        position_id,
        title=position.title if body.title is None else body.title,
        body=body.body,
        base_number=body.base_revision,
        note=body.note,
    )
    return s.SavedRevision(
        number=saved.revision.number, merged=saved.merged, hash=saved.revision.content_hash
    )


@operation(
    "GET",
    "/positions/<int:position_id>/revisions",
    summary="The revisions, newest first, a page at a time; bodies only with include=body.",
    answer=s.RevisionPage,
    query=s.RevisionsQuery,
)
def list_revisions(position_id: int, query: s.RevisionsQuery):
    position = consensus.get_position(db.session, position_id)
    # Revisions are only ever added: the current one dates the list.
    etag = etag_of(
        "revisions",
        position.id,
        position.current_revision_id,
        query.page,
        query.page_size,
        query.with_bodies,
    )

    def render():
        page = drafting.revisions_page(
            db.session,
            position_id,
            page=query.page,
            per_page=query.page_size,
            with_bodies=query.with_bodies,
        )
        return answer_with(
            s.RevisionPage.of(page, lambda r: s.Revision.of(r, body=query.with_bodies))
        )

    return conditional(etag, render)


@operation(
    "GET",
    "/positions/<int:position_id>/diff",
    summary="Word-level operations that rebuild both revisions' bodies exactly.",
    answer=s.Diff,
    query=s.DiffQuery,
)
def diff(position_id: int, query: s.DiffQuery):
    view = query.view or "words"
    if view not in s.DIFF_VIEWS:
        raise Invalid("Ask for view=words or view=formatted.", code="bad_view", field="view")
    old, new = two_revisions(db.session, position_id, query.from_, query.to)

    def answer():
        blocks = formatted(old, new) if view == "formatted" else None
        return answer_with(s.Diff.of(old, new, comparison_of(old, new).changes, blocks))

    # Two revisions never change, so neither does their diff: cache it for a day, and answer a
    # revalidation before diffing anything.
    return conditional(
        etag_of(old.id, new.id, old.content_hash, new.content_hash, view), answer, max_age=86400
    )


@operation(
    "POST",
    "/positions/<int:position_id>/signoffs",
    summary="Approve or object to an exact revision, for your own partner (its chief officer).",
    answer=s.SignOff,
    status=201,
    errors=WRITES,
    body=s.SignOffRequest,
)
def sign_off(position_id: int, body: s.SignOffRequest):
    signoff = consensus.sign_off(
        db.session,
        g.api_user,
        position_id,
        revision_number=body.revision,
        decision=body.decision,
        comment=body.comment,
    )
    return s.SignOff.of(signoff)


def _readiness(body: s.ReadyRequest) -> dict:
    return {
        "decision_due": body.decision_due,
        "note": body.note,
        "external_deadline": body.external_deadline,
        "external_label": body.external_label,
    }


@operation(
    "POST",
    "/positions/<int:position_id>/ready",
    summary="Put the current text up for sign-off, with a decision date (its author or a "
    "partner's policy officer); it joins the chief officers' to-do lists.",
    answer=s.Position,
    errors=WRITES,
    body=s.ReadyRequest,
)
def mark_ready(position_id: int, body: s.ReadyRequest):
    position = cycle.mark_ready(db.session, g.api_user, position_id, **_readiness(body))
    return _answer(position)


@operation(
    "POST",
    "/positions/<int:position_id>/deadline",
    summary="Change a ready position's decision date, note and external deadline.",
    answer=s.Position,
    errors=WRITES,
    body=s.ReadyRequest,
)
def change_deadline(position_id: int, body: s.ReadyRequest):
    position = cycle.change_deadline(db.session, g.api_user, position_id, **_readiness(body))
    return _answer(position)


@operation(
    "POST",
    "/positions/<int:position_id>/take-back",
    summary="Take a ready position back to drafting: it leaves the to-do lists.",
    answer=s.Position,
    errors=WRITES,
)
def take_back(position_id: int):
    position = cycle.take_back(db.session, g.api_user, position_id)
    return _answer(position)


@operation(
    "POST",
    "/positions/<int:position_id>/publish",
    summary="Publish a revision every active partner approved; 409 not_unanimous otherwise.",
    answer=s.Publication,
    errors=WRITES,
    body=s.PublishRequest,
)
def publish(position_id: int, body: s.PublishRequest):
    publication = consensus.publish(
        db.session, g.api_user, position_id, revision_number=body.revision
    )
    return s.Publication.of(consensus.get_position(db.session, position_id), publication)


@operation(
    "GET",
    "/published",
    summary="The public record: published positions, newest first (no token needed).",
    answer=list[s.Publication],
    errors=(400,),
    query=s.PublishedQuery,
    public=True,
)
def published(query: s.PublishedQuery):
    page = published_positions(db.session, page=query.page)
    return [s.Publication.of(p, p.publication) for p in page.items]


@operation(
    "POST",
    "/positions/<int:position_id>/withdrawal",
    summary="Confirm withdrawing the published text, for your own partner (its chief officer); "
    "the last partner's confirmation withdraws it.",
    answer=s.JointMotion,
    errors=WRITES,
    body=s.WithdrawalRequest,
)
def withdraw(position_id: int, body: s.WithdrawalRequest):
    state = governance.confirm_withdrawal(
        db.session, g.api_user, position_id, revision_number=body.revision, reason=body.reason
    )
    return s.JointMotion.of(state)


@operation(
    "POST",
    "/positions/<int:position_id>/archive",
    summary="Archive a never-published draft (its author or any chief officer), with a reason.",
    answer=s.Position,
    errors=WRITES,
    body=s.ReasonRequest,
)
def archive(position_id: int, body: s.ReasonRequest):
    position = governance.archive(db.session, g.api_user, position_id, reason=body.reason)
    return _answer(position)


@operation(
    "POST",
    "/positions/<int:position_id>/dissents",
    summary="Say, for your own partner (its chief officer), that it no longer supports the "
    "published text; the text stays public.",
    answer=s.Dissent,
    status=201,
    errors=WRITES,
    body=s.ReasonRequest,
)
def state_dissent(position_id: int, body: s.ReasonRequest):
    return s.Dissent.of(
        governance.state_dissent(db.session, g.api_user, position_id, reason=body.reason)
    )


@operation(
    "POST",
    "/positions/<int:position_id>/dissents/retract",
    summary="Withdraw your own partner's statement that it no longer supports the text.",
    answer=s.Dissent,
    errors=WRITES,
)
def retract_dissent(position_id: int):
    return s.Dissent.of(governance.retract_dissent(db.session, g.api_user, position_id))
