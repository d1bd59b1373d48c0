"""/healthz (the process answers) and /readyz (the database answers, at this code's schema or a
newer one).

For load balancers and orchestrators: JSON, no sign-in, never cached, never rate-limited, and
cheap (readiness is one round trip to the database).
"""

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db, limiter, migrate, utcnow

bp = Blueprint("operations", __name__)


def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
@limiter.exempt
def healthz():
    return _no_store(jsonify({"status": "ok"}))


def _migrations() -> tuple[str, frozenset[str]]:
    """The newest migration this code knows, and all it knows (read once per process)."""
    known = current_app.extensions.get("concord_migrations")
    if known is None:
        from alembic.script import ScriptDirectory

        directory = current_app.extensions["migrate"].directory
        scripts = ScriptDirectory.from_config(migrate.get_config(directory))
        revisions = frozenset(script.revision for script in scripts.walk_revisions())
        known = current_app.extensions.setdefault(
            "concord_migrations", (scripts.get_current_head(), revisions)
        )
    return known


def schema_head() -> str:
    return _migrations()[0]


def schema_ahead(version: str | None) -> bool:
    """The database is at a migration this code does not know: a newer release ran `db upgrade`
    and this server waits for its restart. Migrations only add, so it still serves."""
    return version is not None and version not in _migrations()[1]


def schema_version() -> str | None:
    """The migration the database is at; None before the first `db upgrade`."""
    try:
        with db.session.begin_nested():
            return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError:
        return None


@bp.get("/readyz")
@limiter.exempt
def readyz():
    checks: dict[str, str] = {}
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        checks["database"] = f"unreachable: {type(error).__name__}"
        return _no_store(jsonify({"status": "unavailable", "checks": checks})), 503
    checks["database"] = "ok"
    version = schema_version()
    head = schema_head()
    if version == head:
        checks["schema"] = "ok"
    elif schema_ahead(version):
        checks["schema"] = f"ahead: at {version}, newer than this code ({head}); restart it"
    else:
        checks["schema"] = f"at {version}, code expects {head}"
    # Behind is not ready (this code needs columns the database lacks); ahead is, so that a
    # rolling upgrade never takes the servers still to be restarted out of rotation.
    ready = version == head or schema_ahead(version)
    status = "unavailable"
    if ready:
        checks["outbox"] = _outbox_check()
        # Still ready: a stopped sender must not take every web server out of rotation; the
        # status and the outbox metrics are what a monitor alerts on.
        status = "ok" if checks["outbox"] == "ok" else "degraded"
    answer = jsonify({"status": status, "checks": checks})
    return _no_store(answer), 200 if ready else 503


def _outbox_check() -> str:
    """Mail waiting beyond the limit means no sender is keeping up (or none runs). Reported,
    not a reason to take this web server out of rotation: it serves pages either way."""
    from app.notifications.services.sending import backlog

    limit = current_app.config["NOTIFY_BACKLOG_LIMIT"]
    waiting = backlog(db.session, now=utcnow(), at_most=limit + 1)
    if waiting > limit:
        return f"backlog: more than {limit} messages due and unsent; is `notify work` running?"
    return "ok"
