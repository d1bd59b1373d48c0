"""The OpenAPI 3.1 description of the JSON API, written by hand, served at /api/v1/openapi.json."""

from flask import jsonify

from app.api import bp

SPEC: dict = {"openapi": "3.1.0", "info": {"title": "Concord API", "version": "1"}, "paths": {}}


@bp.get("/openapi.json")
def openapi():
    return jsonify(SPEC)
