"""Deputations in the JSON API."""

from datetime import date

from pydantic import BaseModel, Field

from app.api.fields import Body, Day, RowId, Slug, Timestamp
from app.deputies import models


class NewDeputation(Body):
    partner: RowId = Field(description="The partner's id.")
    deputy: RowId = Field(description="The deputy's user id: someone of that partner.")
    starts_on: Day
    ends_on: Day = Field(description="The last day, inclusive.")


class Deputation(BaseModel):
    id: RowId
    partner: Slug
    deputy: RowId
    deputy_name: str
    starts_on: date
    ends_on: date
    confirmed: bool = Field(description="An admin's naming waits for the chief officer.")
    revoked_at: Timestamp | None

    @classmethod
    def of(cls, row: models.Deputation) -> "Deputation":
        return cls(
            id=row.id,
            partner=row.partner.slug,
            deputy=row.deputy_id,
            deputy_name=row.deputy.name,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            confirmed=row.confirmed_at is not None,
            revoked_at=row.revoked_at,
        )
