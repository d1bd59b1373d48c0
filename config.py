"""Configuration classes, read from the environment."""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("CONCORD_INSTANCE", BASE_DIR / "instance"))


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once into instance/ (never committed)."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def checkpoint_key() -> bytes:
    """The key audit checkpoints are signed with: CONCORD_CHECKPOINT_KEY, else instance/.

    Kept outside the database on purpose: whoever can rewrite the database must not also be
    able to sign a checkpoint for the rewritten chain. Never committed.
    """
    if key := os.environ.get("CONCORD_CHECKPOINT_KEY"):
        return key.encode()
    path = INSTANCE_DIR / "checkpoint_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip().encode()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'concord.db'}"
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy wants a driver name.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def workers() -> int:
    """The gunicorn workers this deployment runs (WEB_CONCURRENCY, as deploy/gunicorn.conf.py
    reads it and sets it for them)."""
    try:
        return int(os.environ.get("WEB_CONCURRENCY", "1"))
    except ValueError:
        return 1


class Config:
    SECRET_KEY = None  # resolved in create_app, so importing config writes nothing
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    ALLIANCE_NAME = os.environ.get("ALLIANCE_NAME", "The Alliance")
    ALLIANCE_TIMEZONE = os.environ.get("ALLIANCE_TIMEZONE", "Europe/London")
    MAX_BODY_BYTES = 200 * 1024  # a position's Markdown text
    PUBLIC_COPY_SECONDS = 1.0  # how old a signed-out visitor's public page may be (web/caching)
    MAX_CONTENT_LENGTH = 1024 * 1024  # a whole request
    MAX_FORM_MEMORY_SIZE = MAX_CONTENT_LENGTH  # one form field (Werkzeug's own default is 500 KB)
    # A signed-in person's form is read whole up to this, so an over-long text comes back in the
    # form with its refusal; only beyond it is the answer a 413 page (app/web/params.py).
    FORM_READ_LIMIT = 16 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead, so a long edit does not expire
    PAGE_SIZE = 25
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")  # per address
    # Per account, failed attempts only, backing off; a browser known to the account is exempt.
    ACCOUNT_LOGIN_RATE_LIMIT = os.environ.get(
        "ACCOUNT_LOGIN_RATE_LIMIT", "10 per minute;30 per hour;100 per day"
    )
    # Chief officers and admins sign in with a second factor (TOTP); only the demo and tests
    # turn it off, and then every page says so.
    REQUIRE_SECOND_FACTOR = os.environ.get("REQUIRE_SECOND_FACTOR", "1") != "0"
    SECOND_FACTOR_RATE_LIMIT = os.environ.get("SECOND_FACTOR_RATE_LIMIT", "5 per minute")
    # Operations (app/operations/): proxies in front, metrics, logs, error reports, backups.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))  # trusted X-Forwarded-* hops
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN")  # /metrics answers 404 without one
    LOG_FORMAT = os.environ.get("LOG_FORMAT")  # "json" or "text"; default: text in a terminal
    SENTRY_DSN = os.environ.get("SENTRY_DSN")  # exceptions go to Sentry only when set
    BACKUP_DIR = os.environ.get("BACKUP_DIR")  # the doctor checks the newest backup's age
    # How soon every worker sees an admin's change to the settings (0: only after a restart).
    SETTINGS_REFRESH_SECONDS = int(os.environ.get("SETTINGS_REFRESH_SECONDS", "60"))
    CONCORD_URL = os.environ.get("CONCORD_URL")  # where it is served, for links the CLI prints
    # With no admin yet, start-up makes a one-time set-up token (instance/setup_token) for /setup.
    SETUP_ON_FIRST_RUN = True
    SETUP_TOKEN_FILE = None  # default: setup_token in the instance folder
    CHECKPOINT_KEY = None  # resolved when a checkpoint is signed or checked (checkpoint_key)
    # Email (app/notifications/): with no MAIL_HOST, mail goes to the MAILDIR folder instead.
    # Links in mail start with CONCORD_URL (set it in production; never taken from a request).
    MAIL_HOST = os.environ.get("MAIL_HOST")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_SECURITY = os.environ.get("MAIL_SECURITY", "starttls")  # starttls, tls or none
    MAIL_USER = os.environ.get("MAIL_USER")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Concord <concord@localhost>")
    MAILDIR = os.environ.get("MAILDIR", str(INSTANCE_DIR / "mail"))
    NOTIFY_POLL_SECONDS = float(os.environ.get("NOTIFY_POLL_SECONDS", "5"))
    # `notify work` queues the date-driven reminders (`notify due`) this often; 0: leave it to cron.
    NOTIFY_DUE_MINUTES = float(os.environ.get("NOTIFY_DUE_MINUTES", "15"))
    NOTIFY_BACKLOG_LIMIT = int(os.environ.get("NOTIFY_BACKLOG_LIMIT", "500"))  # /readyz

    @classmethod
    def resolve(cls) -> dict:
        return {
            "SECRET_KEY": cls.SECRET_KEY or _secret_key(),
            "SQLALCHEMY_DATABASE_URI": cls.SQLALCHEMY_DATABASE_URI or _database_url(),
        }


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    @classmethod
    def resolve(cls) -> dict:
        # Each worker would count sign-in attempts on its own: the limits multiply by workers.
        if workers() > 1 and cls.RATELIMIT_STORAGE_URI.startswith("memory://"):
            raise RuntimeError(
                f"{workers()} workers (WEB_CONCURRENCY) with rate limits in each worker's memory. "
                "Set RATELIMIT_STORAGE_URI to a shared store, e.g. redis://127.0.0.1:6379/0."
            )
        return super().resolve()


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    CHECKPOINT_KEY = b"test-checkpoint-key-not-for-production"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False  # one test turns it on to prove it
    REQUIRE_SECOND_FACTOR = False  # the second factor's own tests turn it on (helpers type it)
    LOG_QUIET = True  # tests read the log records, not stderr
    SETUP_ON_FIRST_RUN = False  # a test that wants the first run calls first_run.prepare itself
    SETTINGS_REFRESH_SECONDS = None  # no query that comes and goes with the clock in counted pages
    PUBLIC_COPY_SECONDS = 0  # tests see each change at once; the copies' own tests turn them on
