"""The Flask extensions, created once and bound in create_app."""

from datetime import UTC, datetime

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from flask_wtf import CSRFProtect
from sqlalchemy import DateTime, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so Alembic can alter and drop them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Where the alliance's settings (app/alliance/settings.py) are kept: in app.extensions, and in
# every session's info, so services read them from the session they are given.
SETTINGS = "concord.settings"


class Session(FlaskSession):
    """db.session, opened inside an app context, carrying that app's alliance settings."""

    def __init__(self, db, **kwargs):
        super().__init__(db, **kwargs)
        self.info[SETTINGS] = current_app.extensions[SETTINGS]


db = SQLAlchemy(model_class=Base, session_options={"class_": Session})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# In memory by default; set RATELIMIT_STORAGE_URI=redis://... to share limits between workers.
limiter = Limiter(key_func=get_remote_address)


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, hands back aware UTC, the same on SQLite and PostgreSQL."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        return value.replace(tzinfo=UTC) if value is not None else None


def utcnow() -> datetime:
    return datetime.now(UTC)
