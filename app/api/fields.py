"""The API's field types: what a number, a text, a time or a page means, in and out.

Each type is a pydantic annotation, so one declaration both parses a request (with the refusal
codes the API has always given) and writes its part of the OpenAPI document.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Generic, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from app.web.params import MAX_ID, row_id


class Body(BaseModel):
    """A request body or query: keys nobody asked for are ignored, as they always were."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class WhenMissing:
    """Annotation: the refusal code for this field when it is absent (default missing_field)."""

    def __init__(self, code: str):
        self.code = code


# ---- numbers -----------------------------------------------------------------------------------


def _whole_number(value: Any) -> Any:
    # JSON true is not 1 and 2.0 is not a revision: pydantic's lax mode would take both.
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise PydanticCustomError("whole_number", "Input should be a whole number")
    try:
        return int(value)
    except ValueError:
        raise PydanticCustomError("whole_number", "Input should be a whole number") from None


RowId = Annotated[int, Field(ge=1, le=MAX_ID)]  # a row id or revision number: fits INTEGER
WholeNumber = Annotated[RowId, BeforeValidator(_whole_number)]
# A missing revision number has always been refused as a bad one (tests/app/test_api.py).
RevisionNumber = Annotated[WholeNumber, WhenMissing("bad_field")]


def _reference(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise PydanticCustomError("reference", "Input should be an id or a name")
    return value


# An id, or a slug or email: the service looks it up and names what it could not find.
Ref = Annotated[
    int | str,
    BeforeValidator(_reference),
    WithJsonSchema(
        {
            "oneOf": [{"type": "integer", "minimum": 1}, {"type": "string"}],
            "description": "An id, or a slug (or an email, for a person).",
        }
    ),
]


# ---- text --------------------------------------------------------------------------------------


def null_is_missing(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError("missing", "Field required")
    return value


def null_is_empty(value: Any) -> Any:
    return "" if value is None else value


# Required text. Blank or overlong text is the service's to refuse, with its own code and 413.
Text = Annotated[str, BeforeValidator(null_is_missing)]
OptionalText = Annotated[str, BeforeValidator(null_is_empty)]


def choice(enum: type[StrEnum], *, required: bool = True) -> Any:
    """Text documented as one of the enum's values. The service checks the value, so a wrong
    one is refused with the service's own code (invalid_decision, unknown_kind ...)."""
    text = Text if required else OptionalText
    return Annotated[text, WithJsonSchema({"type": "string", "enum": [e.value for e in enum]})]


Slug = Annotated[str, Field(pattern=r"^[a-z0-9-]+$")]
Url = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]

# Times as Python writes them (+00:00, or the alliance's offset), not pydantic's "Z".
Timestamp = Annotated[
    datetime,
    PlainSerializer(datetime.isoformat, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
Day = Annotated[date, WithJsonSchema({"type": "string", "format": "date"})]


# ---- query strings -----------------------------------------------------------------------------


def paging(default: int, most: int, description: str) -> Any:
    """A page number or size. Paging never refuses: junk means the default, and a number out of
    range is brought into 1..most."""

    def forgive(value: Any) -> int:
        try:
            return max(1, min(int(value), most))
        except (TypeError, ValueError):
            return default

    return Annotated[
        int,
        Field(default, ge=1, le=most, description=description, examples=[default]),
        BeforeValidator(forgive),
    ]


def _id_or_none(value: Any) -> int | None:
    return row_id(str(value or ""))


# A filter by id that ignores what cannot be an id, as the divergence board always has.
IdFilter = Annotated[
    int | None,
    BeforeValidator(_id_or_none),
    WithJsonSchema({"type": "integer", "minimum": 1}),
]


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


def text_filter(schema: dict) -> Any:
    """A filter given as text; empty means none. `schema` documents what it takes."""
    return Annotated[str | None, BeforeValidator(_blank_is_none), WithJsonSchema(schema)]


# ---- answers -----------------------------------------------------------------------------------


Item = TypeVar("Item")


class Paged(BaseModel, Generic[Item]):
    """One page of a longer list."""

    items: list[Item]
    page: int
    pages: int
    total: int

    @classmethod
    def of(cls, page, render) -> "Paged[Item]":
        """From a query's page (items, page, pages, total), each item rendered by `render`."""
        return cls(
            items=[render(item) for item in page.items],
            page=page.page,
            pages=page.pages,
            total=page.total,
        )
