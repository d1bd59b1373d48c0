"""The search API's query and answer."""

from datetime import date

from pydantic import BaseModel, Field

from app.api.fields import Body, paging, text_filter
from positions import searching as core

_KINDS = {"type": "string", "enum": [k.value for k in core.Kind]}
MAX_PAGE = 500


class SearchQuery(Body):
    q: text_filter({"type": "string", "maxLength": core.MAX_QUERY_LENGTH}) = Field(
        None, description="Words to find; every word must occur, the last also as a prefix."
    )
    kind: text_filter(_KINDS) = Field(None, description="Only this kind of result.")
    area: text_filter({"type": "string"}) = Field(None, description="A policy area's slug.")
    date_from: text_filter({"type": "string", "format": "date"}) = Field(
        None, description="On or after this day."
    )
    date_to: text_filter({"type": "string", "format": "date"}) = Field(
        None, description="On or before this day."
    )
    page: paging(1, MAX_PAGE, "Page number, from 1.")

    def filters(self) -> core.Filters:
        # The page's form is read by the same parser, so both refuse alike.
        return core.parse_filters(self.kind, self.area, self.date_from, self.date_to)


class Hit(BaseModel):
    kind: str = Field(description="position, published, differ, meeting, appearance or comment.")
    id: int = Field(description="The position's, meeting's, appearance's or thread's id.")
    title: str
    snippet: str = Field(description="The passage around the match, without markup.")
    highlights: list[str] = Field(description="The matched words, as they stand in the snippet.")
    day: date | None
    area: str | None = Field(description="The policy area's name.")
    url: str = Field(description="Where to read it.")


class SearchAnswer(BaseModel):
    query: list[str] = Field(description="The words searched for.")
    page: int
    more: bool = Field(description="Whether a further page exists.")
    hits: list[Hit]
