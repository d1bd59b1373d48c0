"""Reading requests: numbers from URLs that no row can have, and text no database can store."""

from flask import request
from werkzeug.routing import IntegerConverter

from positions.refusals import Invalid

MAX_ID = 2**31 - 1  # the largest id a 32-bit INTEGER column holds, on SQLite and PostgreSQL


def bounded_int(value: str) -> int:
    """For `request.args.get(name, default, type=bounded_int)`: out of range acts as missing."""
    number = int(value)
    if not 0 <= number <= MAX_ID:
        raise ValueError(f"{value} is out of range")
    return number


NO_ROW = 0  # no table has a row 0: ids start at 1


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in routes, refusing ids no table can hold: a 404, never a database error.

    A number beyond any row id still matches the route, as NO_ROW, so the lookup answers 404
    for every method. (Refusing it in the converter made Werkzeug answer 405 to a POST or PATCH
    whose path also had a GET route: the method mismatch was found before the conversion.)
    """

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= MAX_ID else NO_ROW


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def refuse_nul_characters() -> None:
    """Before every request: no text in the path, the query, a form or a JSON body may hold a
    NUL character. PostgreSQL cannot store one (it would answer 500), and nobody types one."""
    sent = [request.path, request.view_args or {}, request.args.to_dict(flat=False)]
    if request.method in ("POST", "PUT", "PATCH"):
        sent.append(request.form.to_dict(flat=False))
        if request.is_json:
            sent.append(request.get_json(silent=True))
    if any(_has_nul(part) for part in sent):
        raise Invalid("Text may not contain NUL (\\u0000) characters.", code="bad_text")
