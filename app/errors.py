"""Use cases: each takes the session first, asks positions/ for every decision, writes, flushes.

The caller (a view, the API, a command) commits once, or rolls back on error.
"""


class ServiceError(Exception):
    """A refusal a user can understand. `status` is the fitting HTTP status."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, code: str | None = None, field: str | None = None, **extra):
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.field = field
        self.extra = extra
        self.audited = False  # True when the refusal itself was recorded and must be kept


class Invalid(ServiceError):
    status, code = 400, "invalid"


class Unauthorised(ServiceError):
    status, code = 401, "unauthorised"


class Forbidden(ServiceError):
    status, code = 403, "forbidden"


class NotFound(ServiceError):
    status, code = 404, "not_found"


class Conflict(ServiceError):
    status, code = 409, "conflict"


class TooLarge(ServiceError):
    status, code = 413, "too_large"
