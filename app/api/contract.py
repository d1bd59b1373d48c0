"""One contract per API route: the schemas that parse it, answer it and describe it.

`@operation(...)` registers a view on the API blueprint and records what it takes and gives.
The wrapper parses the body and query with their schemas (a refusal is the shell's `Invalid`,
so app/__init__.py's one error handler answers it), calls the view, and writes what the view
returns with the answer schema. app/api/openapi.py builds the document from the same records.

A validator in a schema may raise `Invalid` itself (pydantic lets any exception but ValueError
and AssertionError through): that is how a service's own parser keeps its exact refusal.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, TypeVar

from flask import Response, jsonify, request
from pydantic import BaseModel, TypeAdapter, ValidationError

from app.api import bp
from app.api.fields import WhenMissing
from positions.refusals import Invalid

READS = (400, 401, 404)
WRITES = (400, 401, 403, 404, 409, 413)


@dataclass(frozen=True)
class Operation:
    method: str
    rule: str  # as Flask writes it: /positions/<int:position_id>
    endpoint: str
    summary: str
    answer: Any  # a model, or list[model]
    status: int
    errors: tuple[int, ...]
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    public: bool
    adapter: TypeAdapter = field(repr=False, compare=False)


M = TypeVar("M", bound=BaseModel)
OPERATIONS: dict[str, Operation] = {}  # by endpoint, e.g. "api.create_position"


def operation(
    method: str,
    rule: str,
    *,
    summary: str,
    answer: Any,
    status: int = 200,
    errors: tuple[int, ...] = READS,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    public: bool = False,
) -> Callable:
    """Register the view as `api.<its name>` for METHOD RULE, with its contract.

    The view gets the path's values, plus `body=` and `query=` (parsed models) when declared,
    and returns the answer as schema objects (or a finished Response, e.g. a 304)."""

    def register(view: Callable) -> Callable:
        endpoint = f"{bp.name}.{view.__name__}"
        op = Operation(
            method.upper(),
            bp.url_prefix + rule,
            endpoint,
            summary,
            answer,
            status,
            tuple(code for code in errors if not (public and code in (401, 403))),
            body,
            query,
            public,
            TypeAdapter(answer),
        )
        if endpoint in OPERATIONS:
            raise ValueError(f"{endpoint} is registered twice")
        OPERATIONS[endpoint] = op

        @wraps(view)
        def parse_call_answer(**path):
            if body is not None:
                path["body"] = parse(body, json_object())
            if query is not None:
                path["query"] = parse(query, request.args.to_dict())
            result = view(**path)
            return result if isinstance(result, Response) else answer_with(result)

        bp.add_url_rule(rule, view.__name__, parse_call_answer, methods=[op.method])
        return view

    return register


def is_public(endpoint: str | None) -> bool:
    op = OPERATIONS.get(endpoint or "")
    return op is not None and op.public


# ---- in --------------------------------------------------------------------------------------


def json_object() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid("Send a JSON object with Content-Type: application/json.", code="bad_json")
    return data


def parse(model: type[M], data: dict) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as failure:
        raise refusal(model, failure) from None


def _where(loc: tuple) -> str:
    """('audience', 0, 'person') -> audience[0].person"""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def refusal(model: type[BaseModel], failure: ValidationError) -> Invalid:
    """The first thing wrong, in the API's words: unknown_field, missing_field or bad_field."""
    errors = failure.errors(include_url=False)
    unknown = sorted(str(e["loc"][0]) for e in errors if e["type"] == "extra_forbidden")
    if unknown:
        return Invalid(
            f"Unknown field(s): {', '.join(unknown)}.", code="unknown_field", field=unknown[0]
        )
    first = errors[0]
    name = str(first["loc"][0]) if first["loc"] else None
    if first["type"] == "missing" and len(first["loc"]) == 1:
        return Invalid(f"'{name}' is required.", code=_missing_code(model, name), field=name)
    return Invalid(f"'{_where(first['loc'])}': {first['msg']}.", code="bad_field", field=name)


def _missing_code(model: type[BaseModel], name: str) -> str:
    fields = {f.alias or key: f for key, f in model.model_fields.items()}
    marks = fields[name].metadata if name in fields else ()
    return next((m.code for m in marks if isinstance(m, WhenMissing)), "missing_field")


# ---- out -------------------------------------------------------------------------------------


def answer_with(result: Any) -> Response:
    """The answer, written by the current operation's answer schema with its status."""
    op = OPERATIONS[request.endpoint]
    response = jsonify(op.adapter.dump_python(result, mode="json", by_alias=True))
    response.status_code = op.status
    return response
