"""Requests waiting for a partner's chief officer, in the JSON API."""

from datetime import datetime

from pydantic import BaseModel


class SignatoryRequest(BaseModel):
    id: int
    kind: str  # appoint: make the person a chief officer; reset: their password reset
    person_id: int
    person_name: str
    partner: str
    requested_at: datetime
    outcome: str | None  # confirmed, declined; null while it waits

    @classmethod
    def of(cls, request) -> "SignatoryRequest":
        return cls(
            id=request.id,
            kind=request.kind,
            person_id=request.user_id,
            person_name=request.user.name,
            partner=request.partner.slug,
            requested_at=request.created_at,
            outcome=request.outcome,
        )


class Decided(SignatoryRequest):
    set_password_link: str | None = None  # hand it to the person yourself
