"""The API's one error shape: {"error": {"code", "message", ...}} with a fitting status."""

from flask import jsonify
from pydantic import BaseModel, ConfigDict, Field


def json_error(status: int, code: str, message: str, **extra):
    response = jsonify({"error": {"code": code, "message": message, **extra}})
    response.status_code = status
    return response


class ErrorDetail(BaseModel):
    # Some refusals say more: edit_conflict names both revisions, not_unanimous the partners.
    model_config = ConfigDict(extra="allow")

    code: str = Field(description="A stable, machine-readable code.")
    message: str = Field(description="What went wrong, for a person.")
    field: str | None = Field(None, description="The field at fault, when there is one.")


class Error(BaseModel):
    """Every refusal, whatever its status."""

    error: ErrorDetail


ERRORS = {
    400: "The request is malformed: bad JSON, a missing or wrong field, a bad filter.",
    401: "No valid API token was sent.",
    403: "Your roles or your partner do not allow this.",
    404: "There is no such record.",
    409: "The request conflicts with the record's state (edit conflict, not unanimous, ...).",
    413: "The request or a text in it is too large.",
}
