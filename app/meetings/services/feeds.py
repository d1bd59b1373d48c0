"""Private calendar links: made, listed and revoked by their owner; the token is shown once."""

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.audit import services as audit
from app.extensions import utcnow
from app.meetings.models import CalendarFeed
from positions import meetings as meeting_rules
from positions import roles
from positions.refusals import Forbidden, NotFound


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_feed(session: Session, user: User, name: str = "") -> tuple[CalendarFeed, str]:
    """A private calendar link for this person. The token is shown once; its hash is kept."""
    name = meeting_rules.feed_name(name)
    token = "cal_" + secrets.token_urlsafe(32)
    feed = CalendarFeed(user_id=user.id, name=name, token_hash=_digest(token))
    session.add(feed)
    session.flush()
    audit.record(
        session,
        "calendar.create",
        actor=user,
        object_type="calendar_feed",
        object_id=feed.id,
        details={"name": name},
    )
    return feed, token


def revoke_feed(session: Session, user: User, feed_id: int) -> CalendarFeed:
    feed = session.get(CalendarFeed, feed_id)
    if feed is None:
        raise NotFound(f"There is no calendar link {feed_id}.")
    if not roles.can_revoke_calendar_link(user.actor, feed.user_id):
        raise Forbidden("Only its owner or an admin can revoke a calendar link.")
    if feed.revoked_at is None:
        feed.revoked_at = utcnow()
        session.flush()
        audit.record(
            session,
            "calendar.revoke",
            actor=user,
            object_type="calendar_feed",
            object_id=feed.id,
        )
    return feed


def feeds_of(session: Session, user: User) -> list[CalendarFeed]:
    return list(
        session.execute(
            select(CalendarFeed)
            .where(CalendarFeed.user_id == user.id)
            .order_by(CalendarFeed.revoked_at.is_not(None), CalendarFeed.id.desc())
        ).scalars()
    )


def feed_owner(session: Session, token: str) -> User:
    """The person a feed link belongs to; a revoked, unknown or orphaned link finds nobody."""
    feed = session.execute(
        select(CalendarFeed).where(CalendarFeed.token_hash == _digest(token))
    ).scalar_one_or_none()
    if feed is None or feed.revoked_at is not None or not feed.user.active:
        raise NotFound("This calendar link is unknown or has been revoked.")
    return feed.user
