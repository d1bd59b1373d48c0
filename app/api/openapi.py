"""The OpenAPI 3.1 description of the JSON API, written by hand, served at /api/v1/openapi.json.

tests/app/test_openapi.py keeps it true: every /api/v1 route is described and every described
path exists, and real answers validate against these schemas; tests/app/test_schemathesis.py
throws generated input at every operation and checks each answer against it.
"""

from flask import jsonify

from app.api import bp

# ---- building blocks -------------------------------------------------------------------------


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(required: dict, optional: dict | None = None) -> dict:
    """An object with these properties; the first set is always present."""
    return {
        "type": "object",
        "required": sorted(required),
        "properties": {**required, **(optional or {})},
    }


def _list(items: dict) -> dict:
    return {"type": "array", "items": items}


def _nullable(schema: dict) -> dict:
    return {"oneOf": [schema, {"type": "null"}]}


STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
WHEN = {"type": "string", "format": "date-time"}
DAY = {"type": "string", "format": "date"}
NUMBER = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}  # a row id or revision number
SLUG = {"type": "string", "pattern": "^[a-z0-9-]+$"}


def _enum(*values: str) -> dict:
    return {"type": "string", "enum": list(values)}


POSITION_STATUS = _enum("draft", "agreed", "published", "differ", "withdrawn", "archived")
PARTNER_STATE = _enum("approved", "objected", "stale", "awaiting")
VIEW = _enum("support", "reservations", "oppose", "undecided")
MEETING_KIND = _enum(
    "meeting", "conference", "consultation", "parliamentary_evidence", "media_interview"
)
MEETING_STATUS = _enum("planned", "held", "cancelled")

ERRORS = {
    400: "The request is malformed: bad JSON, a missing or wrong field, a bad filter.",
    401: "No valid API token was sent.",
    403: "Your roles or your partner do not allow this.",
    404: "There is no such record.",
    409: "The request conflicts with the record's state (edit conflict, not unanimous, ...).",
    413: "The request or a text in it is too large.",
}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _operation(
    summary: str,
    answer: dict,
    *,
    status: int = 200,
    errors: tuple[int, ...] = (400, 401, 404),
    body: dict | None = None,
    query: tuple[dict, ...] = (),
    public: bool = False,
) -> dict:
    responses = {str(status): _json(answer, summary)}
    for code in errors:
        if public and code in (401, 403):
            continue
        responses[str(code)] = {"$ref": f"#/components/responses/Error{code}"}
    operation: dict = {"summary": summary, "responses": responses}
    if query:
        operation["parameters"] = list(query)
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
    if public:
        operation["security"] = []
    return operation


WRITES = (400, 401, 403, 404, 409, 413)


def _path_param(name: str, description: str, schema: dict = NUMBER) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema,
    }


def _query(name: str, description: str, schema: dict, example=None) -> dict:
    param = {"name": name, "in": "query", "required": False, "description": description}
    param["schema"] = schema
    if example is not None:
        param["example"] = example
    return param


POSITION_ID = _path_param("position_id", "The position's id.")
MEETING_ID = _path_param("meeting_id", "The meeting's id.")
FLAG_ID = _path_param("flag_id", "The flag's id.")
AMENDMENT_NUMBER = _path_param("number", "The amendment's number within the position.")
PARTNER_SLUG = _path_param("partner_slug", "The partner's short name, e.g. harbourside.", STR)

PAGE = _query("page", "Page number, from 1.", {"type": "integer", "minimum": 1}, 1)
PER_PAGE = _query(
    "per_page", "Items per page (at most 200).", {"type": "integer", "minimum": 1}, 50
)
LOG_FILTERS = (
    _query("speaker", "A speaker's user id.", {"type": "integer", "minimum": 1}),
    _query("partner", "A partner's slug: spoke for it, or works for it.", STR),
    _query("capacity", "For the alliance or for a partner.", _enum("alliance", "partner")),
    _query("area", "A policy area's id.", {"type": "integer", "minimum": 1}),
    _query("position", "A position's id.", {"type": "integer", "minimum": 1}),
    _query("audience", "An organisation's id.", {"type": "integer", "minimum": 1}),
    _query("kind", "The kind of meeting.", MEETING_KIND),
    _query("status", "The meeting's status.", MEETING_STATUS),
    _query("date_from", "On or after this day.", DAY),
    _query("date_to", "On or before this day.", DAY),
    _query("flag", "Flag state.", _enum("flagged", "unreviewed", "reviewed", "clean")),
)


def _page_of(item: str) -> dict:
    return _obj(
        {"items": _list(_ref(item)), "page": INT, "pages": INT, "total": INT},
    )


# ---- the schemas -------------------------------------------------------------------------------

SCHEMAS: dict = {
    "Error": _obj(
        {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {**STR, "description": "A stable, machine-readable code."},
                    "message": {**STR, "description": "What went wrong, for a person."},
                    "field": {**STR, "description": "The field at fault, when there is one."},
                },
                "additionalProperties": True,
            }
        }
    ),
    "Partner": _obj({"slug": SLUG, "name": STR, "active": BOOL}),
    "Revision": _obj(
        {
            "number": NUMBER,
            "title": STR,
            "hash": STR,
            "body": STR,
            "author": STR,
            "note": STR,
            "created_at": WHEN,
        }
    ),
    "Consensus": _obj(
        {
            "publishable": BOOL,
            "partners": _list(
                _obj({"partner": SLUG, "state": PARTNER_STATE, "revision": _nullable(INT)})
            ),
        }
    ),
    "Position": _obj(
        {
            "id": NUMBER,
            "title": STR,
            "slug": STR,
            "area": STR,
            "status": POSITION_STATUS,
            "current_revision": _nullable(_ref("Revision")),
            "published_revision": _nullable(_ref("Revision")),
            "consensus": _ref("Consensus"),
        }
    ),
    "PositionPage": _page_of("Position"),
    "SavedRevision": _obj({"number": NUMBER, "merged": BOOL, "hash": STR}),
    "Diff": _obj(
        {
            "from": NUMBER,
            "to": NUMBER,
            "ops": _list(_obj({"op": _enum("equal", "delete", "insert"), "text": STR})),
        }
    ),
    "SignOff": _obj(
        {
            "partner": SLUG,
            "decision": _enum("approve", "object"),
            "revision": NUMBER,
            "hash": STR,
            "at": WHEN,
        }
    ),
    "Publication": _obj(
        {
            "id": NUMBER,
            "title": STR,
            "revision": NUMBER,
            "hash": STR,
            "published_at": WHEN,
            "url": {"type": "string", "format": "uri"},
            "signatories": _list(_obj({"partner": STR, "name": STR, "at": WHEN})),
        }
    ),
    "Stance": _obj(
        {
            "partner": SLUG,
            "stance": VIEW,
            "rationale": STR,
            "by": _nullable(STR),
            "at": _nullable(WHEN),
        }
    ),
    "Amendment": _obj(
        {
            "number": NUMBER,
            "base_revision": NUMBER,
            "partner": _nullable(SLUG),
            "proposed_by": STR,
            "body": STR,
            "reason": STR,
            "status": _enum("open", "accepted", "declined"),
            "applies": _nullable(_enum("applies", "conflicts", "incorporated")),
            "decision_reason": _nullable(STR),
            "result_revision": _nullable(NUMBER),
            "created_at": WHEN,
        }
    ),
    "DivergenceBoard": _obj(
        {
            "partners": _list(_obj({"slug": SLUG, "name": STR})),
            "positions": _list(
                _obj(
                    {
                        "id": NUMBER,
                        "title": STR,
                        "area": STR,
                        "status": POSITION_STATUS,
                        "trend": _enum("unified", "converging", "diverging", "differ", "open"),
                        "spread": INT,
                        "partners": _list(
                            _obj({"partner": SLUG, "stance": VIEW, "signoff": PARTNER_STATE})
                        ),
                    }
                )
            ),
            "summary": {
                "type": "object",
                "description": "Per area slug: how many positions have each trend.",
                "additionalProperties": {"type": "object", "additionalProperties": INT},
            },
        }
    ),
    "Differ": _obj(
        {
            "published": BOOL,
            "statements_hash": _nullable(STR),
            "partners": _list(
                _obj({"partner": SLUG, "statement": _nullable(STR), "confirmed": BOOL})
            ),
        }
    ),
    "TimelineEvent": _obj(
        {
            "at": WHEN,
            "kind": STR,
            "who": STR,
            "partner": _nullable(STR),
            "text": STR,
            "revision": _nullable(INT),
        }
    ),
    "Counterpart": _obj(
        {
            "organisation": _obj({"id": NUMBER, "name": STR}),
            "person": STR,
            "role": STR,
            "represents": STR,
        }
    ),
    "Flag": _obj(
        {
            "id": NUMBER,
            "appearance": NUMBER,
            "kind": _enum("no_mandate", "no_unified_text", "withdrawn_later"),
            "detail": STR,
            "position": _nullable(NUMBER),
            "area": _nullable(STR),
            "raised_at": WHEN,
            "reviewed": BOOL,
            "reviewed_at": _nullable(WHEN),
            "reviewed_by": _nullable(STR),
            "review_note": _nullable(STR),
        }
    ),
    "Appearance": _obj(
        {
            "id": NUMBER,
            "meeting": _obj({"id": NUMBER, "title": STR, "starts_at": WHEN, "kind": MEETING_KIND}),
            "speaker": _obj({"id": NUMBER, "name": STR, "partner": _nullable(SLUG)}),
            "capacity": {**STR, "description": "'alliance', or the slug of a partner."},
            "positions": _list(
                _obj(
                    {
                        "id": NUMBER,
                        "title": STR,
                        "revision": _nullable(NUMBER),
                        "state_at_meeting": _enum(
                            "published", "unpublished", "differ", "withdrawn"
                        ),
                    }
                )
            ),
            "summary": STR,
            "follow_up": STR,
            "flags": _list(_ref("Flag")),
        }
    ),
    "AppearancePage": _page_of("Appearance"),
    "Meeting": _obj(
        {
            "id": NUMBER,
            "uid": STR,
            "title": STR,
            "starts_at": WHEN,
            "ends_at": _nullable(WHEN),
            "time_zone": STR,
            "place": STR,
            "online": BOOL,
            "organiser": STR,
            "kind": MEETING_KIND,
            "status": MEETING_STATUS,
            "areas": _list(STR),
            "minutes": STR,
            "public": BOOL,
            "sequence": INT,
            "rescheduled_from": _list(WHEN),
            "audience": _list(_ref("Counterpart")),
            "url": {"type": "string", "format": "uri"},
        },
        {"appearances": _list(_ref("Appearance"))},
    ),
    "MeetingPage": _page_of("Meeting"),
    "Mandate": _obj(
        {
            "id": NUMBER,
            "user": _obj({"id": NUMBER, "name": STR}),
            "areas": _list(STR),
            "starts_on": DAY,
            "ends_on": _nullable(DAY),
            "note": STR,
            "granted_by": STR,
        }
    ),
    "FlagQueue": _obj(
        {
            "open": _list(_ref("Flag")),
            "reviewed": _obj(
                {"items": _list(_ref("Flag")), "page": INT, "pages": INT, "total": INT}
            ),
        }
    ),
}

# ---- request bodies ------------------------------------------------------------------------------

REF = {"oneOf": [NUMBER, STR], "description": "An id, or a slug (or an email, for a person)."}
MEETING_FIELDS = {
    "title": STR,
    "starts_at": {**STR, "description": "ISO 8601; without an offset, the alliance's time."},
    "ends_at": _nullable(STR),
    "place": STR,
    "online": BOOL,
    "organiser": STR,
    "kind": MEETING_KIND,
    "status": MEETING_STATUS,
    "areas": _list(REF),
    "minutes": STR,
    "public": BOOL,
    "audience": _list(
        {
            "oneOf": [
                {**STR, "description": "An organisation's name."},
                _obj({"organisation": STR}, {"person": STR, "role": STR, "represents": STR}),
            ]
        }
    ),
}

BODIES = {
    "NewPosition": _obj(
        {"title": STR, "body": STR, "area": {**STR, "description": "An area's slug or id."}},
        {"note": STR},
    ),
    "NewRevision": _obj(
        {"body": STR, "base_revision": NUMBER},
        {"title": STR, "note": STR},
    ),
    "SignOffRequest": _obj(
        {"revision": NUMBER, "decision": _enum("approve", "object")},
        {"comment": STR},
    ),
    "PublishRequest": _obj({"revision": NUMBER}),
    "StanceRequest": _obj({"stance": VIEW}, {"rationale": STR}),
    "AmendmentRequest": _obj({"base_revision": NUMBER, "body": STR, "reason": STR}),
    "DeclineRequest": _obj({"reason": STR}),
    "StatementRequest": _obj({"statement": STR}),
    "NewMeeting": {
        "type": "object",
        "required": ["title", "starts_at"],
        "properties": MEETING_FIELDS,
    },
    "MeetingChanges": {
        "type": "object",
        "properties": MEETING_FIELDS,
        "additionalProperties": False,
    },
    "AppearanceRequest": _obj(
        {"speaker": REF, "capacity": {**STR, "description": "'alliance' or a partner's slug."}},
        {"positions": _list(NUMBER), "summary": STR, "follow_up": STR},
    ),
    "MandateRequest": _obj(
        {"user": REF, "areas": _list(REF), "starts_on": DAY},
        {"ends_on": _nullable(DAY), "note": STR},
    ),
    "ReviewRequest": _obj({"note": STR}),
}
SCHEMAS.update(BODIES)


def _body(name: str) -> dict:
    return _ref(name)


# ---- the paths ---------------------------------------------------------------------------------

PATHS: dict = {
    "/openapi.json": {
        "get": _operation(
            "This description of the API.", {"type": "object"}, errors=(400,), public=True
        )
    },
    "/published": {
        "get": _operation(
            "The public record: published positions, newest first (no token needed).",
            _list(_ref("Publication")),
            errors=(400,),
            query=(PAGE,),
            public=True,
        )
    },
    "/partners": {
        "get": _operation("Partners, alphabetical.", _list(_ref("Partner")), errors=(401,))
    },
    "/positions": {
        "get": _operation(
            "Positions, most recently changed first.",
            _ref("PositionPage"),
            errors=(400, 401),
            query=(_query("status", "Only positions in this status.", POSITION_STATUS), PAGE)
            + (PER_PAGE,),
        ),
        "post": _operation(
            "Create a position as revision 1 (policy and chief officers).",
            _ref("Position"),
            status=201,
            errors=WRITES,
            body=_body("NewPosition"),
        ),
    },
    "/positions/{position_id}": {
        "parameters": [POSITION_ID],
        "get": _operation(
            "The position, its current and published revision, and consensus.", _ref("Position")
        ),
    },
    "/positions/{position_id}/revisions": {
        "parameters": [POSITION_ID],
        "get": _operation("Every revision, newest first.", _list(_ref("Revision"))),
        "post": _operation(
            "Save a new revision from a base revision: merged when others saved meanwhile, "
            "409 edit_conflict when the edits overlap.",
            _ref("SavedRevision"),
            status=201,
            errors=WRITES,
            body=_body("NewRevision"),
        ),
    },
    "/positions/{position_id}/diff": {
        "parameters": [POSITION_ID],
        "get": _operation(
            "Word-level operations that rebuild both revisions' bodies exactly.",
            _ref("Diff"),
            query=(
                {**_query("from", "The older revision.", NUMBER, 1), "required": True},
                {**_query("to", "The newer revision.", NUMBER, 2), "required": True},
            ),
        ),
    },
    "/positions/{position_id}/signoffs": {
        "parameters": [POSITION_ID],
        "post": _operation(
            "Approve or object to an exact revision, for your own partner (its chief officer).",
            _ref("SignOff"),
            status=201,
            errors=WRITES,
            body=_body("SignOffRequest"),
        ),
    },
    "/positions/{position_id}/publish": {
        "parameters": [POSITION_ID],
        "post": _operation(
            "Publish a revision every active partner approved; 409 not_unanimous otherwise.",
            _ref("Publication"),
            errors=WRITES,
            body=_body("PublishRequest"),
        ),
    },
    "/positions/{position_id}/stances/{partner_slug}": {
        "parameters": [POSITION_ID, PARTNER_SLUG],
        "get": _operation("A partner's current stance.", _ref("Stance")),
        "put": _operation(
            "Set your own partner's stance (its policy and chief officers).",
            _ref("Stance"),
            errors=WRITES,
            body=_body("StanceRequest"),
        ),
    },
    "/positions/{position_id}/amendments": {
        "parameters": [POSITION_ID],
        "get": _operation(
            "Proposed wordings, with whether each still applies.", _list(_ref("Amendment"))
        ),
        "post": _operation(
            "Propose a wording (policy and chief officers).",
            _ref("Amendment"),
            status=201,
            errors=WRITES,
            body=_body("AmendmentRequest"),
        ),
    },
    "/positions/{position_id}/amendments/{number}/accept": {
        "parameters": [POSITION_ID, AMENDMENT_NUMBER],
        "post": _operation(
            "Accept an amendment: it becomes a new revision.", _ref("Amendment"), errors=WRITES
        ),
    },
    "/positions/{position_id}/amendments/{number}/decline": {
        "parameters": [POSITION_ID, AMENDMENT_NUMBER],
        "post": _operation(
            "Decline an amendment, with a reason.",
            _ref("Amendment"),
            errors=WRITES,
            body=_body("DeclineRequest"),
        ),
    },
    "/positions/{position_id}/differ": {
        "parameters": [POSITION_ID],
        "post": _operation(
            "Write your own partner's agree-to-differ statement.",
            _ref("Differ"),
            status=201,
            errors=WRITES,
            body=_body("StatementRequest"),
        ),
    },
    "/positions/{position_id}/differ/confirm": {
        "parameters": [POSITION_ID],
        "post": _operation(
            "Confirm the agree-to-differ outcome for your own partner (its chief officer).",
            _ref("Differ"),
            errors=WRITES,
        ),
    },
    "/positions/{position_id}/timeline": {
        "parameters": [POSITION_ID],
        "get": _operation(
            "Everything that happened to the position, oldest first.",
            _list(_ref("TimelineEvent")),
        ),
    },
    "/divergence": {
        "get": _operation(
            "Where the partners' views diverge, position by position.",
            _ref("DivergenceBoard"),
            query=(
                _query("area", "A policy area's id.", {"type": "integer", "minimum": 1}),
                _query("status", "Only positions in this status.", POSITION_STATUS),
            ),
        ),
    },
    "/meetings": {
        "get": _operation(
            "Meetings, upcoming first, with the log's filters.",
            _ref("MeetingPage"),
            query=(*LOG_FILTERS, PAGE, PER_PAGE),
        ),
        "post": _operation(
            "Record a meeting (communications staff and admins).",
            _ref("Meeting"),
            status=201,
            errors=WRITES,
            body=_body("NewMeeting"),
        ),
    },
    "/meetings/{meeting_id}": {
        "parameters": [MEETING_ID],
        "get": _operation("A meeting and its appearances.", _ref("Meeting")),
        "patch": _operation(
            "Change some of a meeting's fields (communications staff and admins).",
            _ref("Meeting"),
            errors=WRITES,
            body=_body("MeetingChanges"),
        ),
    },
    "/meetings/{meeting_id}/appearances": {
        "parameters": [MEETING_ID],
        "post": _operation(
            "Log who spoke, for whom, on which positions (yourself; comms and admins: anyone).",
            _ref("Appearance"),
            status=201,
            errors=WRITES,
            body=_body("AppearanceRequest"),
        ),
    },
    "/appearances": {
        "get": _operation(
            "The spokesperson log, newest first, with filters.",
            _ref("AppearancePage"),
            query=(*LOG_FILTERS, PAGE, PER_PAGE),
        ),
    },
    "/mandates": {
        "get": _operation("Who may speak for the alliance on what.", _list(_ref("Mandate"))),
        "post": _operation(
            "Grant a mandate (admins).",
            _ref("Mandate"),
            status=201,
            errors=WRITES,
            body=_body("MandateRequest"),
        ),
    },
    "/flags": {
        "get": _operation(
            "Open flags, and reviewed ones page by page (communications staff and admins).",
            _ref("FlagQueue"),
            errors=(400, 401, 403),
            query=(PAGE, PER_PAGE),
        ),
    },
    "/flags/{flag_id}/review": {
        "parameters": [FLAG_ID],
        "post": _operation(
            "Mark a flag reviewed, with a note (communications staff and admins).",
            _ref("Flag"),
            errors=WRITES,
            body=_body("ReviewRequest"),
        ),
    },
}

SPEC: dict = {
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
    "servers": [{"url": "/api/v1"}],
    "security": [{"bearer": []}],
    "paths": PATHS,
    "components": {
        "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "description": "An API token."}
        },
        "schemas": SCHEMAS,
        "responses": {
            f"Error{code}": _json(_ref("Error"), description)
            for code, description in ERRORS.items()
        },
    },
}


@bp.get("/openapi.json")
def openapi():
    return jsonify(SPEC)
