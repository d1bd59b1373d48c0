"""A position's timeline: revisions, stances, amendments, sign-offs and outcomes, in order."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from app.divergence.models import (
    Amendment,
    DifferConfirmation,
    DifferOutcome,
    DifferStatement,
    Stance,
)
from app.drafting.models import (
    Dissent,
    MotionConfirmation,
    Position,
    Publication,
    Revision,
    SignOff,
)
from positions import consensus as core
from positions import divergence as rules
from positions import governance as gov


@dataclass(frozen=True)
class Event:
    at: datetime
    kind: str  # revision, stance, amendment, signoff, publication, differ, governance
    who: str
    partner: str | None
    text: str
    revision: int | None = None
    objection: bool = False  # a sign-off that vetoes: marked apart from an approval


def position_timeline(session: Session, position_id: int) -> list[Event]:
    """Everything that happened to a position, oldest first."""

    def rows(model, *options):
        query = select(model).where(model.position_id == position_id)
        return session.execute(query.options(*options)).unique().scalars()

    events: list[Event] = []
    for r in rows(Revision):
        note = f": {r.note}" if r.note else ""
        events.append(
            Event(
                r.created_at,
                "revision",
                r.author.name,
                None,
                f"Saved revision {r.number}{note}",
                r.number,
            )
        )
    for s in rows(Stance):
        label = rules.VIEW_LABELS[rules.View(s.view)]
        events.append(
            Event(s.created_at, "stance", s.user.name, s.partner.name, f"Stance set to “{label}”")
        )
    for a in rows(Amendment):
        events.append(
            Event(
                a.created_at,
                "amendment",
                a.proposed_by.name,
                a.credit,
                f"Proposed amendment {a.number}: {a.reason}",
                a.base_revision.number,
            )
        )
        if a.decided_at:
            verb = "Accepted" if a.status == rules.AmendmentStatus.ACCEPTED else "Declined"
            events.append(
                Event(
                    a.decided_at,
                    "amendment",
                    a.decided_by.name,
                    None,
                    f"{verb} amendment {a.number}",
                )
            )
    for s in rows(SignOff):
        verb = "Approved" if s.decision == core.Decision.APPROVE else "Objected to"
        events.append(
            Event(
                s.created_at,
                "signoff",
                s.user.name,
                s.partner.name,
                f"{verb} revision {s.revision.number}",
                s.revision.number,
                objection=s.decision == core.Decision.OBJECT,
            )
        )
    for p in rows(Publication, joinedload(Publication.published_by)):
        events.append(
            Event(
                p.published_at,
                "publication",
                p.published_by.name,
                None,
                f"Published revision {p.revision.number}",
                p.revision.number,
            )
        )
    for s in rows(DifferStatement):
        events.append(
            Event(
                s.created_at,
                "differ",
                s.user.name,
                s.partner.name,
                "Wrote the partner's agree-to-differ statement",
            )
        )
    for c in rows(DifferConfirmation):
        events.append(
            Event(
                c.created_at,
                "differ",
                c.user.name,
                c.partner.name,
                "Confirmed the agree-to-differ outcome",
            )
        )
    for o in rows(DifferOutcome):
        events.append(
            Event(
                o.published_at,
                "differ",
                "—",
                None,
                "Published as agreed to differ: no alliance position",
            )
        )
        if o.reopened_at:
            events.append(Event(o.reopened_at, "differ", "—", None, "Reopened towards one text"))
    # Undoing what all partners did together, and one partner's dissent (positions/governance.py).
    for c in rows(MotionConfirmation):
        if c.motion == gov.Motion.WITHDRAW:
            what = f"Confirmed withdrawing revision {c.subject_number}: {c.reason}"
        else:
            what = f"Confirmed reopening the agree-to-differ outcome: {c.reason}"
        events.append(Event(c.created_at, "governance", c.user.name, c.partner.name, what))
    for d in rows(Dissent):
        events.append(
            Event(
                d.created_at,
                "governance",
                d.user.name,
                d.partner.name,
                f"No longer supports the published text: {d.reason}",
            )
        )
        if d.retracted_at:
            events.append(
                Event(d.retracted_at, "governance", "—", d.partner.name, "Supports the text again")
            )
    position = session.get(Position, position_id)
    if position is not None and position.withdrawn_at is not None:
        events.append(
            Event(position.withdrawn_at, "governance", "—", None, "Withdrawn by every partner")
        )
    events.sort(key=lambda e: e.at)
    return events
