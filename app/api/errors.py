"""The API's one error shape: {"error": {"code", "message", ...}} with a fitting status."""

from flask import jsonify


def json_error(status: int, code: str, message: str, **extra):
    response = jsonify({"error": {"code": code, "message": message, **extra}})
    response.status_code = status
    return response
