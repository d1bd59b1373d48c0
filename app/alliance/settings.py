"""The alliance's settings: its name, its time zone (so its clock) and its size limits.

Read once from the configuration in create_app and kept in app.extensions. Every database session
the app opens carries them (app/extensions.py), so a service, which takes the session first, finds
them there: settings_of(session), clock_of(session). Nothing below the views reads Flask's config.
"""

from dataclasses import dataclass
from functools import cached_property
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.extensions import SETTINGS, utcnow
from positions.clock import Clock


@dataclass(frozen=True)
class Settings:
    name: str
    time_zone: ZoneInfo
    max_body_bytes: int  # a position's text, a statement, a rationale

    @classmethod
    def from_config(cls, config) -> "Settings":
        return cls(
            name=config["ALLIANCE_NAME"],
            time_zone=ZoneInfo(config["ALLIANCE_TIMEZONE"]),
            max_body_bytes=config["MAX_BODY_BYTES"],
        )

    @cached_property
    def clock(self) -> Clock:
        return Clock(self.time_zone, _now)


def _now():
    return utcnow()  # looked up on each call, so a test can stand the clock still


def settings_of(session: Session) -> Settings:
    return session.info[SETTINGS]


def clock_of(session: Session) -> Clock:
    return settings_of(session).clock
