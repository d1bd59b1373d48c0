"""Reading the spokesperson log: filtered, paginated, in a fixed number of queries.

Signed-in people read everything. Without sign-in, only public meetings are shown, and only
where what was said cites a published alliance position; flags are never shown publicly.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from app.accounts.models import User
from app.alliance.models import Partner, PolicyArea
from app.alliance.settings import clock_of
from app.divergence.models import DifferOutcome
from app.drafting.models import Position, Publication, Revision
from app.extensions import utcnow
from app.meetings.models import (
    Appearance,
    AppearancePosition,
    Counterpart,
    Flag,
    Mandate,
    Meeting,
    Organisation,
    meeting_areas,
)
from app.meetings.services.appearances import as_core, get_appearance
from app.meetings.services.meetings import get_meeting, get_organisation
from app.web.pagination import Page, paginate, rows_by_id
from app.web.params import MAX_ID, is_number
from positions import consensus, roles
from positions import mandate as core
from positions import meetings as meeting_rules
from positions.clock import Clock, check_year
from positions.refusals import Forbidden, Invalid, NotFound

# ---- filters ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogFilters:
    speaker: int | None = None
    partner: str | None = None  # a partner's slug: spoke for it, or works for it
    capacity: str | None = None  # alliance | partner
    area: int | None = None
    position: int | None = None
    audience: int | None = None  # an organisation's id
    kind: str | None = None
    status: str | None = None  # the meeting's status
    date_from: date | None = None
    date_to: date | None = None
    flag: str | None = None  # flagged | unreviewed | reviewed | clean

    def args(self) -> dict[str, str]:
        """The filters as query arguments, for links to the next page or the CSV."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value not in (None, ""):
                out[f.name] = value.isoformat() if isinstance(value, date) else str(value)
        return out

    @property
    def any(self) -> bool:
        return bool(self.args())


def _int(args: Mapping, name: str) -> int | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if not is_number(value) or int(value) > MAX_ID:
        raise Invalid(f"The {name} filter takes a row number, not {value!r}.", field=name)
    return int(value)


def _day(args: Mapping, name: str) -> date | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise Invalid(
            f"The {name.replace('_', ' ')} filter takes a date such as 2026-03-31.", field=name
        ) from None
    check_year(day, name)  # 9999-12-31 has no next day to end the range at
    return day


def _one_of(args: Mapping, name: str, enum) -> str | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        return enum(value).value
    except ValueError:
        known = ", ".join(e.value for e in enum)
        raise Invalid(f"The {name} filter takes one of: {known}.", field=name) from None


def parse_filters(args: Mapping) -> LogFilters:
    """Filters from query arguments; a malformed one is refused with its name."""
    filters = LogFilters(
        speaker=_int(args, "speaker"),
        partner=(args.get("partner") or "").strip() or None,
        capacity=_one_of(args, "capacity", core.Capacity),
        area=_int(args, "area"),
        position=_int(args, "position"),
        audience=_int(args, "audience"),
        kind=_one_of(args, "kind", meeting_rules.MeetingKind),
        status=_one_of(args, "status", meeting_rules.MeetingStatus),
        date_from=_day(args, "date_from"),
        date_to=_day(args, "date_to"),
        flag=_one_of(args, "flag", core.FlagState),
    )
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise Invalid("The date range ends before it starts.", field="date_to")
    return filters


# ---- visibility ------------------------------------------------------------------------------


def _cites_published(appearance_id_column):
    return exists(
        select(AppearancePosition.appearance_id)
        .join(Position, Position.id == AppearancePosition.position_id)
        .where(AppearancePosition.appearance_id == appearance_id_column, Position.publicly_visible)
    )


def public_appearance():
    return and_(Meeting.public.is_(True), _cites_published(Appearance.id))


def public_meeting():
    return and_(
        Meeting.public.is_(True),
        exists(
            select(Appearance.id).where(
                Appearance.meeting_id == Meeting.id, _cites_published(Appearance.id)
            )
        ),
    )


def shown_positions(appearance: Appearance, viewer: User | None) -> list[AppearancePosition]:
    """The positions shown with an entry: all when signed in, only published ones otherwise."""
    if viewer is not None:
        return list(appearance.cited)
    return [c for c in appearance.cited if c.position.publicly_visible]


# ---- the log ---------------------------------------------------------------------------------


def _open_flag(*where):
    return exists(
        select(Flag.id).where(
            Flag.appearance_id == Appearance.id, Flag.cleared_at.is_(None), *where
        )
    )


def _filtered(query, filters: LogFilters, clock: Clock, *, log: bool):
    """Apply the filters to a query over Meeting (and Appearance, when `log`).

    A date filter means days in the alliance's zone.
    """
    if filters.kind:
        query = query.where(Meeting.kind == filters.kind)
    if filters.status:
        query = query.where(Meeting.status == filters.status)
    if filters.date_from:
        query = query.where(Meeting.starts_at >= clock.day_start(filters.date_from))
    if filters.date_to:
        query = query.where(
            Meeting.starts_at < clock.day_start(filters.date_to + timedelta(days=1))
        )
    if filters.audience:
        query = query.where(
            exists(
                select(Counterpart.id).where(
                    Counterpart.meeting_id == Meeting.id,
                    Counterpart.organisation_id == filters.audience,
                )
            )
        )
    in_area = (
        exists(
            select(meeting_areas.c.meeting_id).where(
                meeting_areas.c.meeting_id == Meeting.id, meeting_areas.c.area_id == filters.area
            )
        )
        if filters.area
        else None
    )
    if log:
        if filters.speaker:
            query = query.where(Appearance.speaker_id == filters.speaker)
        if filters.partner:
            partner_id = select(Partner.id).where(Partner.slug == filters.partner).scalar_subquery()
            query = query.where(
                or_(
                    Appearance.partner_id == partner_id, Appearance.speaker_partner_id == partner_id
                )
            )
        if filters.capacity:
            query = query.where(Appearance.capacity == filters.capacity)
        if filters.position:
            query = query.where(
                exists(
                    select(AppearancePosition.appearance_id).where(
                        AppearancePosition.appearance_id == Appearance.id,
                        AppearancePosition.position_id == filters.position,
                    )
                )
            )
        if in_area is not None:
            cites_area = exists(
                select(AppearancePosition.appearance_id)
                .join(Position, Position.id == AppearancePosition.position_id)
                .where(
                    AppearancePosition.appearance_id == Appearance.id,
                    Position.area_id == filters.area,
                )
            )
            query = query.where(or_(in_area, cites_area))
        if filters.flag == core.FlagState.FLAGGED:
            query = query.where(_open_flag())
        elif filters.flag == core.FlagState.UNREVIEWED:
            query = query.where(_open_flag(Flag.reviewed_at.is_(None)))
        elif filters.flag == core.FlagState.REVIEWED:
            query = query.where(_open_flag(), ~_open_flag(Flag.reviewed_at.is_(None)))
        elif filters.flag == core.FlagState.CLEAN:
            query = query.where(~_open_flag())
    else:
        if in_area is not None:
            query = query.where(in_area)
        if filters.speaker or filters.partner or filters.position or filters.capacity:
            sub = select(Appearance.id).where(Appearance.meeting_id == Meeting.id)
            if filters.speaker:
                sub = sub.where(Appearance.speaker_id == filters.speaker)
            if filters.capacity:
                sub = sub.where(Appearance.capacity == filters.capacity)
            if filters.partner:
                partner_id = (
                    select(Partner.id).where(Partner.slug == filters.partner).scalar_subquery()
                )
                sub = sub.where(
                    or_(
                        Appearance.partner_id == partner_id,
                        Appearance.speaker_partner_id == partner_id,
                    )
                )
            if filters.position:
                sub = sub.where(
                    exists(
                        select(AppearancePosition.appearance_id).where(
                            AppearancePosition.appearance_id == Appearance.id,
                            AppearancePosition.position_id == filters.position,
                        )
                    )
                )
            query = query.where(exists(sub))
    return query


def _upcoming_first(now: datetime):
    """Upcoming meetings first (soonest first), then the rest, newest first."""
    upcoming = Meeting.starts_at >= now
    return (
        case((upcoming, 0), else_=1),
        case((upcoming, Meeting.starts_at), else_=None).asc(),
        Meeting.starts_at.desc(),
        Meeting.id.desc(),
    )


def log_query(viewer: User | None, filters: LogFilters, clock: Clock):
    query = select(Appearance).join(Meeting, Meeting.id == Appearance.meeting_id)
    if viewer is None:
        query = query.where(public_appearance())
        filters = LogFilters(**{**filters.__dict__, "flag": None})
    return _filtered(query, filters, clock, log=True).order_by(
        *_upcoming_first(clock.now()), Appearance.id
    )


# A cited position comes with its published revision, in the same statement: signed out, the log
# shows that revision's title (Position.public_title), never a later draft's.
_CITED = (
    selectinload(Appearance.cited)
    .joinedload(AppearancePosition.position)
    .joinedload(Position.publication)
    .joinedload(Publication.revision)
)


def _with_details(query):
    return query.options(_CITED, selectinload(Appearance.flags))


def log_page(
    session: Session,
    viewer: User | None,
    filters: LogFilters,
    *,
    page: int = 1,
    per_page: int = 25,
) -> Page:
    ids = log_query(viewer, filters, clock_of(session)).with_only_columns(Appearance.id)
    load = rows_by_id(session, _with_details(select(Appearance)))
    return paginate(session, ids, load, page=page, per_page=per_page)


def log_batches(session: Session, viewer: User | None, filters: LogFilters, size: int = 500):
    """Every appearance the filters select, in batches, for an export."""
    query = _with_details(log_query(viewer, filters, clock_of(session)))
    offset = 0
    while True:
        batch = list(session.execute(query.offset(offset).limit(size)).unique().scalars())
        if not batch:
            return
        yield batch
        offset += size


# ---- meetings --------------------------------------------------------------------------------


def meetings_query(viewer: User | None, filters: LogFilters, clock: Clock):
    query = select(Meeting)
    if viewer is None:
        query = query.where(public_meeting())
    return _filtered(query, filters, clock, log=False).order_by(*_upcoming_first(clock.now()))


def meetings_page(
    session: Session,
    viewer: User | None,
    filters: LogFilters,
    *,
    page: int = 1,
    per_page: int = 25,
) -> Page:
    ids = meetings_query(viewer, filters, clock_of(session)).with_only_columns(Meeting.id)
    loaded = select(Meeting).options(
        selectinload(Meeting.appearances).options(_CITED),
        selectinload(Meeting.appearances).selectinload(Appearance.flags),
    )
    load = rows_by_id(session, loaded)
    return paginate(session, ids, load, page=page, per_page=per_page)


def upcoming_meetings(session: Session, viewer: User | None, since: datetime) -> list[Meeting]:
    """Meetings from `since` on, soonest first, cancelled ones included (they say so)."""
    query = select(Meeting).where(Meeting.starts_at >= since)
    if viewer is None:
        query = query.where(public_meeting())
    return list(
        session.execute(
            query.options(selectinload(Meeting.appearances)).order_by(Meeting.starts_at, Meeting.id)
        )
        .unique()
        .scalars()
    )


@dataclass(frozen=True)
class MeetingView:
    meeting: Meeting
    appearances: list[Appearance]
    may_manage: bool
    may_record: bool  # may record at least their own appearance
    upcoming: bool


def meeting_view(session: Session, viewer: User | None, meeting_id: int) -> MeetingView:
    meeting = get_meeting(session, meeting_id)
    query = (
        _with_details(select(Appearance))
        .join(Meeting, Meeting.id == Appearance.meeting_id)
        .where(Appearance.meeting_id == meeting.id)
        .order_by(Appearance.id)
    )
    if viewer is None:
        query = query.where(public_appearance())
    appearances = list(session.execute(query).unique().scalars())
    if viewer is None and not appearances:
        raise NotFound(f"There is no public record of meeting {meeting_id}.")
    may_manage = viewer is not None and roles.can_manage_meetings(viewer.actor)
    return MeetingView(
        meeting,
        appearances,
        may_manage,
        viewer is not None and meeting.status != meeting_rules.MeetingStatus.CANCELLED,
        meeting_rules.is_upcoming(meeting.starts_at, meeting.ends_at, utcnow()),
    )


def appearance_for_edit(session: Session, viewer: User, appearance_id: int) -> Appearance:
    appearance = get_appearance(session, appearance_id)
    if not roles.can_record_appearance(viewer.actor, appearance.speaker_id):
        raise Forbidden("Only the speaker, communications staff and admins edit this entry.")
    return appearance


# ---- audiences -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AudienceRow:
    organisation: Organisation
    meetings: int
    last: datetime | None


def audiences(session: Session, viewer: User | None) -> list[AudienceRow]:
    """Every counterpart organisation with how many meetings the alliance had with it."""
    query = (
        select(Organisation, func.count(func.distinct(Meeting.id)), func.max(Meeting.starts_at))
        .join(Counterpart, Counterpart.organisation_id == Organisation.id)
        .join(Meeting, Meeting.id == Counterpart.meeting_id)
        .group_by(Organisation.id)
        .order_by(Organisation.name)
    )
    if viewer is None:
        query = query.where(public_meeting())
    rows = []
    for org, count, last in session.execute(query):
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=UTC)
        rows.append(AudienceRow(org, count, last))
    return rows


def audience(session: Session, organisation_id: int) -> Organisation:
    return get_organisation(session, organisation_id)


# ---- flags -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewQueue:
    open: list[Flag]  # the first OPEN_SHOWN, oldest meeting first
    open_total: int
    reviewed: Page


OPEN_SHOWN = 50


def review_queue(
    session: Session, viewer: User, *, page: int = 1, per_page: int = 25
) -> ReviewQueue:
    """Unreviewed flags, oldest meeting first; then the reviewed ones, newest review first."""
    if not roles.can_review_flags(viewer.actor):
        raise Forbidden("Only communications staff and admins review flags.")
    base = (
        select(Flag)
        .join(Appearance, Appearance.id == Flag.appearance_id)
        .join(Meeting, Meeting.id == Appearance.meeting_id)
        .where(Flag.cleared_at.is_(None))
        .options(selectinload(Flag.appearance).selectinload(Appearance.cited))
    )
    open_query = base.where(Flag.reviewed_at.is_(None))
    open_total = session.execute(
        select(func.count()).select_from(open_query.subquery())
    ).scalar_one()
    open_flags = list(
        session.execute(open_query.order_by(Meeting.starts_at, Flag.id).limit(OPEN_SHOWN))
        .unique()
        .scalars()
    )
    reviewed_ids = (
        select(Flag.id)
        .where(Flag.cleared_at.is_(None), Flag.reviewed_at.is_not(None))
        .order_by(Flag.reviewed_at.desc(), Flag.id.desc())
    )
    load = rows_by_id(
        session, select(Flag).options(selectinload(Flag.appearance).selectinload(Appearance.cited))
    )
    reviewed = paginate(session, reviewed_ids, load, page=page, per_page=per_page)
    return ReviewQueue(open_flags, open_total, reviewed)


@dataclass(frozen=True)
class Briefing:
    meeting: Meeting
    published: list[Position]  # the alliance line, with its published revision
    differ: list[tuple[Position, list]]  # agreed to differ: each partner's own statement
    unsettled: list[Position]  # no alliance line yet
    mandates: list[Mandate]  # in force on the meeting's date for its areas
    speakers: list[Appearance]


def briefing(session: Session, viewer: User, meeting_id: int) -> Briefing:
    meeting = get_meeting(session, meeting_id)
    area_ids = [a.id for a in meeting.areas]
    day = clock_of(session).local_date(meeting.starts_at)
    positions = (
        list(
            session.execute(
                select(Position)
                .options(
                    selectinload(Position.publication).selectinload(Publication.revision),
                    selectinload(Position.area),
                )
                .where(
                    Position.area_id.in_(area_ids),
                    Position.status.not_in(consensus.RETIRED_STATUSES),
                )
                .order_by(Position.title)
            ).scalars()
        )
        if area_ids
        else []
    )
    differ_ids = [p.id for p in positions if p.status == consensus.PositionStatus.DIFFER]
    statements: dict[int, list] = {pid: [] for pid in differ_ids}
    if differ_ids:
        for outcome in session.execute(
            select(DifferOutcome)
            .where(DifferOutcome.position_id.in_(differ_ids), DifferOutcome.reopened_at.is_(None))
            .order_by(DifferOutcome.id)
        ).scalars():
            statements[outcome.position_id] = outcome.statements_in_order
    published = [
        p
        for p in positions
        if p.publication_id is not None and p.status != consensus.PositionStatus.DIFFER
    ]
    differ = [(p, statements[p.id]) for p in positions if p.id in statements]
    unsettled = [p for p in positions if p not in published and p.id not in statements]
    mandates = []
    if area_ids:
        # Only mandates touching these areas are loaded; the rules choose those in force.
        rows = {
            m.id: m
            for m in session.execute(
                select(Mandate)
                .options(selectinload(Mandate.areas))
                .join(Mandate.areas)
                .where(PolicyArea.id.in_(area_ids))
            )
            .unique()
            .scalars()
        }
        chosen = core.mandates_for((as_core(m) for m in rows.values()), area_ids, day)
        mandates = sorted((rows[m.id] for m in chosen), key=lambda m: m.user.name.casefold())
    speakers = list(
        session.execute(
            select(Appearance).where(Appearance.meeting_id == meeting.id).order_by(Appearance.id)
        )
        .unique()
        .scalars()
    )
    return Briefing(meeting, published, differ, unsettled, mandates, speakers)


# ---- choices for the filter forms ------------------------------------------------------------


@dataclass(frozen=True)
class Choices:
    speakers: list[User]
    partners: list[Partner]
    areas: list[PolicyArea]
    positions: list[tuple[int, str]]
    audiences: list[tuple[int, str]]


def filter_choices(
    session: Session, viewer: User | None, position_search: str = "", chosen: int | None = None
) -> Choices:
    """What the filter menus offer: people who have spoken, partners in neutral order, ...

    Positions are searched, not listed: the one chosen, and at most PICKER_LIMIT whose title
    contains `position_search` (the first by title when there is none).
    """
    spoke = select(Appearance.speaker_id)
    met = select(Counterpart.organisation_id)
    if viewer is None:  # nothing from an internal record may show, not even in a menu
        spoke = spoke.join(Meeting, Meeting.id == Appearance.meeting_id).where(public_appearance())
        met = met.join(Meeting, Meeting.id == Counterpart.meeting_id).where(public_meeting())
    speakers = list(
        session.execute(
            select(User).where(User.id.in_(spoke.distinct())).order_by(User.name)
        ).scalars()
    )
    partners = consensus.neutral_order(session.execute(select(Partner)).scalars())
    areas = list(session.execute(select(PolicyArea).order_by(PolicyArea.name)).scalars())
    title = Position.title
    position_query = select(Position.id, Position.title)
    if viewer is None:  # the published revision's title: a draft's new title is not public yet
        title = Revision.title
        position_query = (
            select(Position.id, Revision.title)
            .join(Publication, Publication.id == Position.publication_id)
            .join(Revision, Revision.id == Publication.revision_id)
            .where(Position.publicly_visible)
        )
    matching = position_query.order_by(title).limit(PICKER_LIMIT)
    if position_search:
        matching = matching.where(title.ilike(_containing(position_search), escape="\\"))
    positions = [(pid, text) for pid, text in session.execute(matching)]
    if chosen is not None and chosen not in {pid for pid, _ in positions}:
        held = session.execute(position_query.where(Position.id == chosen)).first()
        positions = [(held[0], held[1]), *positions] if held else positions
    audiences = [
        (oid, name)
        for oid, name in session.execute(
            select(Organisation.id, Organisation.name)
            .where(Organisation.id.in_(met.distinct()))
            .order_by(Organisation.name)
        )
    ]
    return Choices(speakers, partners, areas, positions, audiences)


def speakers_for_form(session: Session) -> list[User]:
    return list(
        session.execute(select(User).where(User.active.is_(True)).order_by(User.name)).scalars()
    )


def _containing(words: str) -> str:
    """A LIKE pattern for text containing `words` literally: % and _ typed are not wildcards."""
    literal = words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{literal}%"


PICKER_LIMIT = 20  # matches offered at once: a picker, not a list of every position


def positions_for_form(
    session: Session, search: str = "", chosen: Iterable[int] = ()
) -> tuple[list[Position], list[Position]]:
    """The positions already chosen, and at most PICKER_LIMIT others matching `search` (the most
    recent when there is none), so the form stays small however many positions there are."""
    chosen_ids = sorted(set(chosen))
    base = (
        select(Position)
        .options(selectinload(Position.area))
        .where(Position.status != consensus.PositionStatus.ARCHIVED)
    )
    picked = list(
        session.execute(base.where(Position.id.in_(chosen_ids)).order_by(Position.title)).scalars()
    )
    matches = base.where(Position.id.not_in(chosen_ids)) if chosen_ids else base
    words = search.strip()
    if words:
        matches = matches.where(Position.title.ilike(_containing(words), escape="\\"))
        matches = matches.order_by(Position.title)
    else:
        matches = matches.order_by(Position.id.desc())
    found = list(session.execute(matches.limit(PICKER_LIMIT)).scalars())
    return picked, found


def active_partners(session: Session, day: date) -> list[Partner]:
    """The partners someone may speak for on `day`, in neutral order."""
    rows = session.execute(select(Partner)).scalars()
    return consensus.neutral_order(p for p in rows if consensus.is_member_on(p.as_core(), day))
