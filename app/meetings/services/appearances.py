"""The spokesperson log's entries: record and correct appearances, raise and review flags."""

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.accounts.models import User
from app.accounts.services import find_by_email
from app.alliance.models import Partner
from app.alliance.settings import clock_of
from app.audit import services as audit
from app.divergence.models import DifferOutcome
from app.drafting import signals
from app.drafting.models import Dissent, Position, Publication, Revision
from app.extensions import utcnow
from app.meetings.models import Appearance, AppearancePosition, Flag, Mandate, Meeting
from app.meetings.services.meetings import get_meeting
from app.notifications.services import events as notification_events
from app.web.params import MAX_ID, is_number
from positions import consensus, roles
from positions import mandate as core
from positions import meetings as meeting_rules
from positions.refusals import Conflict, Forbidden, Invalid, NotFound

# ---- input -----------------------------------------------------------------------------------


def find_speaker(session: Session, ref: object) -> User:
    """A speaker by user id or email; anyone else is refused with a clear message."""
    user = None
    if isinstance(ref, str) and is_number(ref.strip()):
        ref = int(ref.strip())
    if isinstance(ref, int) and not isinstance(ref, bool):
        user = session.get(User, ref) if 0 < ref <= MAX_ID else None
    elif isinstance(ref, str) and ref.strip():
        user = find_by_email(session, ref)
    if user is None or not user.active:
        shown = ref if ref not in (None, "") else "(none given)"
        raise Invalid(
            f"The speaker {shown!s} is not a user of Concord. Choose a person from the list, "
            "or ask an admin to add them.",
            code="unknown_speaker",
            field="speaker",
        )
    return user


def find_capacity(session: Session, ref: object, speaker: User, day) -> Partner | None:
    """None for the alliance; otherwise the named partner, which must be the speaker's own."""
    if not isinstance(ref, str) or not ref.strip():
        raise Invalid(
            "Say in which capacity they spoke: for the alliance, or for a partner.",
            code="missing_field",
            field="capacity",
        )
    ref = ref.strip()
    if ref == core.Capacity.ALLIANCE:
        return None
    partner = session.execute(select(Partner).where(Partner.slug == ref)).scalar_one_or_none()
    if partner is None:
        raise Invalid(
            f"There is no partner {ref!r}. The capacity is 'alliance' or a partner's short name.",
            code="unknown_partner",
            field="capacity",
        )
    if not consensus.is_member_on(partner.as_core(), day):
        raise Invalid(
            f"{partner.name} was not an active partner of the alliance on {day:%-d %b %Y}.",
            code="inactive_partner",
            field="capacity",
        )
    if not core.may_speak_for_partner(speaker.partner_id, partner.id):
        raise Invalid(
            f"{speaker.name} ({speaker.affiliation}) cannot speak for {partner.name}: people "
            "speak for their own partner or, with a mandate, for the alliance.",
            code="not_own_partner",
            field="capacity",
        )
    return partner


def find_positions(session: Session, refs: Iterable) -> list[Position]:
    ids: set[int] = set()
    for ref in refs or ():
        if isinstance(ref, bool) or not (isinstance(ref, int) or is_number(str(ref).strip())):
            raise Invalid(
                f"Positions are given by number; {ref!r} is not one.",
                code="unknown_position",
                field="positions",
            )
        ids.add(int(ref))
    if any(not 0 < i <= MAX_ID for i in ids):
        raise Invalid("There is no such position.", code="unknown_position", field="positions")
    core.check_cited(len(ids))
    if not ids:
        return []
    found = list(session.execute(select(Position).where(Position.id.in_(ids))).scalars())
    missing = sorted(ids - {p.id for p in found})
    if missing:
        listed = ", ".join(str(m) for m in missing)
        raise Invalid(f"There is no position {listed}.", code="unknown_position", field="positions")
    return sorted(found, key=lambda p: p.id)


def get_appearance(session: Session, appearance_id: int) -> Appearance:
    appearance = session.get(Appearance, appearance_id)
    if appearance is None:
        raise NotFound(f"There is no appearance {appearance_id}.")
    return appearance


def _check_may_record(user: User, speaker: User) -> None:
    if not roles.can_record_appearance(user.actor, speaker.id):
        raise Forbidden(
            "You can record your own appearances; communications staff and admins record anyone's."
        )


def _duplicate(session: Session, meeting_id, speaker_id, partner_id, exclude_id=None) -> bool:
    query = select(Appearance.id).where(
        Appearance.meeting_id == meeting_id,
        Appearance.speaker_id == speaker_id,
        Appearance.partner_id.is_(None)
        if partner_id is None
        else Appearance.partner_id == partner_id,
    )
    if exclude_id is not None:
        query = query.where(Appearance.id != exclude_id)
    return session.execute(query.limit(1)).first() is not None


def _described(appearance: Appearance) -> dict:
    return {
        "meeting": appearance.meeting_id,
        "speaker": appearance.speaker.email,
        "capacity": appearance.partner.slug if appearance.partner else "alliance",
        "positions": [c.position_id for c in appearance.cited],
        "summary": appearance.summary,
        "follow_up": appearance.follow_up,
    }


def record_appearance(
    session: Session,
    user: User,
    meeting_id: int,
    *,
    speaker: object,
    capacity: object,
    positions: Iterable = (),
    summary: str = "",
    follow_up: str = "",
) -> Appearance:
    """Log who spoke at a meeting, for whom, on which positions; then check it for flags."""
    meeting = get_meeting(session, meeting_id)
    person = find_speaker(session, speaker)
    _check_may_record(user, person)
    if meeting.status == meeting_rules.MeetingStatus.CANCELLED:
        raise Conflict(
            "This meeting was cancelled, so nobody spoke at it.", code="meeting_cancelled"
        )
    day = clock_of(session).local_date(meeting.starts_at)
    partner = find_capacity(session, capacity, person, day)
    cited = find_positions(session, positions)
    if _duplicate(session, meeting.id, person.id, partner.id if partner else None):
        raise Conflict(
            f"{person.name}'s appearance in this capacity is already in the log; "
            "edit that entry instead.",
            code="duplicate_appearance",
        )
    now = utcnow()
    appearance = Appearance(
        meeting=meeting,
        speaker=person,
        speaker_partner_id=person.partner_id,
        capacity=core.Capacity.PARTNER if partner else core.Capacity.ALLIANCE,
        partner=partner,
        summary=core.check_summary(summary, "summary"),
        follow_up=core.check_summary(follow_up, "follow_up"),
        recorded_by_id=user.id,
        created_at=now,
        updated_at=now,
        flags_checked_at=now,
    )
    appearance.cited = [
        AppearancePosition(position_id=p.id, state=core.TextState.UNPUBLISHED) for p in cited
    ]
    session.add(appearance)
    session.flush()
    audit.record(
        session,
        "appearance.create",
        actor=user,
        object_type="appearance",
        object_id=appearance.id,
        details=_described(appearance),
    )
    check_flags(session, [appearance], now=now)
    return appearance


def update_appearance(
    session: Session,
    user: User,
    appearance_id: int,
    *,
    speaker: object,
    capacity: object,
    positions: Iterable = (),
    summary: str = "",
    follow_up: str = "",
) -> Appearance:
    """Correct an entry. The flags are checked again; reviewed ones stay as they were."""
    appearance = get_appearance(session, appearance_id)
    _check_may_record(user, appearance.speaker)
    person = find_speaker(session, speaker)
    _check_may_record(user, person)
    meeting = appearance.meeting
    day = clock_of(session).local_date(meeting.starts_at)
    partner = find_capacity(session, capacity, person, day)
    cited = find_positions(session, positions)
    if _duplicate(session, meeting.id, person.id, partner.id if partner else None, appearance.id):
        raise Conflict(
            f"{person.name}'s appearance in this capacity is already in the log.",
            code="duplicate_appearance",
        )
    before = _described(appearance)
    if person.id != appearance.speaker_id:
        appearance.speaker = person
        appearance.speaker_partner_id = person.partner_id
    appearance.partner = partner
    appearance.capacity = core.Capacity.PARTNER if partner else core.Capacity.ALLIANCE
    appearance.summary = core.check_summary(summary, "summary")
    appearance.follow_up = core.check_summary(follow_up, "follow_up")
    kept = {c.position_id: c for c in appearance.cited}
    appearance.cited = [
        kept.get(p.id) or AppearancePosition(position_id=p.id, state=core.TextState.UNPUBLISHED)
        for p in cited
    ]
    session.flush()
    after = _described(appearance)
    changed = {k: after[k] for k in after if after[k] != before[k]}
    if not changed:
        return appearance
    appearance.updated_at = utcnow()
    audit.record(
        session,
        "appearance.update",
        actor=user,
        object_type="appearance",
        object_id=appearance.id,
        details={"changed": changed},
    )
    check_flags(session, [appearance])
    return appearance


# ---- the checks ------------------------------------------------------------------------------


def position_histories(
    session: Session, position_ids: Iterable[int]
) -> dict[int, core.PositionHistory]:
    """Each position's published history, agree-to-differ periods, withdrawal and dissents:
    4 queries."""
    ids = sorted(set(position_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(
            Position.id,
            Position.area_id,
            Position.status,
            Position.withdrawn_at,
            Position.updated_at,
        ).where(Position.id.in_(ids))
    ).all()
    publications: dict[int, list[core.Publication]] = {i: [] for i in ids}
    for position_id, revision_id, number, at in session.execute(
        select(
            Publication.position_id,
            Publication.revision_id,
            Revision.number,
            Publication.published_at,
        )
        .join(Revision, Revision.id == Publication.revision_id)
        .where(Publication.position_id.in_(ids))
    ):
        publications[position_id].append(core.Publication(revision_id, number, at))
    periods: dict[int, list[core.DifferPeriod]] = {i: [] for i in ids}
    for outcome in session.execute(
        select(
            DifferOutcome.position_id, DifferOutcome.published_at, DifferOutcome.reopened_at
        ).where(DifferOutcome.position_id.in_(ids))
    ):
        periods[outcome.position_id].append(
            core.DifferPeriod(outcome.published_at, outcome.reopened_at)
        )
    dissents: dict[int, list[core.DissentPeriod]] = {i: [] for i in ids}
    for dissent in session.execute(
        select(Dissent.position_id, Partner.name, Dissent.created_at, Dissent.retracted_at)
        .join(Partner, Partner.id == Dissent.partner_id)
        .where(Dissent.position_id.in_(ids))
    ):
        dissents[dissent.position_id].append(
            core.DissentPeriod(dissent.name, dissent.created_at, dissent.retracted_at)
        )
    histories = {}
    for row in rows:
        withdrawn = None
        if row.status == consensus.PositionStatus.WITHDRAWN:
            withdrawn = row.withdrawn_at or row.updated_at
        histories[row.id] = core.PositionHistory(
            row.id,
            row.area_id,
            tuple(publications[row.id]),
            tuple(periods[row.id]),
            withdrawn,
            tuple(dissents[row.id]),
        )
    return histories


def mandates_of(session: Session, user_ids: Iterable[int]) -> list[core.Mandate]:
    ids = sorted(set(user_ids))
    if not ids:
        return []
    rows = session.execute(
        select(Mandate).options(selectinload(Mandate.areas)).where(Mandate.user_id.in_(ids))
    ).scalars()
    return [as_core(m) for m in rows]


def as_core(mandate: Mandate) -> core.Mandate:
    return core.Mandate(
        mandate.user_id,
        frozenset(a.id for a in mandate.areas),
        mandate.starts_on,
        mandate.ends_on,
        mandate.id,
    )


def check_flags(
    session: Session, appearances: Sequence[Appearance], now: datetime | None = None
) -> list[Flag]:
    """Ask the rules which flags each appearance earns; raise new ones, clear stale ones.

    Also keeps, for each cited position, the revision published at the meeting's date.
    Returns the flags raised. A fixed number of queries, however many appearances.
    """
    appearances = list(appearances)
    if not appearances:
        return []
    now = now or utcnow()
    histories = position_histories(session, [c.position_id for a in appearances for c in a.cited])
    mandates = mandates_of(session, [a.speaker_id for a in appearances])
    existing: dict[int, dict[str, Flag]] = {a.id: {} for a in appearances}
    for flag in session.execute(
        select(Flag).where(Flag.appearance_id.in_([a.id for a in appearances]))
    ).scalars():
        existing[flag.appearance_id][flag.key] = flag
    for appearance in appearances:  # the collections are now known: no query per entry
        set_committed_value(
            appearance, "flags", sorted(existing[appearance.id].values(), key=lambda f: f.id)
        )
    raised: list[Flag] = []
    clock = clock_of(session)
    for appearance in appearances:
        meeting = appearance.meeting
        facts = core.AppearanceFacts(
            speaker_id=appearance.speaker_id,
            capacity=core.Capacity(appearance.capacity),
            starts_at=meeting.starts_at,
            day=clock.local_date(meeting.starts_at),
            meeting_area_ids=frozenset(a.id for a in meeting.areas),
            positions=tuple(histories[c.position_id] for c in appearance.cited),
        )
        moment = core.evaluation_moment(meeting.starts_at, now)
        for cited in appearance.cited:
            standing = core.standing_at(histories[cited.position_id], moment)
            cited.state = standing.state.value
            cited.revision_id = standing.publication.revision_id if standing.publication else None
        flags = existing[appearance.id]
        changes = core.reconcile(
            core.check_appearance(facts, mandates, now),
            [k for k, f in flags.items() if f.cleared_at is None and f.reviewed_at is None],
            [k for k, f in flags.items() if f.reviewed_at is not None],
        )
        for key in changes.clear:
            flags[key].cleared_at = now
        for finding in changes.raise_:
            key = core.flag_key(finding.kind, finding.subject)
            flag = flags.get(key)
            if flag is None:
                flag = Flag(kind=finding.kind.value, key=key)
                appearance.flags.append(flag)
            flag.position_id = finding.position_id
            flag.area_id = finding.area_id
            flag.detail = finding.detail[:300]
            flag.raised_at = now
            flag.cleared_at = None
            raised.append(flag)
        appearance.flags_checked_at = now
    session.flush()
    for flag in raised:
        audit.record(
            session,
            "flag.raise",
            actor_label="system",
            object_type="appearance",
            object_id=flag.appearance_id,
            details={"flag": flag.id, "kind": flag.kind, "key": flag.key, "detail": flag.detail},
        )
    notification_events.flags_raised(session, raised)
    return raised


def appearances_to_recheck(session: Session, now: datetime, limit: int = 500) -> list[int]:
    """Entries whose flags may have changed since they were checked: the meeting has happened
    since (it was judged on what stood beforehand), or a cited position was withdrawn after it."""
    withdrawn_since = (
        select(AppearancePosition.appearance_id)
        .join(Position, Position.id == AppearancePosition.position_id)
        .where(
            AppearancePosition.appearance_id == Appearance.id,
            Position.status == consensus.PositionStatus.WITHDRAWN,
            func.coalesce(Position.withdrawn_at, Position.updated_at) > Meeting.starts_at,
            ~exists().where(
                Flag.appearance_id == Appearance.id,
                Flag.position_id == AppearancePosition.position_id,
                Flag.kind == core.FlagKind.WITHDRAWN_LATER,
            ),
        )
    )
    query = (
        select(Appearance.id)
        .join(Meeting, Meeting.id == Appearance.meeting_id)
        .where(
            or_(
                and_(Appearance.flags_checked_at < Meeting.starts_at, Meeting.starts_at <= now),
                and_(Appearance.capacity == core.Capacity.ALLIANCE, exists(withdrawn_since)),
            )
        )
        .order_by(Appearance.id)
        .limit(limit)
    )
    return list(session.execute(query).scalars())


def _check_these(session: Session, ids, now: datetime | None = None) -> list[Flag]:
    """check_flags for the appearances `ids` selects (a list or a subquery)."""
    batch = session.execute(
        select(Appearance).options(selectinload(Appearance.cited)).where(Appearance.id.in_(ids))
    )
    return check_flags(session, list(batch.unique().scalars()), now)


def sync_flags(session: Session, now: datetime | None = None) -> int:
    """Check again every entry that needs it (see above). Returns how many flags were raised.

    Run on a timer (`flask --app wsgi flags sync`): meetings pass by themselves, and nothing
    else that changes a flag happens without rechecking it where it happens.
    """
    now = now or utcnow()
    raised = 0
    while ids := appearances_to_recheck(session, now):
        raised += len(_check_these(session, ids, now))
    return raised


def review_flag(session: Session, user: User, flag_id: int, note: str) -> Flag:
    """Mark a flag reviewed with a note. It stays in the history, with who and when."""
    if not roles.can_review_flags(user.actor):
        raise Forbidden("Only communications staff and admins review flags.")
    flag = session.get(Flag, flag_id)
    if flag is None:
        raise NotFound(f"There is no flag {flag_id}.")
    note = core.check_review_note(note if isinstance(note, str) else "")
    if flag.reviewed_at is not None:
        raise Conflict(
            f"This flag was already reviewed by {flag.reviewed_by.name} on "
            f"{clock_of(session).local_date(flag.reviewed_at):%-d %b %Y}.",
            code="already_reviewed",
        )
    flag.reviewed_at = utcnow()
    flag.reviewed_by_id = user.id
    flag.review_note = note
    session.flush()
    audit.record(
        session,
        "flag.review",
        actor=user,
        object_type="appearance",
        object_id=flag.appearance_id,
        details={"flag": flag.id, "kind": flag.kind, "note": note},
    )
    return flag


@signals.standing_changed.connect
def recheck_citing(
    _sender=None, *, session: Session, position_id: int, actor_id: int | None = None
) -> None:
    """A cited position was published, withdrawn or agreed to differ: the entries citing it
    are judged again now, in the same transaction, rather than when someone next reads the log."""
    citing = select(AppearancePosition.appearance_id).where(
        AppearancePosition.position_id == position_id
    )
    _check_these(session, citing)
