"""Factories: `make_*` and the short steps every story repeats, all through the real services.

Each builds rows the way a user's request would (so tests exercise the same paths as users) and
flushes; the ones that stand for a whole request (`published_position`, `make_meeting`, `speak`,
`grant`) commit, as the request would.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update

from app.accounts import services as accounts
from app.accounts.models import User
from app.alliance.models import Partner, PolicyArea
from app.audit.models import AuditEvent
from app.drafting.models import Position, Publication
from app.drafting.services import consensus
from app.drafting.services import editing as drafting
from app.extensions import db, utcnow
from app.meetings.models import Meeting
from app.meetings.services import appearances, mandates
from app.meetings.services import meetings as meeting_service
from app.meetings.services.meetings import CounterpartInput, MeetingInput

PASSWORD = "correct horse battery"


# ---- the alliance ------------------------------------------------------------------------------


def make_partner(name: str, *, active: bool = True, joined_on=None, left_on=None) -> Partner:
    slug = name.lower().replace(" ", "-")
    partner = Partner(
        name=name,
        slug=slug,
        active=active,
        joined_on=joined_on or date(2020, 1, 1),
        left_on=left_on,
    )
    db.session.add(partner)
    db.session.flush()
    return partner


def make_area(name: str = "Housing") -> PolicyArea:
    area = PolicyArea(name=name, slug=name.lower().replace(" ", "-"))
    db.session.add(area)
    db.session.flush()
    return area


def make_user(
    email: str, *roles: str, partner: Partner | None = None, name: str | None = None
) -> User:
    return accounts.create_user(
        db.session,
        email=email,
        name=name or email.split("@")[0].title(),
        password=PASSWORD,
        roles=list(roles) or ["policy_officer"],
        partner_slug=partner.slug if partner else None,
    )


# ---- positions ---------------------------------------------------------------------------------


def make_position(author: User, *, title="Fair rents", body="We ask for fair rents.", area=None):
    area = area or db.session.query(PolicyArea).first() or make_area()
    return drafting.create_position(db.session, author, title=title, body=body, area=area.id)


def revise(author: User, position, body: str, *, title=None, base=None, note="edit"):
    current = position.current_revision
    return drafting.save_revision(
        db.session,
        author,
        position.id,
        title=title or current.title,
        body=body,
        base_number=base or current.number,
        note=note,
    )


def approve(chief: User, position, decision: str = "approve", comment: str = ""):
    return consensus.sign_off(
        db.session,
        chief,
        position.id,
        revision_number=position.current_revision.number,
        decision=decision,
        comment=comment,
    )


def publish(user, position, number: int | None = None):
    return consensus.publish(
        db.session,
        user,
        position.id,
        revision_number=number or position.current_revision.number,
    )


def published_position(alliance, **fields) -> Position:
    """A position every partner approved and comms published, committed."""
    position = make_position(alliance.drafter, **fields)
    alliance.approve_all(position)
    publish(alliance.comms, position)
    db.session.commit()
    return position


def backdate_publications(position, days: int = 30) -> None:
    """Test-only time travel: the position was published `days` ago (a Core UPDATE, since the
    ORM refuses to rewrite publications)."""
    db.session.execute(
        update(Publication)
        .where(Publication.position_id == position.id)
        .values(published_at=utcnow() - timedelta(days=days))
    )
    db.session.commit()


def states(position) -> dict[str, str]:
    """Each required partner's state on the current revision, by slug."""
    return {
        s.partner.slug: s.state.value
        for s in consensus.consensus_for(db.session, position).standings
    }


# ---- the spokesperson log ----------------------------------------------------------------------


def minutes_from_now(minutes: int) -> datetime:
    """A whole minute (as the forms take it) at least `minutes` away from now, either way: a
    meeting "in one minute" must not start before the test's next step does."""
    at = utcnow() + timedelta(minutes=minutes)
    whole = at.replace(second=0, microsecond=0)
    return whole + timedelta(minutes=1) if minutes > 0 and whole < at else whole


def make_meeting(
    user,
    *,
    title="Housing select committee",
    starts_at=None,
    ends_at=None,
    areas=(),
    audience=("Department for Housing",),
    public=False,
    kind="meeting",
    status="planned",
) -> Meeting:
    meeting = meeting_service.create_meeting(
        db.session,
        user,
        MeetingInput(
            title=title,
            starts_at=starts_at or minutes_from_now(-60 * 24),
            ends_at=ends_at,
            kind=kind,
            status=status,
            areas=[a.id for a in areas],
            public=public,
            counterparts=[
                CounterpartInput(*row) if isinstance(row, tuple) else CounterpartInput(row)
                for row in audience
            ],
        ),
    )
    db.session.commit()
    return meeting


def grant(admin, user, areas, starts_on=date(2020, 1, 1), ends_on=None):
    mandate = mandates.grant_mandate(
        db.session,
        admin,
        user=user.id,
        areas=[a.id for a in areas],
        starts_on=starts_on,
        ends_on=ends_on,
    )
    db.session.commit()
    return mandate


def speak(recorder, meeting, speaker, capacity="alliance", positions=(), summary="We said it."):
    appearance = appearances.record_appearance(
        db.session,
        recorder,
        meeting.id,
        speaker=speaker.id,
        capacity=capacity,
        positions=[p.id for p in positions],
        summary=summary,
    )
    db.session.commit()
    return appearance


# ---- what was written --------------------------------------------------------------------------


def committed_count(model, *where) -> int:
    """Rows of `model` that survived: anything not committed is rolled back first."""
    db.session.rollback()
    query = select(func.count()).select_from(model)
    for clause in where:
        query = query.where(clause)
    return db.session.execute(query).scalar_one()


def audit_events(action: str | None = None) -> list[AuditEvent]:
    query = select(AuditEvent).order_by(AuditEvent.seq)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.execute(query).scalars())


def object_to_a_draft(alliance):
    """An objection by Moorland to a draft by Harbourside's policy officer: one message."""
    writer = alliance.officers["harbourside"]
    position = make_position(writer)
    approve(alliance.chiefs["moorland"], position, "object", "Not <b>yet</b>.")
    return writer, position
