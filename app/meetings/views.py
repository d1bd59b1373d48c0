"""The spokesperson log on the web: meetings, appearances, the log, flags, mandates, exports."""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required
from wtforms import SelectChoice

from app.alliance.settings import clock_of
from app.drafting.services.consensus import get_position
from app.extensions import db, utcnow
from app.meetings.forms import (
    SPARE_AUDIENCE_ROWS,
    AliasForm,
    AppearanceForm,
    ConfirmForm,
    FeedForm,
    MandateForm,
    MeetingForm,
    ReviewForm,
)
from app.meetings.queries import exports as export
from app.meetings.queries import log
from app.meetings.services import appearances, feeds, mandates
from app.meetings.services import meetings as meeting_service
from app.public.documents import pdf_of
from app.web.caching import never_stored
from app.web.errors import flash_refused, form_refused
from app.web.params import bounded_int, row_id, search_text
from positions import mandate as core
from positions import meetings as meeting_rules
from positions import roles
from positions.consensus import in_progress
from positions.refusals import Conflict, Forbidden, Invalid

bp = Blueprint("meetings", __name__, url_prefix="/meetings", template_folder="templates")

PER_PAGE = 25


def _viewer():
    return current_user if current_user.is_authenticated else None


def _filters():
    """The filters in the query string; a malformed one is reported and dropped."""
    try:
        return log.parse_filters(request.args), 200
    except Invalid as error:
        flash(error.message, "error")
        args = {k: v for k, v in request.args.items() if k != error.field}
        try:
            return log.parse_filters(args), 400
        except Invalid:
            return log.LogFilters(), 400


def _labels() -> dict:
    return {
        "kinds": meeting_rules.KIND_LABELS,
        "statuses": meeting_rules.STATUS_LABELS,
        "flag_labels": core.FLAG_LABELS,
        "text_states": core.TEXT_STATE_LABELS,
    }


# ---- meetings --------------------------------------------------------------------------------


@bp.get("/")
def index():
    filters, status = _filters()
    page = log.meetings_page(
        db.session,
        _viewer(),
        filters,
        page=request.args.get("page", 1, type=bounded_int),
        per_page=PER_PAGE,
    )
    return render_template(
        "meetings/index.html",
        page=page,
        filters=filters,
        choices=log.filter_choices(db.session, _viewer()),
        now=utcnow(),
        **_labels(),
    ), status


def _meeting_form(form: MeetingForm, rows: int) -> MeetingForm:
    form.areas.choices = [
        SelectChoice(a.id, a.name) for a in log.filter_choices(db.session, None).areas
    ]
    while len(form.audience) < rows:
        form.audience.append_entry()
    return form


def _meeting_page(template: str, form: MeetingForm, status: int, **context):
    return render_template(
        template,
        form=form,
        organisations=meeting_service.organisations(db.session),
        time_zone_name=clock_of(db.session).zone.key,
        **context,
    ), status


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    form = MeetingForm()
    if not roles.can_manage_meetings(current_user.actor):
        raise Forbidden("Only communications staff and admins record meetings.")
    status = 200
    if request.form.get("more"):
        _meeting_form(form, len(form.audience) + SPARE_AUDIENCE_ROWS)
        return _meeting_page("meetings/form.html", form, 200, meeting=None)
    if form.validate_on_submit():
        try:
            meeting = meeting_service.create_meeting(db.session, current_user, form.to_input())
            flash(f"Recorded “{meeting.title}”.", "success")
            return redirect(url_for(".show", meeting_id=meeting.id))
        except (Invalid, Forbidden) as error:
            status = form_refused(form, error)
    elif form.is_submitted():
        status = 400
    _meeting_form(form, len(form.audience))
    return _meeting_page("meetings/form.html", form, status, meeting=None)


@bp.get("/<int:meeting_id>")
def show(meeting_id: int):
    view = log.meeting_view(db.session, _viewer(), meeting_id)
    return render_template(
        "meetings/show.html",
        view=view,
        meeting=view.meeting,
        review_form=ReviewForm(),
        shown_positions=log.shown_positions,
        **_labels(),
    )


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(meeting_id: int):
    meeting = meeting_service.get_meeting(db.session, meeting_id)
    if not roles.can_manage_meetings(current_user.actor):
        raise Forbidden("Only communications staff and admins edit meetings.")
    if request.method == "POST":
        form = MeetingForm()
    else:
        stored = meeting_service.meeting_input(meeting)
        form = MeetingForm(
            data={
                "title": stored.title,
                "starts_at": clock_of(db.session).local(stored.starts_at).replace(tzinfo=None),
                "ends_at": clock_of(db.session).local(stored.ends_at).replace(tzinfo=None)
                if stored.ends_at
                else None,
                "place": stored.place,
                "online": stored.online,
                "organiser": stored.organiser,
                "kind": stored.kind,
                "status": stored.status,
                "areas": stored.areas,
                "minutes": stored.minutes,
                "public": stored.public,
                "audience": [c.__dict__ for c in stored.counterparts],
            }
        )
    status = 200
    if request.form.get("more"):
        _meeting_form(form, len(form.audience) + SPARE_AUDIENCE_ROWS)
        return _meeting_page("meetings/form.html", form, 200, meeting=meeting)
    if form.validate_on_submit():
        try:
            meeting_service.update_meeting(db.session, current_user, meeting_id, form.to_input())
            flash("Saved the meeting.", "success")
            return redirect(url_for(".show", meeting_id=meeting_id))
        except (Invalid, Conflict) as error:
            status = form_refused(form, error)
    elif form.is_submitted():
        status = 400
    _meeting_form(
        form, len(form.audience) + (SPARE_AUDIENCE_ROWS if not form.is_submitted() else 0)
    )
    return _meeting_page("meetings/form.html", form, status, meeting=meeting)


@bp.get("/<int:meeting_id>/briefing")
@login_required
def briefing(meeting_id: int):
    return render_template("meetings/briefing.html", **_briefing_of(meeting_id))


def _briefing_of(meeting_id: int) -> dict:
    return dict(
        briefing=log.briefing(db.session, current_user, meeting_id),
        now_text=clock_of(db.session).local(utcnow()).strftime("%-d %b %Y, %H:%M %Z"),
        **_labels(),
    )


@bp.get("/<int:meeting_id>/briefing.pdf")
@login_required
def briefing_pdf(meeting_id: int):
    """The briefing pack as PDF, to print or take along: what the page shows, as of now."""
    pdf = pdf_of(render_template("meetings/briefing_pdf.html", **_briefing_of(meeting_id)))
    answer = Response(pdf, mimetype="application/pdf")
    answer.headers["Content-Disposition"] = f'attachment; filename="briefing-{meeting_id}.pdf"'
    answer.headers["Cache-Control"] = "private, no-store"
    return answer


# ---- appearances -----------------------------------------------------------------------------


def _status_label(position) -> str:
    if position.publication_id and in_progress(position.status):
        return "published; a new revision is in progress"
    return position.status


def _appearance_form(form: AppearanceForm, meeting) -> AppearanceForm:
    people = log.speakers_for_form(db.session)
    if not roles.can_manage_meetings(current_user.actor):
        people = [p for p in people if p.id == current_user.id]
    form.speaker.choices = [SelectChoice(str(p.id), f"{p.name} ({p.affiliation})") for p in people]
    day = clock_of(db.session).local_date(meeting.starts_at)
    form.capacity.choices = [SelectChoice("alliance", "The alliance")] + [
        SelectChoice(p.slug, p.name) for p in log.active_partners(db.session, day)
    ]
    # The positions already ticked, and a bounded few matching the search: never all of them.
    chosen = [n for n in (row_id(v) for v in form.positions.data or []) if n]
    picked, found = log.positions_for_form(db.session, _position_search(), chosen)
    form.positions.choices = [
        SelectChoice(str(p.id), f"{p.title} ({p.area.name}, {_status_label(p)})")
        for p in picked + found
    ]
    return form


def _position_search() -> str:
    """The position picker's search term: typed in the form, or ?q= (the script's GET)."""
    return search_text(request.values.get("q"))


def _appearance_page(form: AppearanceForm, meeting, appearance, status: int):
    return render_template(
        "meetings/appearance_form.html",
        form=_appearance_form(form, meeting),
        meeting=meeting,
        appearance=appearance,
        search=_position_search(),
        picker_limit=log.PICKER_LIMIT,
    ), status


def _appearance_values(form: AppearanceForm) -> dict:
    return {
        "speaker": form.speaker.data,
        "capacity": form.capacity.data,
        "positions": list(form.positions.data or []),
        "summary": form.summary.data or "",
        "follow_up": form.follow_up.data or "",
    }


@bp.route("/<int:meeting_id>/appearances/new", methods=["GET", "POST"])
@login_required
def new_appearance(meeting_id: int):
    meeting = meeting_service.get_meeting(db.session, meeting_id)
    form = AppearanceForm()
    if request.method == "GET":
        form.speaker.data = str(current_user.id)
        form.capacity.data = current_user.partner.slug if current_user.partner else "alliance"
    status = 200
    if request.form.get("find"):  # the picker's search without JavaScript: nothing is saved
        return _appearance_page(form, meeting, None, 200)
    if form.validate_on_submit():
        try:
            appearances.record_appearance(
                db.session, current_user, meeting_id, **_appearance_values(form)
            )
            flash("Added to the log.", "success")
            return redirect(url_for(".show", meeting_id=meeting_id))
        except (Invalid, Forbidden, Conflict) as error:
            status = form_refused(form, error)
            meeting = meeting_service.get_meeting(db.session, meeting_id)
    elif form.is_submitted():
        status = 400
    return _appearance_page(form, meeting, None, status)


@bp.route("/appearances/<int:appearance_id>/edit", methods=["GET", "POST"])
@login_required
def edit_appearance(appearance_id: int):
    appearance = log.appearance_for_edit(db.session, current_user, appearance_id)
    if request.method == "POST":
        form = AppearanceForm()
    else:
        form = AppearanceForm(
            data={
                "speaker": str(appearance.speaker_id),
                "capacity": appearance.partner.slug if appearance.partner else "alliance",
                "positions": [str(c.position_id) for c in appearance.cited],
                "summary": appearance.summary,
                "follow_up": appearance.follow_up,
            }
        )
    status = 200
    if request.form.get("find"):
        return _appearance_page(form, appearance.meeting, appearance, 200)
    if form.validate_on_submit():
        try:
            appearances.update_appearance(
                db.session, current_user, appearance_id, **_appearance_values(form)
            )
            flash("Saved the entry; its flags were checked again.", "success")
            return redirect(url_for(".show", meeting_id=appearance.meeting_id))
        except (Invalid, Forbidden, Conflict) as error:
            status = form_refused(form, error)
            appearance = appearances.get_appearance(db.session, appearance_id)
    elif form.is_submitted():
        status = 400
    return _appearance_page(form, appearance.meeting, appearance, status)


# ---- the log ---------------------------------------------------------------------------------


def _log_page(template: str, filters, status: int, **context):
    viewer = _viewer()
    page = log.log_page(
        db.session,
        viewer,
        filters,
        page=request.args.get("page", 1, type=bounded_int),
        per_page=PER_PAGE,
    )
    position_search = search_text(request.args.get("position_q"))
    choices = log.filter_choices(db.session, viewer, position_search, filters.position)
    return render_template(
        template,
        page=page,
        filters=filters,
        choices=choices,
        position_search=position_search,
        picker_limit=log.PICKER_LIMIT,
        viewer=viewer,
        now=utcnow(),
        shown_positions=log.shown_positions,
        **context,
        **_labels(),
    ), status


@bp.get("/log")
def log_index():
    filters, status = _filters()
    return _log_page("meetings/log.html", filters, status, heading=None)


@bp.get("/positions/<int:position_id>")
def position_log(position_id: int):
    """Who has said this, where: every appearance that cited one position."""
    position = get_position(db.session, position_id)
    filters, status = _filters()
    filters = log.LogFilters(**{**filters.__dict__, "position": position_id})
    if _viewer() is None and position.publication_id is None:
        abort(404)
    return _log_page("meetings/log.html", filters, status, heading=position)


@bp.get("/log.csv")
def log_csv():
    filters, status = _filters()
    if status != 200:
        abort(400)
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    return Response(
        stream_with_context(export.log_csv(db.session, _viewer(), filters)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="spokesperson-log-{stamp}.csv"',
            "Cache-Control": "private, no-store",
        },
    )


# ---- audiences -------------------------------------------------------------------------------


@bp.get("/audiences")
def audiences():
    return render_template("meetings/audiences.html", rows=log.audiences(db.session, _viewer()))


@bp.route("/audiences/<int:organisation_id>", methods=["GET", "POST"])
def audience(organisation_id: int):
    """Every meeting the alliance had with one organisation, and its other names."""
    organisation = log.audience(db.session, organisation_id)
    form = AliasForm()
    status = 200
    if request.method == "POST":
        if not current_user.is_authenticated:
            abort(401)
        if form.validate_on_submit():
            try:
                meeting_service.add_alias(
                    db.session, current_user, organisation_id, form.alias.data
                )
                flash(f"“{form.alias.data.strip()}” now finds {organisation.name}.", "success")
                return redirect(url_for(".audience", organisation_id=organisation_id))
            except (Invalid, Forbidden, Conflict) as error:
                status = form_refused(form, error)
                organisation = log.audience(db.session, organisation_id)
        else:
            status = 400
    filters = log.LogFilters(audience=organisation_id)
    page = log.meetings_page(
        db.session,
        _viewer(),
        filters,
        page=request.args.get("page", 1, type=bounded_int),
        per_page=PER_PAGE,
    )
    if _viewer() is None and not page.total:
        abort(404)
    return render_template(
        "meetings/audience.html",
        organisation=organisation,
        page=page,
        form=form,
        may_manage=current_user.is_authenticated and roles.can_manage_meetings(current_user.actor),
        now=utcnow(),
        **_labels(),
    ), status


# ---- flags -----------------------------------------------------------------------------------


@bp.get("/flags")
@login_required
def flags():
    queue = log.review_queue(
        db.session, current_user, page=request.args.get("page", 1, type=bounded_int)
    )
    return render_template("meetings/flags.html", queue=queue, form=ReviewForm(), **_labels())


@bp.post("/flags/<int:flag_id>/review")
@login_required
def review(flag_id: int):
    form = ReviewForm()
    back = request.form.get("back") or ""
    if not back.startswith("/") or back.startswith("//"):
        back = url_for(".flags")
    if form.validate_on_submit():
        try:
            appearances.review_flag(db.session, current_user, flag_id, form.note.data)
            flash("Marked reviewed. The flag stays in the history with your note.", "success")
            return redirect(back)
        except (Invalid, Conflict) as error:
            status = flash_refused(error)
    else:
        flash(" ".join(form.note.errors) or "Write a review note.", "error")
        status = 400
    queue = log.review_queue(db.session, current_user)
    return render_template(
        "meetings/flags.html", queue=queue, form=form, failed=flag_id, **_labels()
    ), status


# ---- mandates --------------------------------------------------------------------------------


@bp.route("/mandates", methods=["GET", "POST"])
@login_required
def mandates_page():
    form = MandateForm()
    form.user.choices = [
        SelectChoice(str(u.id), f"{u.name} ({u.affiliation})")
        for u in log.speakers_for_form(db.session)
    ]
    form.areas.choices = [
        SelectChoice(a.id, a.name) for a in log.filter_choices(db.session, None).areas
    ]
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                mandate = mandates.grant_mandate(
                    db.session,
                    current_user,
                    user=form.user.data,
                    areas=list(form.areas.data or []),
                    starts_on=form.starts_on.data,
                    ends_on=form.ends_on.data,
                    note=form.note.data or "",
                )
                flash(f"Recorded {mandate.user.name}'s mandate.", "success")
                return redirect(url_for(".mandates_page"))
            except (Invalid, Forbidden) as error:
                status = form_refused(form, error)
        else:
            status = 400
    today = clock_of(db.session).today()
    return render_template(
        "meetings/mandates.html",
        form=form,
        rows=mandates.list_mandates(db.session),
        today=today,
        in_force=mandates.in_force,
        may_grant=roles.can_grant_mandates(current_user.actor),
    ), status


# ---- calendar --------------------------------------------------------------------------------


@bp.route("/calendar", methods=["GET", "POST"])
@login_required
@never_stored
def calendar_links():
    form = FeedForm()
    created = None
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                _, token = feeds.create_feed(db.session, current_user, form.name.data or "")
                created = url_for(".calendar_feed", token=token, _external=True)
            except Invalid as error:
                status = form_refused(form, error)
        else:
            status = 400
    return render_template(
        "meetings/calendar.html",
        form=form,
        feeds=feeds.feeds_of(db.session, current_user),
        created=created,
        revoke_form=ConfirmForm(),
        public_url=url_for(".public_calendar", _external=True),
    ), status


@bp.post("/calendar/<int:feed_id>/revoke")
@login_required
def revoke_calendar(feed_id: int):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    feeds.revoke_feed(db.session, current_user, feed_id)
    flash("Revoked. Calendars using that link get nothing from now on.", "success")
    return redirect(url_for(".calendar_links"))


def _ics(body: bytes, private: bool) -> Response:
    return Response(
        body,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": 'inline; filename="meetings.ics"',
            "Cache-Control": "private, no-store" if private else "public, max-age=300",
        },
    )


def _event_url(meeting) -> str:
    return url_for(".show", meeting_id=meeting.id, _external=True)


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    """A private feed: everything this person may read. The token is the only key."""
    owner = feeds.feed_owner(db.session, token)
    return _ics(export.calendar(db.session, owner, _event_url), private=True)


@bp.get("/public.ics")
def public_calendar():
    """Public meetings only, for anyone."""
    return _ics(export.calendar(db.session, None, _event_url), private=False)


@bp.app_template_filter("localdate")
def localdate(value, fmt: str = "%-d %b %Y") -> str:
    return clock_of(db.session).local(value).strftime(fmt) if value else ""
