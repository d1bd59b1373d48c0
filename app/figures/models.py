"""Sign-off cycles: each stay of a position in sign-off, from marked ready to published or taken
back.

Why a table and not the audit chain: `positions.ready_at` restarts with each new revision and is
cleared at the end, and the chain's events carry the server's wall-clock time, not the alliance's
clock, and would have to be replayed through the consensus rules to find the moment of unanimity.
The rows are written in the same transaction as the audited action that causes them (marking
ready, a decision, a new revision, publishing, taking back), so they never disagree with it.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import UTCDateTime, db


class Outcome:
    PUBLISHED = "published"
    TAKEN_BACK = "taken_back"


class SignoffCycle(db.Model):
    __tablename__ = "signoff_cycles"
    __table_args__ = (
        Index("ix_signoff_cycles_position_id_ended_at", "position_id", "ended_at"),
        Index("ix_signoff_cycles_unanimous_at", "unanimous_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"))
    revision: Mapped[int]  # the revision number marked ready
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # Set while every partner approves the current text (and kept once the cycle ends); an edit
    # or an objection before publication clears it.
    unanimous_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(20))
