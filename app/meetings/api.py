"""API routes for the spokesperson log: meetings, appearances, mandates, flags."""

from flask import g

from app.api.contract import WRITES, operation
from app.extensions import db
from app.meetings import schemas as s
from app.meetings.queries import log
from app.meetings.services import appearances, mandates
from app.meetings.services import meetings as meeting_service


@operation(
    "GET",
    "/meetings",
    summary="Meetings, upcoming first, with the log's filters.",
    answer=s.MeetingPage,
    query=s.LogQuery,
)
def list_meetings(query: s.LogQuery):
    result = log.meetings_page(
        db.session, g.api_user, query.filters(), page=query.page, per_page=query.per_page
    )
    return s.MeetingPage.of(result, s.Meeting.of)


@operation(
    "POST",
    "/meetings",
    summary="Record a meeting (communications staff and admins).",
    answer=s.MeetingDetail,
    status=201,
    errors=WRITES,
    body=s.NewMeeting,
)
def create_meeting(body: s.NewMeeting):
    meeting = meeting_service.create_meeting(db.session, g.api_user, body.as_input())
    return s.MeetingDetail.of(meeting, [])


@operation(
    "GET",
    "/meetings/<int:meeting_id>",
    summary="A meeting and its appearances.",
    answer=s.MeetingDetail,
)
def show_meeting(meeting_id: int):
    view = log.meeting_view(db.session, g.api_user, meeting_id)
    return s.MeetingDetail.of(view.meeting, view.appearances)


@operation(
    "PATCH",
    "/meetings/<int:meeting_id>",
    summary="Change some of a meeting's fields (communications staff and admins).",
    answer=s.MeetingDetail,
    errors=WRITES,
    body=s.MeetingChanges,
)
def update_meeting(meeting_id: int, body: s.MeetingChanges):
    current = meeting_service.get_meeting(db.session, meeting_id)
    meeting = meeting_service.update_meeting(
        db.session, g.api_user, meeting_id, body.apply_to(meeting_service.meeting_input(current))
    )
    view = log.meeting_view(db.session, g.api_user, meeting.id)
    return s.MeetingDetail.of(view.meeting, view.appearances)


@operation(
    "POST",
    "/meetings/<int:meeting_id>/appearances",
    summary="Log who spoke, for whom, on which positions (yourself; comms and admins: anyone).",
    answer=s.Appearance,
    status=201,
    errors=WRITES,
    body=s.NewAppearance,
)
def record_appearance(meeting_id: int, body: s.NewAppearance):
    appearance = appearances.record_appearance(
        db.session,
        g.api_user,
        meeting_id,
        speaker=body.speaker,
        capacity=body.capacity,
        positions=body.positions,
        summary=body.summary,
        follow_up=body.follow_up,
    )
    return s.Appearance.of(appearance)


@operation(
    "GET",
    "/appearances",
    summary="The spokesperson log, newest first, with filters.",
    answer=s.AppearancePage,
    query=s.LogQuery,
)
def list_appearances(query: s.LogQuery):
    filters = query.filters()
    result = log.log_page(db.session, g.api_user, filters, page=query.page, per_page=query.per_page)
    return s.AppearancePage.of(result, s.Appearance.of)


@operation(
    "GET",
    "/mandates",
    summary="Who may speak for the alliance on what.",
    answer=list[s.Mandate],
)
def list_mandates():
    return [s.Mandate.of(m) for m in mandates.list_mandates(db.session)]


@operation(
    "POST",
    "/mandates",
    summary="Grant a mandate (admins).",
    answer=s.Mandate,
    status=201,
    errors=WRITES,
    body=s.NewMandate,
)
def grant_mandate(body: s.NewMandate):
    mandate = mandates.grant_mandate(
        db.session,
        g.api_user,
        user=body.user,
        areas=body.areas,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        note=body.note,
    )
    return s.Mandate.of(mandate)


@operation(
    "GET",
    "/flags",
    summary="Open flags, and reviewed ones page by page (communications staff and admins).",
    answer=s.FlagQueue,
    errors=(400, 401, 403),
    query=s.PageQuery,
)
def list_flags(query: s.PageQuery):
    queue = log.review_queue(db.session, g.api_user, page=query.page, per_page=query.per_page)
    return s.FlagQueue.of(queue)


@operation(
    "POST",
    "/flags/<int:flag_id>/review",
    summary="Mark a flag reviewed, with a note (communications staff and admins).",
    answer=s.Flag,
    errors=WRITES,
    body=s.FlagReview,
)
def review_flag(flag_id: int, body: s.FlagReview):
    flag = appearances.review_flag(db.session, g.api_user, flag_id, body.note)
    return s.Flag.of(flag)
