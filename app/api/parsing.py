"""Reading JSON request bodies: clear 400s for anything that is not what we expect."""

from flask import request

from app.web.params import MAX_ID
from positions.refusals import Invalid


def json_object() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("Send a JSON object with Content-Type: application/json.", code="bad_json")
    return data


def text(data: dict, name: str, *, required: bool = True, default: str = "") -> str:
    value = data.get(name)
    if value is None:
        if required:
            raise Invalid(f"'{name}' is required.", code="missing_field", field=name)
        return default
    if not isinstance(value, str):
        raise Invalid(f"'{name}' must be a string.", code="bad_field", field=name)
    return value


def number(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise Invalid(f"'{name}' must be a revision number.", code="bad_field", field=name)
    try:
        number = int(value)
    except ValueError:
        raise Invalid(
            f"'{name}' must be a revision number.", code="bad_field", field=name
        ) from None
    if not 1 <= number <= MAX_ID:
        raise Invalid(f"'{name}' must be between 1 and {MAX_ID}.", code="bad_field", field=name)
    return number
