"""Issue 13.6: an upcoming appearance cites the revision in force until the meeting is held."""

from app.extensions import db
from tests.support.factories import (
    grant,
    make_meeting,
    minutes_from_now,
    publish,
    published_position,
    revise,
    speak,
)


def test_an_upcoming_appearance_follows_a_newly_published_revision(alliance):
    speaker = alliance.chiefs["harbourside"]
    grant(alliance.admin, speaker, [alliance.area])
    position = published_position(alliance, title="Fair rents")
    meeting = make_meeting(
        alliance.comms, title="Forum", areas=[alliance.area], starts_at=minutes_from_now(60 * 24)
    )
    appearance = speak(alliance.comms, meeting, speaker, positions=[position])
    db.session.commit()
    assert [c.revision.number for c in appearance.cited] == [1]
    revise(alliance.drafter, position, "A better text.")
    alliance.approve_all(position)
    publish(alliance.comms, position)
    db.session.commit()
    db.session.refresh(appearance)
    assert [c.revision.number for c in appearance.cited] == [2]
