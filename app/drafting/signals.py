"""What drafting tells the rest of the app, so other features follow without being called.

Receivers run at once, in the sender's transaction: what they write commits or rolls back with
the change that caused it.
"""

from blinker import Namespace

_signals = Namespace()

# A position's public standing changed: published, withdrawn, archived, agreed to differ or
# reopened. Sent with `session`, `position_id` and `actor_id` (who did it: not told of it).
# (The spokesperson log checks its flags.)
standing_changed = _signals.signal("position-standing-changed")

# A position was put up for sign-off, or taken back to drafting (also when publishing ends its
# cycle). Sent with `session`, `position_id` and `ready` (True: chief officers now need to
# decide). (Notifications tell the people whose decision it needs.)
readiness_changed = _signals.signal("position-readiness-changed")
# A chief officer signed off (approved or objected). Sent with `session` and `signoff`.
signed_off = _signals.signal("position-signed-off")

# A new revision was saved. Sent with `session`, `revision` and `previous` (the revision it
# replaced as current).
revision_saved = _signals.signal("position-revision-saved")
