"""API routes for a chief officer: the appointments and resets waiting for their partner."""

from flask import g

from app.api.contract import READS, WRITES, operation
from app.extensions import db
from app.signatories import schemas as s
from app.signatories import services as signatories
from app.signatories.links import handover_link


@operation(
    "GET",
    "/signatory-requests",
    summary="Appointments and resets waiting for my partner's confirmation (chief officers).",
    answer=list[s.SignatoryRequest],
    errors=READS,
)
def list_signatory_requests():
    return [s.SignatoryRequest.of(r) for r in signatories.waiting_for(db.session, g.api_user)]


@operation(
    "POST",
    "/signatory-requests/<int:request_id>/confirm",
    summary="Confirm an appointment or a reset: the answer holds the person's new set-password "
    "link, for the caller to hand over.",
    answer=s.Decided,
    errors=WRITES,
)
def confirm_signatory_request(request_id: int):
    request = signatories.confirm(db.session, g.api_user, request_id)
    link = handover_link(request)
    return s.Decided(**s.SignatoryRequest.of(request).model_dump(), set_password_link=link)


@operation(
    "POST",
    "/signatory-requests/<int:request_id>/decline",
    summary="Decline an appointment or a reset waiting for my partner (chief officers).",
    answer=s.Decided,
    errors=WRITES,
)
def decline_signatory_request(request_id: int):
    request = signatories.decline(db.session, g.api_user, request_id)
    return s.Decided(**s.SignatoryRequest.of(request).model_dump())
