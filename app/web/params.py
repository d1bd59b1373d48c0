"""Reading requests: numbers from URLs that no row can have, and text no database can store."""

import json
import re

from flask import current_app, request, session
from flask.json.provider import DefaultJSONProvider
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from positions.refusals import Invalid
from positions.text import one_line

MAX_ID = 2**31 - 1  # the largest id a 32-bit INTEGER column holds, on SQLite and PostgreSQL


def is_number(value: object) -> bool:
    """Written in ASCII digits 0-9 only. str.isdigit() also says yes to '²' and other Unicode
    digits, which int() then refuses (a 500 where a 400 belongs), and int() reads Arabic-Indic
    digits nobody types into an id; so every number from a request is checked here."""
    return isinstance(value, str) and value.isascii() and value.isdigit()


def row_id(value: object) -> int | None:
    """The row id that `value` (an int, or digits as text) names; None if it can name none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and is_number(value.strip()):
        number = int(value.strip())
    else:
        return None
    return number if 0 < number <= MAX_ID else None


SEARCH_MAX = 200  # a search term longer than any title finds nothing more


def search_text(value: object) -> str:
    """A search term from a query or form field: one line of visible text, bounded."""
    return one_line(value if isinstance(value, str) else "")[:SEARCH_MAX]


def bounded_int(value: str) -> int:
    """For `request.args.get(name, default, type=bounded_int)`: out of range acts as missing."""
    if not is_number(value.strip()):
        raise ValueError(f"{value!r} is not a number")
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


def read_signed_in_forms_whole() -> None:
    """Before every request: a signed-in person's browser form is read up to FORM_READ_LIMIT,
    not the 1 MB a request may otherwise hold, so that text over a field's limit comes back in
    the form with the refusal (nothing typed is lost, with or without JavaScript) rather than as
    a bare 413 page. Anonymous requests and the JSON API keep the smaller limit."""
    if request.method != "POST" or request.mimetype != "application/x-www-form-urlencoded":
        return
    if current_user.is_authenticated:
        limit = current_app.config["FORM_READ_LIMIT"]
        request.max_content_length = request.max_form_memory_size = limit


def request_limit() -> int:
    """The most a form on this page may send: what the page's script checks before sending.
    From the session cookie, not current_user: error pages render it when the database is gone."""
    if "_user_id" in session:
        return current_app.config["FORM_READ_LIMIT"]
    return current_app.config["MAX_CONTENT_LENGTH"]


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


# ---- JSON bodies -------------------------------------------------------------------------------

MAX_JSON_DEPTH = (
    32  # the deepest request the API takes is 3 levels; Python's parser dies near 1,000
)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_duplicates(pairs: list[tuple[str, object]]) -> dict:
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise Invalid(f"The key {key!r} appears twice in one object.", code="bad_json")
        seen[key] = value
    return seen


def check_json(value: object) -> None:
    """Refuse what parsed but cannot be used: nesting too deep for anything that walks it, and
    text holding half of a UTF-16 pair (no database can store it). Walks without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise Invalid(
                f"JSON nested deeper than {MAX_JSON_DEPTH} levels is not accepted.", code="bad_json"
            )
        if isinstance(item, str):
            if _LONE_SURROGATE.search(item):
                raise Invalid(
                    "Text may not contain lone surrogates (such as \\udc80): send valid Unicode.",
                    code="bad_text",
                )
        elif isinstance(item, dict):
            stack.extend((k, depth) for k in item)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


class StrictJSONProvider(DefaultJSONProvider):
    """Every JSON body the app reads goes through here: duplicate keys, excessive nesting and
    lone surrogates are refused with a 400 naming the problem, before any view sees the data."""

    def loads(self, s: str | bytes, **kwargs) -> object:
        try:
            value = json.loads(s, object_pairs_hook=_refuse_duplicates, **kwargs)
        except RecursionError:
            raise Invalid(
                f"JSON nested deeper than {MAX_JSON_DEPTH} levels is not accepted.", code="bad_json"
            ) from None
        check_json(value)
        return value
