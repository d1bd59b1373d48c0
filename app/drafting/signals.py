"""What drafting tells the rest of the app, so other features follow without being called.

Receivers run at once, in the sender's transaction: what they write commits or rolls back with
the change that caused it.
"""

from blinker import Namespace

_signals = Namespace()

# A position's public standing changed: published, withdrawn, archived, agreed to differ or
# reopened. Sent with `session` and `position_id`. (The spokesperson log checks its flags.)
standing_changed = _signals.signal("position-standing-changed")

# A chief officer signed off (approved or objected). Sent with `session` and `signoff`.
signed_off = _signals.signal("position-signed-off")

# A new revision was saved. Sent with `session`, `revision` and `previous` (the revision it
# replaced as current).
revision_saved = _signals.signal("position-revision-saved")
