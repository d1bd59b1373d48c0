"""Writing and deciding on positions: list, create, edit, history, compare, sign off, publish."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import escape
from wtforms import SelectChoice

from app.alliance.settings import clock_of
from app.discussion.queries import discussion_of, may_edit, paragraph_html, threads_on_changes
from app.divergence.forms import (
    ConfirmForm,
    ReasonForm,
    ReviewDateForm,
    StanceForm,
    WithdrawalForm,
)
from app.drafting.forms import (
    EditForm,
    PositionForm,
    PublishForm,
    ReadyForm,
    SignOffForm,
    TakeBackForm,
)
from app.drafting.queries import lists
from app.drafting.queries.comparing import compare, comparison_of, formatted, two_revisions
from app.drafting.queries.position_page import page_version, position_page
from app.drafting.services import consensus, cycle
from app.drafting.services import editing as drafting
from app.extensions import db
from app.web.caching import conditional, kept, private_etag
from app.web.errors import flash_refused, form_refused
from app.web.params import bounded_int
from app.web.rendering import render_bounded
from positions import consensus as core
from positions import diffing, roles
from positions.divergence import VIEW_LABELS
from positions.refusals import Conflict, Forbidden, Invalid, TooLarge

bp = Blueprint("drafting", __name__, url_prefix="/positions", template_folder="templates")


@bp.before_request
@login_required
def require_login():
    """Every drafting page is for signed-in members only."""


def _areas(*, current_only: bool = False) -> list[SelectChoice]:
    areas = drafting.policy_areas(db.session, current_only=current_only)
    return [SelectChoice(a.id, a.name) for a in areas]


@bp.get("/")
def index():
    page = lists.list_positions(
        db.session,
        status=request.args.get("status") or None,
        area_id=request.args.get("area", type=bounded_int),
        search=request.args.get("q") or None,
        page=request.args.get("page", 1, type=bounded_int),
    )
    return render_template(
        "drafting/index.html",
        page=page,
        areas=_areas(),
        statuses=list(core.PositionStatus),
        filters=request.args,
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = PositionForm()
    form.area.choices = _areas(current_only=True)  # a retired area takes no new position
    status = 200
    if form.validate_on_submit():
        try:
            position = drafting.create_position(
                db.session,
                current_user,
                title=form.title.data,
                body=form.body.data or "",
                area=form.area.data,
                note=form.note.data or "",
            )
            flash(f"Created “{position.title}” as revision 1.", "success")
            _warn_of_lookalikes(position.id, position.title)
            return redirect(url_for(".show", position_id=position.id))
        except (Invalid, TooLarge, Forbidden) as error:
            # Even a refusal of the person (not the text) keeps what they typed on the form.
            status = form_refused(form, error)
    elif form.is_submitted():
        status = 400
    return render_template("drafting/new.html", form=form), status


def _warn_of_lookalikes(position_id: int, title: str) -> None:
    # A warning, not a refusal: two positions may rightly share a title (a new year's version).
    for other in lists.lookalike_titles(db.session, title, excluding=position_id)[:3]:
        flash(
            f"Another position is titled “{other}”, which reads the same. "
            "Check this is not a duplicate.",
            "warning",
        )


@bp.get("/<int:position_id>")
def show(position_id: int):
    # Whatever this page shows changes only by a write that moves the position's version: while
    # it stands still (and the day and this person's roles are the same), the page rendered last
    # time is the page.
    user = current_user
    etag = private_etag(
        "position",
        position_id,
        page_version(db.session, position_id),
        clock_of(db.session).today(),
        user.roles,
        user.partner_id,
    )
    return conditional(
        etag,
        kept(etag, lambda: render_position_page(position_page(db.session, user, position_id))[0]),
    )


def render_position_page(page, signoff_form: SignOffForm | None = None, status: int = 200, **typed):
    """The position page; `typed` holds forms refused by another route, with what was typed."""
    revision = page.consensus.revision.number
    published = page.position.published_revision
    held = next((c.stance for c in page.stances if c.partner.id == current_user.partner_id), None)
    current = page.position.current_revision
    now = clock_of(db.session).now()
    return render_template(
        "drafting/show.html",
        page=page,
        since_decided=_since_decided(page, current),
        discussion=discussion_of(db.session, current_user, current),
        paragraph_html=paragraph_html(current.id, current.body),
        discussion_open=core.open_for_work(core.PositionStatus(page.position.status)),
        may_take_part=roles.can_discuss(current_user.actor),
        discussion_may_edit=lambda comment: may_edit(current_user, comment, now),
        thread_form=typed.pop("thread_form", None),
        position=page.position,
        signoff_form=signoff_form or SignOffForm(revision=revision),
        publish_form=PublishForm(revision=revision),
        stance_form=StanceForm(
            stance=held.view if held else None, rationale=held.rationale if held else ""
        ),
        review_form=ReviewDateForm(review_by=page.position.review_by),
        ready_form=typed.pop("ready_form", None) or _ready_form(page),
        take_back_form=TakeBackForm(formdata=None, prefix="take_back"),
        view_labels=VIEW_LABELS,
        **{
            "withdrawal_form": WithdrawalForm(
                formdata=None, prefix="withdraw", revision=published.number if published else None
            ),
            "archive_form": ReasonForm(formdata=None, prefix="archive"),
            "reopen_form": ReasonForm(formdata=None, prefix="reopen"),
            "dissent_form": ReasonForm(formdata=None, prefix="dissent"),
            "retract_form": ConfirmForm(formdata=None, prefix="retract"),
            **typed,
        },
    ), status


def _since_decided(page, current):
    """What changed since this signer's partner last decided (an approval gone stale, or an
    objection to an earlier text), formatted, for the decision panel; None when nothing did."""
    decided = page.changes_since_my_approval or page.changes_since_my_objection
    if not page.may_sign or decided is None or decided == current.number:
        return None
    # The decision's revision came with the page's sign-offs (joined): no query more.
    earlier = next(
        (
            s.revision
            for s in page.signoffs
            if s.partner_id == current_user.partner_id and s.revision.number == decided
        ),
        None,
    ) or drafting.get_revision(db.session, page.position.id, decided)
    return earlier, diffing.block_stretches(formatted(earlier, current))


@bp.route("/<int:position_id>/edit", methods=["GET", "POST"])
def edit(position_id: int):
    position = consensus.get_position(db.session, position_id)
    current = position.current_revision
    form = EditForm(
        data=None
        if request.method == "POST"
        else {
            "title": current.title,
            "body": current.body,
            "base_revision": current.number,
        }
    )
    status = 200
    if form.validate_on_submit():
        try:
            saved = drafting.save_revision(
                db.session,
                current_user,
                position_id,
                title=form.title.data,
                body=form.body.data or "",
                base_number=form.base_revision.data,
                note=form.note.data or "",
            )
            if saved.merged:
                flash(
                    f"Someone saved while you were editing; your changes were merged into "
                    f"revision {saved.revision.number}. Check the result below.",
                    "warning",
                )
            else:
                flash(
                    f"Saved revision {saved.revision.number}. Earlier approvals are now stale "
                    "until the partners approve this text.",
                    "success",
                )
            if saved.revision.title != current.title:
                _warn_of_lookalikes(position_id, saved.revision.title)
            return redirect(url_for(".show", position_id=position_id))
        except (Invalid, TooLarge, Conflict, Forbidden) as error:
            if error.code == "edit_conflict":
                return _conflict_page(position_id, error, form)
            status = form_refused(form, error)
    elif form.is_submitted():
        status = 400
    return render_template("drafting/edit.html", form=form, position=position), status


def _conflict_page(position_id: int, conflict: Conflict, typed: EditForm):
    db.session.rollback()
    position = consensus.get_position(db.session, position_id)
    base = drafting.get_revision(db.session, position_id, conflict.extra["base_revision"])
    current = drafting.get_revision(db.session, position_id, conflict.extra["current_revision"])
    theirs = compare(db.session, position_id, base.number, current.number)
    # The form now starts from the current revision but keeps every word the user typed.
    form = EditForm(
        formdata=None,
        data={
            "title": typed.title.data,
            "body": typed.body.data or "",
            "note": typed.note.data or "",
            "base_revision": current.number,
        },
    )
    return render_template(
        "drafting/conflict.html",
        form=form,
        position=position,
        conflict=conflict,
        base=base,
        current=current,
        theirs=theirs,
    ), 409


@bp.get("/<int:position_id>/history")
def history(position_id: int):
    position = consensus.get_position(db.session, position_id)
    # Revisions and sign-offs are only ever added: the newest of each dates the whole history.
    etag = private_etag(
        position.id,
        position.current_revision_id,
        consensus.latest_signoff_id(db.session, position_id),
        position.publication_id,
        position.status,
    )
    return conditional(
        etag,
        lambda: render_template(
            "drafting/history.html",
            position=position,
            revisions=drafting.revisions(db.session, position_id),
            signoffs=consensus.signoff_history(db.session, position_id),
        ),
    )


@bp.get("/<int:position_id>/compare")
def compare_view(position_id: int):
    position = consensus.get_position(db.session, position_id)
    current = position.current_revision.number
    new = request.args.get("to", current, type=bounded_int)
    old = request.args.get("from", max(1, new - 1), type=bounded_int)
    layout = request.args.get("view")
    layout = layout if layout in COMPARE_LAYOUTS else "inline"
    changes_only = request.args.get("only") == "1"  # fold the unchanged paragraphs
    # Two revisions never change, so neither does their diff: the tag is known before diffing.
    older, newer = two_revisions(db.session, position_id, old, new)
    # The threads shown beside it move with the position's version (read with the position).
    etag = private_etag(
        older.id, newer.id, layout, changes_only, current, position.title, position.version
    )
    return conditional(
        etag, lambda: _compare_page(position, older, newer, layout, changes_only, current)
    )


# The compare page's layouts: the Markdown word by word, its lines side by side, or the rendered
# text as it reads (headings, emphasis, links) with the changes marked.
COMPARE_LAYOUTS = {"inline": "Inline", "side": "Side by side", "formatted": "Formatted"}


def _compare_page(position, older, newer, layout: str, changes_only: bool, current: int) -> str:
    comparison = comparison_of(older, newer)
    return render_template(
        "drafting/compare.html",
        position=position,
        comparison=comparison,
        blocks=formatted(older, newer) if layout == "formatted" else None,
        layout=layout,
        layouts=COMPARE_LAYOUTS,
        changes_only=changes_only,
        block_stretches=diffing.block_stretches,
        side_stretches=diffing.side_stretches,
        inline_stretches=diffing.inline_stretches,
        numbers=range(current, 0, -1),
        threads=threads_on_changes(db.session, current_user, comparison),
        may_take_part=False,  # read here; answered on the position page
        discussion_open=False,
    )


@bp.post("/<int:position_id>/signoff")
def sign_off(position_id: int):
    form = SignOffForm()
    if not form.validate():
        flash("Choose approve or object before you submit.", "error")
        return redirect(url_for(".show", position_id=position_id))
    try:
        signoff = consensus.sign_off(
            db.session,
            current_user,
            position_id,
            revision_number=form.revision.data,
            decision=form.decision.data,
            comment=form.comment.data or "",
        )
    except (Invalid, Conflict) as error:
        status = flash_refused(error)
        # The text changed while they were deciding: show them exactly what changed.
        decided_on = form.revision.data if error.code == "not_current" else None
        return render_position_page(
            position_page(db.session, current_user, position_id),
            form,
            status,
            decided_on=decided_on,
        )
    verb = "approved" if signoff.decision == "approve" else "objected to"
    flash(f"{signoff.partner.name} {verb} revision {signoff.revision.number}.", "success")
    return redirect(url_for(".show", position_id=position_id))


@bp.post("/<int:position_id>/publish")
def publish(position_id: int):
    form = PublishForm()
    if not form.validate():
        flash("That publish request was incomplete; try again.", "error")
        return redirect(url_for(".show", position_id=position_id))
    try:
        publication = consensus.publish(
            db.session, current_user, position_id, revision_number=form.revision.data
        )
    except Conflict as error:
        flash_refused(error)
        return redirect(url_for(".show", position_id=position_id))
    flash(
        f"Published revision {publication.revision.number} as the alliance's position.", "success"
    )
    position = consensus.get_position(db.session, position_id)
    return redirect(url_for("public.position", slug=position.slug))


def _ready_form(page) -> ReadyForm:
    position = page.position
    if position.ready:
        form = ReadyForm(
            formdata=None,
            prefix="ready",
            decision_due=position.decision_due,
            note=position.ready_note,
            external_deadline=position.external_deadline,
            external_label=position.external_label,
        )
        form.decision_due.description = ""  # the default was offered when it was marked ready
        return form
    return ReadyForm(formdata=None, prefix="ready", decision_due=page.default_due)


@bp.post("/<int:position_id>/ready")
def ready(position_id: int):
    """Put up for sign-off, or (when it already is) change its deadline: the same form."""
    form = ReadyForm(prefix="ready")
    if not form.validate():
        flash("Give the dates as calendar dates.", "error")
        page = position_page(db.session, current_user, position_id)
        return render_position_page(page, status=422, ready_form=form)
    position = consensus.get_position(db.session, position_id)
    change = cycle.change_deadline if position.ready else cycle.mark_ready
    try:
        position = change(
            db.session,
            current_user,
            position_id,
            decision_due=form.decision_due.data,
            note=form.note.data or "",
            external_deadline=form.external_deadline.data,
            external_label=form.external_label.data or "",
        )
    except (Invalid, Conflict) as error:
        status = flash_refused(error)
        page = position_page(db.session, current_user, position_id)
        return render_position_page(page, status=status, ready_form=form)
    flash(
        f"Ready for sign-off: a decision is needed by {position.decision_due:%-d %b %Y}.",
        "success",
    )
    return redirect(url_for(".show", position_id=position_id))


@bp.post("/<int:position_id>/take-back")
def take_back(position_id: int):
    form = TakeBackForm(prefix="take_back")
    if not form.validate():
        flash("That request was incomplete; try again.", "error")
        return redirect(url_for(".show", position_id=position_id))
    try:
        cycle.take_back(db.session, current_user, position_id)
        flash("Taken back to drafting: it has left the chief officers' to-do lists.", "success")
    except Conflict as error:
        flash_refused(error)
    return redirect(url_for(".show", position_id=position_id))


@bp.post("/preview")
def preview():
    """The live preview: the same sanitised rendering the saved revision will get.

    A text that cannot be rendered in time answers 422 with the reason, shown in the preview's
    place; the text itself stays in the editor.
    """
    try:
        html, status = render_bounded(request.form.get("body", "")), 200
    except Invalid as refused:
        html, status = f'<p class="preview-refused">{escape(refused.message)}</p>', 422
    return html, status, {"Content-Type": "text/html; charset=utf-8"}
