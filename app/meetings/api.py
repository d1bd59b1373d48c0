"""API routes for the spokesperson log: meetings, appearances, mandates, flags."""

from flask import g, jsonify, request, url_for

from app.alliance.settings import clock_of
from app.api import bp
from app.extensions import db
from app.meetings.models import Appearance, Flag, Mandate, Meeting
from app.meetings.queries import log
from app.meetings.services import appearances, mandates
from app.meetings.services import meetings as meeting_service
from app.meetings.services.meetings import CounterpartInput, MeetingInput
from positions.refusals import Invalid

# ---- reading JSON ------------------------------------------------------------------------------


def _json_object() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("Send a JSON object with Content-Type: application/json.", code="bad_json")
    return data


def _string(data: dict, name: str, default: str = "") -> str:
    value = data.get(name, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise Invalid(f"'{name}' must be a string.", code="bad_field", field=name)
    return value


def _bool(data: dict, name: str, default: bool = False) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise Invalid(f"'{name}' must be true or false.", code="bad_field", field=name)
    return value


def _list(data: dict, name: str) -> list:
    value = data.get(name, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise Invalid(f"'{name}' must be a list.", code="bad_field", field=name)
    return value


def _audience(data: dict) -> list[CounterpartInput]:
    rows = []
    for number, row in enumerate(_list(data, "audience"), 1):
        if isinstance(row, str):
            rows.append(CounterpartInput(row))
            continue
        if not isinstance(row, dict):
            raise Invalid(
                f"Audience row {number} must be an organisation's name or an object with "
                "'organisation' and optional 'person', 'role', 'represents'.",
                code="bad_field",
                field="audience",
            )
        rows.append(
            CounterpartInput(
                _string(row, "organisation"),
                _string(row, "person"),
                _string(row, "role"),
                _string(row, "represents"),
            )
        )
    return rows


def _meeting_input(data: dict, base: MeetingInput | None = None) -> MeetingInput:
    """A full input from the JSON, or (PATCH) the stored meeting with the keys sent changed."""
    clock = clock_of(db.session)
    if base is None:
        base = MeetingInput(
            title=_string(data, "title"),
            starts_at=meeting_service.parse_when(data.get("starts_at"), "starts_at", clock),
        )
    elif "starts_at" in data:
        # Moving only the start moves the whole meeting: the length stays the same.
        previous = base.starts_at
        base.starts_at = meeting_service.parse_when(data.get("starts_at"), "starts_at", clock)
        if base.ends_at is not None and "ends_at" not in data:
            base.ends_at = base.starts_at + (base.ends_at - previous)
    if "title" in data:
        base.title = _string(data, "title")
    if "ends_at" in data:
        base.ends_at = meeting_service.parse_when(
            data.get("ends_at"), "ends_at", clock, required=False
        )
    for name in ("place", "organiser", "kind", "status", "minutes"):
        if name in data:
            setattr(base, name, _string(data, name))
    for name in ("online", "public"):
        if name in data:
            setattr(base, name, _bool(data, name))
    if "areas" in data:
        base.areas = _list(data, "areas")
    if "audience" in data:
        base.counterparts = _audience(data)
    return base


def _page_args() -> tuple[int, int]:
    page = request.args.get("page", 1, type=int) or 1
    per_page = request.args.get("per_page", 50, type=int) or 50
    return max(1, min(page, meeting_service.MAX_PAGE)), max(1, min(per_page, log.MAX_PER_PAGE))


# ---- writing JSON ------------------------------------------------------------------------------


def _when(value) -> str | None:
    return clock_of(db.session).local(value).isoformat() if value else None


def meeting_json(meeting: Meeting, *, appearances_too: list[Appearance] | None = None) -> dict:
    data = {
        "id": meeting.id,
        "uid": meeting.uid,
        "title": meeting.title,
        "starts_at": _when(meeting.starts_at),
        "ends_at": _when(meeting.ends_at),
        "time_zone": clock_of(db.session).zone.key,
        "place": meeting.place,
        "online": meeting.online,
        "organiser": meeting.organiser,
        "kind": meeting.kind,
        "status": meeting.status,
        "areas": [a.slug for a in meeting.areas],
        "minutes": meeting.minutes,
        "public": meeting.public,
        "sequence": meeting.sequence,
        "rescheduled_from": [_when(r.previous_starts_at) for r in meeting.reschedules],
        "audience": [
            {
                "organisation": {"id": c.organisation.id, "name": c.organisation.name},
                "person": c.person,
                "role": c.role,
                "represents": c.represents,
            }
            for c in meeting.counterparts
        ],
        "url": url_for("meetings.show", meeting_id=meeting.id, _external=True),
    }
    if appearances_too is not None:
        data["appearances"] = [appearance_json(a) for a in appearances_too]
    return data


def flag_json(flag: Flag) -> dict:
    return {
        "id": flag.id,
        "appearance": flag.appearance_id,
        "kind": flag.kind,
        "detail": flag.detail,
        "position": flag.position_id,
        "area": flag.area.slug if flag.area else None,
        "raised_at": flag.raised_at.isoformat(),
        "reviewed": flag.reviewed,
        "reviewed_at": flag.reviewed_at.isoformat() if flag.reviewed_at else None,
        "reviewed_by": flag.reviewed_by.name if flag.reviewed_by else None,
        "review_note": flag.review_note,
    }


def appearance_json(appearance: Appearance) -> dict:
    meeting = appearance.meeting
    return {
        "id": appearance.id,
        "meeting": {
            "id": meeting.id,
            "title": meeting.title,
            "starts_at": _when(meeting.starts_at),
            "kind": meeting.kind,
        },
        "speaker": {
            "id": appearance.speaker.id,
            "name": appearance.speaker.name,
            "partner": appearance.speaker_partner.slug if appearance.speaker_partner else None,
        },
        "capacity": appearance.partner.slug if appearance.partner else "alliance",
        "positions": [
            {
                "id": c.position_id,
                "title": c.position.title,
                "revision": c.revision.number if c.revision else None,
                "state_at_meeting": c.state,
            }
            for c in appearance.cited
        ],
        "summary": appearance.summary,
        "follow_up": appearance.follow_up,
        "flags": [flag_json(f) for f in appearance.open_flags],
    }


def mandate_json(mandate: Mandate) -> dict:
    return {
        "id": mandate.id,
        "user": {"id": mandate.user.id, "name": mandate.user.name},
        "areas": [a.slug for a in mandate.areas],
        "starts_on": mandate.starts_on.isoformat(),
        "ends_on": mandate.ends_on.isoformat() if mandate.ends_on else None,
        "note": mandate.note,
        "granted_by": mandate.granted_by.name,
    }


def _paged(page, render) -> dict:
    return {
        "items": [render(item) for item in page.items],
        "page": page.page,
        "pages": page.pages,
        "total": page.total,
    }


# ---- routes ------------------------------------------------------------------------------------


@bp.get("/meetings")
def list_meetings():
    filters = log.parse_filters(request.args)
    page, per_page = _page_args()
    result = log.meetings_page(db.session, g.api_user, filters, page=page, per_page=per_page)
    return jsonify(_paged(result, meeting_json))


@bp.post("/meetings")
def create_meeting():
    data = _json_object()
    meeting = meeting_service.create_meeting(db.session, g.api_user, _meeting_input(data))
    db.session.commit()
    return jsonify(meeting_json(meeting, appearances_too=[])), 201


@bp.get("/meetings/<int:meeting_id>")
def show_meeting(meeting_id: int):
    view = log.meeting_view(db.session, g.api_user, meeting_id)
    return jsonify(meeting_json(view.meeting, appearances_too=view.appearances))


@bp.patch("/meetings/<int:meeting_id>")
def update_meeting(meeting_id: int):
    data = _json_object()
    unknown = sorted(set(data) - set(meeting_service.MEETING_FIELDS) - {"audience"})
    if unknown:
        raise Invalid(
            f"Unknown field(s): {', '.join(unknown)}.", code="unknown_field", field=unknown[0]
        )
    current = meeting_service.get_meeting(db.session, meeting_id)
    meeting = meeting_service.update_meeting(
        db.session,
        g.api_user,
        meeting_id,
        _meeting_input(data, meeting_service.meeting_input(current)),
    )
    db.session.commit()
    view = log.meeting_view(db.session, g.api_user, meeting.id)
    return jsonify(meeting_json(view.meeting, appearances_too=view.appearances))


@bp.post("/meetings/<int:meeting_id>/appearances")
def record_appearance(meeting_id: int):
    data = _json_object()
    appearance = appearances.record_appearance(
        db.session,
        g.api_user,
        meeting_id,
        speaker=data.get("speaker"),
        capacity=data.get("capacity"),
        positions=_list(data, "positions"),
        summary=_string(data, "summary"),
        follow_up=_string(data, "follow_up"),
    )
    db.session.commit()
    return jsonify(appearance_json(appearance)), 201


@bp.get("/appearances")
def list_appearances():
    filters = log.parse_filters(request.args)
    page, per_page = _page_args()
    appearances.sync_for_reading(db.session)
    db.session.commit()  # before reading: a commit expires what was read
    result = log.log_page(db.session, g.api_user, filters, page=page, per_page=per_page)
    return jsonify(_paged(result, appearance_json))


@bp.get("/mandates")
def list_mandates():
    return jsonify([mandate_json(m) for m in mandates.list_mandates(db.session)])


@bp.post("/mandates")
def grant_mandate():
    data = _json_object()
    mandate = mandates.grant_mandate(
        db.session,
        g.api_user,
        user=data.get("user"),
        areas=_list(data, "areas"),
        starts_on=data.get("starts_on"),
        ends_on=data.get("ends_on"),
        note=_string(data, "note"),
    )
    db.session.commit()
    return jsonify(mandate_json(mandate)), 201


@bp.get("/flags")
def list_flags():
    appearances.sync_for_reading(db.session)
    db.session.commit()  # before reading: a commit expires what was read
    page, per_page = _page_args()
    queue = log.review_queue(db.session, g.api_user, page=page, per_page=per_page)
    return jsonify(
        {
            "open": [flag_json(f) for f in queue.open],
            "open_total": queue.open_total,
            "reviewed": _paged(queue.reviewed, flag_json),
        }
    )


@bp.post("/flags/<int:flag_id>/review")
def review_flag(flag_id: int):
    data = _json_object()
    flag = appearances.review_flag(db.session, g.api_user, flag_id, _string(data, "note"))
    db.session.commit()
    return jsonify(flag_json(flag))
