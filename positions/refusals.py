"""The one way anything in Concord says no: a Refused, raised by the core and the services alike.

A refusal says what went wrong for a person (`message`), which rule said so (`code`, stable for
machines), which input it concerns (`field`), which partners it names (`partners`, by slug: who
has not approved, who has no statement yet) and what kind of no it is (`kind`). The web layer
turns the kind into a status in one place (app/web/errors.py); nothing here knows about HTTP.
"""

from collections.abc import Iterable
from enum import StrEnum


class Kind(StrEnum):
    INVALID = "invalid"  # the input breaks a rule: fix it and try again
    UNAUTHORISED = "unauthorised"  # we do not know who is asking
    FORBIDDEN = "forbidden"  # this person may not do this
    NOT_FOUND = "not_found"  # there is no such thing
    CONFLICT = "conflict"  # the state of things does not allow it now
    TOO_LARGE = "too_large"  # the input is bigger than the alliance accepts


class Refused(Exception):
    """A refusal a person can understand. Subclasses below only fix the kind."""

    kind = Kind.INVALID

    def __init__(
        self,
        message: str,
        code: str | None = None,
        field: str | None = None,
        *,
        partners: Iterable[str] = (),
        audited: bool = False,
        **extra,
    ):
        super().__init__(message)
        self.message = message
        self.code = code or self.kind.value
        self.field = field
        self.partners = tuple(partners)
        # The refusal itself was written to the audit record, which must then be kept.
        self.audited = audited
        self.extra = extra  # further facts for the API's error object, e.g. revision numbers


class Invalid(Refused):
    kind = Kind.INVALID


class Unauthorised(Refused):
    kind = Kind.UNAUTHORISED


class Forbidden(Refused):
    kind = Kind.FORBIDDEN


class NotFound(Refused):
    kind = Kind.NOT_FOUND


class Conflict(Refused):
    kind = Kind.CONFLICT


class TooLarge(Refused):
    kind = Kind.TOO_LARGE
