"""The alliance's settings: its name, its time zone (so its clock) and its size limits.

Built in create_app from the configuration, overlaid with the stored settings row (set-up and
the admin's settings page write it) when there is one, and kept in app.extensions: read once per
process, replaced in this process when an admin saves the row (`adopt_stored`) and read again by
the others now and then (`refresh_now_and_then`), so no page pays a query for them. Every
database session the app opens carries them (app/extensions.py), so a service, which takes the
session first, finds them there: settings_of(session), clock_of(session). Nothing below the
views reads Flask's config.
"""

import time
from dataclasses import dataclass, replace
from functools import cached_property
from zoneinfo import ZoneInfo

from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.extensions import SETTINGS, utcnow
from positions.clock import Clock
from positions.cycle import DEFAULT_COUNTRY, WorkingCalendar


@dataclass(frozen=True)
class Settings:
    name: str
    time_zone: ZoneInfo
    max_body_bytes: int  # a position's text, a statement, a rationale
    public_introduction: str = ""  # above the public record
    accountable_body: str | None = None  # the partner answerable for what is published
    holiday_country: str = DEFAULT_COUNTRY  # whose bank holidays deadlines skip

    @classmethod
    def from_config(cls, config) -> "Settings":
        return cls(
            name=config["ALLIANCE_NAME"],
            time_zone=ZoneInfo(config["ALLIANCE_TIMEZONE"]),
            max_body_bytes=config["MAX_BODY_BYTES"],
        )

    def with_stored(self, row) -> "Settings":
        """These settings with what the stored row says instead."""
        accountable = row.accountable_partner
        return replace(
            self,
            name=row.name,
            time_zone=ZoneInfo(row.time_zone),
            public_introduction=row.public_introduction or "",
            accountable_body=accountable.name if accountable else None,
            holiday_country=row.holiday_country or DEFAULT_COUNTRY,
        )

    @cached_property
    def clock(self) -> Clock:
        return Clock(self.time_zone, _now)

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar(self.holiday_country)


def _now():
    return utcnow()  # looked up on each call, so a test can stand the clock still


def settings_of(session: Session) -> Settings:
    return session.info[SETTINGS]


def clock_of(session: Session) -> Clock:
    return settings_of(session).clock


def calendar_of(session: Session) -> WorkingCalendar:
    return settings_of(session).calendar


def load_stored(app) -> None:
    """At start-up: the stored settings over the configured ones, once the table exists."""
    from app.alliance.models import AllianceSettings
    from app.extensions import db

    with app.app_context():
        try:
            if not inspect(db.engine).has_table(AllianceSettings.__tablename__):
                return  # not migrated yet: the configuration stands
            row = db.session.get(AllianceSettings, 1)
            if row is not None:
                app.extensions[SETTINGS] = app.extensions[SETTINGS].with_stored(row)
        except SQLAlchemyError:
            return  # no database yet (before the first `db upgrade`): the configuration stands
        finally:
            db.session.remove()


def refresh_now_and_then(app) -> None:
    """Other processes of the same server see an admin's change within SETTINGS_REFRESH_SECONDS:
    the first request after that long reads the row again (one query, not one per page)."""
    from app.alliance.models import AllianceSettings
    from app.extensions import db

    every = app.config.get("SETTINGS_REFRESH_SECONDS")
    if not every:
        return
    last = {"read": time.monotonic()}  # load_stored has just read it

    @app.before_request
    def refresh_settings():
        now = time.monotonic()
        if now - last["read"] < every:
            return
        last["read"] = now
        row = db.session.get(AllianceSettings, 1)
        if row is not None:
            fresh = app.extensions[SETTINGS].with_stored(row)
            app.extensions[SETTINGS] = db.session.info[SETTINGS] = fresh


def adopt_stored(session: Session, row) -> None:
    """After an admin saves the row: this process and this session use it from now on."""
    from flask import current_app

    adopted = settings_of(session).with_stored(row)
    session.info[SETTINGS] = adopted
    current_app.extensions[SETTINGS] = adopted
