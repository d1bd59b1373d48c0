"""The OpenAPI 3.1 description of the JSON API, generated, served at /api/v1/openapi.json.

Nothing here describes a route by hand: every operation comes from its `@operation` contract
(app/api/contract.py), every schema from the pydantic models that also parse and answer it.
tests/app/test_openapi.py validates real answers against the document, and
tests/app/test_schemathesis.py throws generated input at every operation it describes.
"""

import re
from functools import cache
from typing import Any

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema

from app.api import bp
from app.api.contract import OPERATIONS, Operation, operation
from app.api.errors import ERRORS, Error
from app.api.fields import RowId

REF = "#/components/schemas/{model}"
PATH_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
PATH_PARAMETERS = {
    "position_id": "The position's id.",
    "meeting_id": "The meeting's id.",
    "flag_id": "The flag's id.",
    "number": "The amendment's number within the position.",
    "partner_slug": "The partner's short name, e.g. harbourside.",
    "area_slug": "The policy area's short name, e.g. housing.",
    "user_id": "The person's id.",
    "deputation_id": "The deputation's id.",
    "request_id": "The signatory request's id (an appointment or a reset).",
    "notification_id": "The notification's id (one of your own).",
    "thread_id": "The discussion thread's id.",
    "comment_id": "The comment's id.",
}


class _Schemas(GenerateJsonSchema):
    def field_title_should_be_set(self, schema) -> bool:
        return False  # a property's title would only repeat its name


def _path(op: Operation) -> str:
    """/api/v1/positions/<int:position_id> -> /positions/{position_id}"""
    return PATH_PARAMETER.sub(r"{\2}", op.rule.removeprefix(bp.url_prefix))


def _path_parameters(op: Operation) -> list[dict]:
    row_id = TypeAdapter(RowId).json_schema()
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "description": PATH_PARAMETERS[name],
            "schema": row_id if converter == "int" else {"type": "string"},
        }
        for converter, name in PATH_PARAMETER.findall(op.rule)
    ]


def _query_parameters(model_schema: dict) -> list[dict]:
    """Each property of a query model, as a query parameter."""
    parameters = []
    for name, schema in model_schema["properties"].items():
        schema = {k: v for k, v in schema.items() if (k, v) != ("default", None)}
        parameter = {
            "name": name,
            "in": "query",
            "required": name in model_schema.get("required", ()),
        }
        if "description" in schema:
            parameter["description"] = schema.pop("description")
        parameters.append({**parameter, "schema": schema})
    return parameters


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


@cache  # built on first use, when every feature has registered its routes
def document() -> dict:
    ops = sorted(OPERATIONS.values(), key=lambda op: (op.rule, op.method))
    inputs: list[tuple[Any, Any, TypeAdapter]] = [("error", "serialization", TypeAdapter(Error))]
    for op in ops:
        inputs.append(((op.endpoint, "answer"), "serialization", op.adapter))
        for part, model in (("body", op.body), ("query", op.query)):
            if model is not None:
                inputs.append(((op.endpoint, part), "validation", TypeAdapter(model)))
    # One pass over every schema, so one name means one model throughout the document.
    by_mode, definitions = TypeAdapter.json_schemas(
        inputs, ref_template=REF, schema_generator=_Schemas
    )
    refs = {key: schema for (key, _mode), schema in by_mode.items()}
    schemas = definitions.get("$defs", {})

    paths: dict[str, dict] = {}
    queries: set[str] = set()
    for op in ops:
        item = paths.setdefault(_path(op), {})
        if parameters := _path_parameters(op):
            item["parameters"] = parameters
        responses = {str(op.status): _json(refs[op.endpoint, "answer"], op.summary)}
        for code in op.errors:
            responses[str(code)] = {"$ref": f"#/components/responses/Error{code}"}
        described: dict = {"summary": op.summary, "operationId": op.endpoint.split(".")[-1]}
        if op.query is not None:
            name = refs[op.endpoint, "query"]["$ref"].rsplit("/", 1)[1]
            queries.add(name)
            described["parameters"] = _query_parameters(schemas[name])
        if op.body is not None:
            described["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": refs[op.endpoint, "body"]}},
            }
        described["responses"] = responses
        if op.public:
            described["security"] = []
        item[op.method.lower()] = described
    for name in queries:  # a query model is a list of parameters, not a schema to refer to
        del schemas[name]

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Concord API",
            "version": "1",
            "description": (
                "Where an alliance of equal partners agrees what it says. Send an API token as "
                "'Authorization: Bearer <token>' (`flask users token EMAIL`, or Account > API "
                'tokens). Every error is {"error": {"code", "message"}} with a fitting status.'
            ),
        },
        "servers": [{"url": bp.url_prefix}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "An API token."}
            },
            "schemas": dict(sorted(schemas.items())),
            "responses": {
                f"Error{code}": _json(refs["error"], text) for code, text in ERRORS.items()
            },
        },
    }


@operation(
    "GET",
    "/openapi.json",
    summary="This description of the API.",
    answer=dict[str, Any],
    errors=(400,),
    public=True,
)
def openapi():
    return document()


def __getattr__(name: str) -> Any:
    """`SPEC`: the document, for tests (built on first use, like the route's)."""
    if name == "SPEC":
        return document()
    raise AttributeError(name)
