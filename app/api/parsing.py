"""Reading JSON request bodies: clear 400s for anything that is not what we expect."""

from flask import request

from app.params import MAX_ID
from app.services import Invalid


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def refuse_nul_characters() -> None:
    """No text anywhere in a request may hold a NUL character: PostgreSQL cannot store one
    (it would answer 500), and no person types one. One check for the query, the path and the
    JSON body, before any view runs."""
    sent = [request.view_args or {}, request.args.to_dict(flat=False)]
    if request.is_json:
        sent.append(request.get_json(silent=True))
    if any(_has_nul(part) for part in sent):
        raise Invalid("Text may not contain NUL (\\u0000) characters.", code="bad_text")


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
