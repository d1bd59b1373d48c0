"""The Concord web application: create_app builds it, everything else plugs in here."""

from datetime import UTC, datetime

from flask import Flask, render_template, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.exceptions import HTTPException

from app import operations
from app.alliance import first_run
from app.alliance.settings import Settings, load_stored, refresh_now_and_then
from app.extensions import SETTINGS, csrf, db, limiter, login_manager, migrate
from app.search import schema as search_schema
from app.web import caching, errors, faults
from app.web.params import (
    BoundedIntConverter,
    StrictJSONProvider,
    read_signed_in_forms_whole,
    refuse_nul_characters,
    request_limit,
)
from app.web.transaction import TransactionalFlask
from config import BASE_DIR, INSTANCE_DIR, Config
from positions import roles
from positions.refusals import Refused


def create_app(config_class: type[Config] = Config, **overrides) -> Flask:
    app = TransactionalFlask(__name__, instance_path=str(INSTANCE_DIR))
    app.json = StrictJSONProvider(app)  # one reader for every JSON body (app/web/params.py)
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(read_signed_in_forms_whole)  # first: what follows reads the form
    app.before_request(refuse_nul_characters)  # 400, before PostgreSQL would answer 500
    app.config.from_object(config_class)
    app.config.update(config_class.resolve())
    app.config.update(overrides)
    app.extensions[SETTINGS] = Settings.from_config(app.config)

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(BASE_DIR / "migrations"), include_object=search_schema.modelled
    )
    load_stored(app)
    refresh_now_and_then(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.session_protection = "strong"

    from app.accounts.views.admin import bp as admin_bp
    from app.accounts.views.auth import bp as auth_bp
    from app.accounts.views.settings import bp as account_bp
    from app.alliance.views import bp as alliance_bp
    from app.alliance.views import setup_bp
    from app.api import bp as api_bp
    from app.audit import models as _audit_models  # noqa: F401  (no blueprint imports it)
    from app.dashboard.views import bp as dashboard_bp
    from app.deputies.views import bp as deputies_bp
    from app.discussion.views import bp as discussion_bp
    from app.divergence.views import bp as divergence_bp
    from app.drafting.views import bp as drafting_bp
    from app.figures.views import bp as figures_bp
    from app.meetings.views import bp as meetings_bp
    from app.notifications.views import bp as notifications_bp
    from app.operations.health import bp as health_bp
    from app.operations.metrics import bp as metrics_bp
    from app.public.views import bp as public_bp
    from app.search import indexing as _search_indexing  # noqa: F401  (keeps the index current)
    from app.search.views import bp as search_bp
    from app.signatories.views import bp as signatories_bp
    from app.wording.views import bp as wording_bp

    for blueprint in (
        auth_bp,
        account_bp,
        dashboard_bp,
        deputies_bp,
        discussion_bp,
        drafting_bp,
        divergence_bp,
        figures_bp,
        meetings_bp,
        notifications_bp,
        public_bp,
        admin_bp,
        alliance_bp,
        setup_bp,
        api_bp,
        health_bp,
        metrics_bp,
        signatories_bp,
        search_bp,
        wording_bp,
    ):
        app.register_blueprint(blueprint)
    csrf.exempt(api_bp)  # the API authenticates with bearer tokens, never with cookies

    from app.accounts.cli import cli as users_cli
    from app.alliance.cli import cli as alliance_cli
    from app.audit.cli import cli as audit_cli
    from app.backup.cli import cli as backup_cli
    from app.demo.cli import cli as demo_cli
    from app.meetings.cli import cli as flags_cli
    from app.notifications.cli import cli as notify_cli
    from app.search.cli import cli as search_cli

    groups = (
        alliance_cli,
        demo_cli,
        users_cli,
        audit_cli,
        backup_cli,
        flags_cli,
        notify_cli,
        search_cli,
    )
    for group in groups:
        app.cli.add_command(group)
    from app.operations.doctor import doctor

    app.cli.add_command(doctor)
    operations.init_app(app)
    _register_template_helpers(app)
    _register_error_pages(app)
    faults.register(app)  # the database unreachable, full or read-only: 503, text kept
    _register_security_headers(app)
    first_run.register(app)
    first_run.prepare(app)
    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys; WAL lets readers carry on while one writer writes."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()


# "All three partners": small counts said in words, as people say them.
NUMBER_WORDS = {
    2: "two", 3: "three", 4: "four", 5: "five", 6: "six",
    7: "seven", 8: "eight", 9: "nine", 10: "ten", 11: "eleven", 12: "twelve",
}  # fmt: skip


def _register_template_helpers(app: Flask) -> None:
    # Looked up on each use: an admin may change the settings while the process runs.
    @app.template_filter("localtime")
    def localtime(value: datetime | None, fmt: str = "%-d %b %Y, %H:%M %Z") -> str:
        settings = app.extensions[SETTINGS]
        if value is None:
            return ""
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return settings.clock.local(value).strftime(fmt)

    @app.template_filter("partners_in_words")
    def partners_in_words(count: int) -> str:
        """Say "all three partners" or "both partners": counted from the data, never assumed."""
        if count == 1:
            return "its one partner"
        if count == 2:
            return "both partners"
        return f"all {NUMBER_WORDS.get(count, str(count))} partners"

    @app.context_processor
    def globals_for_templates():
        settings = app.extensions[SETTINGS]
        return {
            "alliance_name": settings.name,
            "time_zone": settings.time_zone.key,
            "alliance_settings": settings,
            # Templates offer an action only where the service would allow it: the same
            # predicates, asked as `may.can_draft(current_user.actor)`.
            "may": roles,
            "request_limit": request_limit,
        }


def _register_error_pages(app: Flask) -> None:
    from app.api.errors import json_error

    app.register_error_handler(Refused, errors.respond)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        db.session.rollback()
        if errors.wants_json():
            return json_error(exc.code or 500, exc.name.lower().replace(" ", "_"), exc.description)
        # A form too large to read: lead back to the same form (GET), where the browser's Back
        # button also finds the typed text.
        rule = request.url_rule
        back_to = request.path if exc.code == 413 and rule and "GET" in rule.methods else None
        return render_template("errors/error.html", error=exc, back_to=back_to), exc.code

    if app.testing:
        return  # let tests see the traceback of anything unexpected

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        app.logger.exception("Unhandled error")
        db.session.rollback()
        if errors.wants_json():
            return json_error(500, "server_error", "Something went wrong on our side.")
        return render_template("errors/error.html", error=None), 500


def _register_security_headers(app: Flask) -> None:
    @app.after_request
    def security_headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return caching.cache_policy(response)
