"""A demo alliance with positions in every state, built through the real services."""

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.accounts import services as accounts
from app.accounts.models import User
from app.alliance.models import Partner, PolicyArea
from app.alliance.settings import calendar_of, clock_of
from app.demo import meetings as season_of_meetings
from app.deputies import services as deputations
from app.divergence.services import amendments, differ, stances
from app.drafting.models import Publication, Revision, SignOff
from app.drafting.services import consensus, cycle, lifecycle
from app.drafting.services import editing as drafting
from app.figures.models import SignoffCycle
from positions.cycle_figures import months_before

DEMO_PASSWORD = "concord-demo"

PARTNERS = [
    ("Harbourside Tenants Federation", "harbourside", "Hana Okafor", "Tom Reyes"),
    ("Moorland Villages Network", "moorland", "Mei Lin", "Ravi Patel"),
    ("Riverbank Community Trust", "riverbank", "Rosa Almeida", "Sam Whitfield"),
]
AREAS = [
    ("Community asset transfer", "community-asset-transfer"),
    ("Housing", "housing"),
    ("Transport", "transport"),
    ("Youth services", "youth-services"),
]


class NotEmpty(Exception):
    pass


def _body(topic: str, *points: str) -> str:
    lines = [f"The alliance's view on {topic}.", "", "## What we ask for", ""]
    lines += [f"{i}. {point}" for i, point in enumerate(points, 1)]
    lines += [
        "",
        "## Why",
        "",
        f"Our members rely on {topic} every day. *Evidence*: see the "
        "[annual survey](https://example.org/survey).",
    ]
    return "\n".join(lines)


def load(session: Session) -> None:
    """Create the demo; refuse on a database that already has people in it."""
    if session.execute(select(func.count()).select_from(User)).scalar_one():
        raise NotEmpty("The database already has data; the demo loads only into an empty one.")
    for name, slug in AREAS:
        session.add(PolicyArea(name=name, slug=slug))
    chiefs, officers = {}, {}
    for name, slug, _, _ in PARTNERS:
        session.add(Partner(name=name, slug=slug, active=True, joined_on=date(2020, 1, 1)))
    session.flush()
    logins = []

    def person(email, name, roles, partner=None):
        user = accounts.create_user(
            session,
            email=email,
            name=name,
            password=DEMO_PASSWORD,
            roles=roles,
            partner_slug=partner,
        )
        logins.append(f"{email:32} {', '.join(roles):28} {user.affiliation}")
        return user

    person("admin@alliance.example", "Alex Morgan", ["admin"])
    person("comms@alliance.example", "Jo Bennett", ["comms"])
    for _, slug, chief, officer in PARTNERS:
        chiefs[slug] = person(f"chief@{slug}.example", chief, ["chief_officer"], slug)
        officers[slug] = person(f"policy@{slug}.example", officer, ["policy_officer"], slug)
    drafter = officers["harbourside"]

    def position(title, area, *points):
        return drafting.create_position(
            session, drafter, title=title, area=area, body=_body(title.lower(), *points)
        )

    def approve(pos, *slugs):
        for slug in slugs:
            consensus.sign_off(
                session,
                chiefs[slug],
                pos.id,
                revision_number=pos.current_revision.number,
                decision="approve",
            )

    def revise(pos, author, old, new, note):
        rev = pos.current_revision
        drafting.save_revision(
            session,
            author,
            pos.id,
            title=rev.title,
            body=rev.body.replace(old, new),
            base_number=rev.number,
            note=note,
        )

    everyone = [slug for _, slug, _, _ in PARTNERS]

    position(
        "Community right to bid",
        "community-asset-transfer",
        "A six-month moratorium on sales of listed assets.",
        "Funding for community groups to prepare bids.",
    )

    partly = position(
        "Bus routes for rural villages",
        "transport",
        "Guaranteed hourly buses to every village of 500 people or more.",
        "Fare caps for under-25s.",
    )
    approve(partly, "moorland")

    stale = position(
        "Empty homes back into use",
        "housing",
        "Councils may lease homes empty for over two years.",
        "A national fund for renovation loans.",
    )
    approve(stale, *everyone)
    revise(
        stale,
        officers["riverbank"],
        "over two years",
        "over eighteen months",
        "Shorter threshold, as discussed at the housing group",
    )
    approve(stale, "riverbank")

    objected = position(
        "Youth club funding formula",
        "youth-services",
        "Ring-fenced funding per young person.",
        "A minimum of one open-access club per ward.",
    )
    approve(objected, "harbourside")
    consensus.sign_off(
        session,
        chiefs["moorland"],
        objected.id,
        revision_number=1,
        decision="object",
        comment="Per-ward minimums do not work for dispersed rural areas.",
    )

    agreed = position(
        "Tenant voice on housing boards",
        "housing",
        "Two elected tenant seats on every housing association board.",
    )
    approve(agreed, *everyone)

    published = position(
        "Community asset transfer: a fair process",
        "community-asset-transfer",
        "A clear, published timetable for every transfer request.",
        "An independent appeal when a request is refused.",
    )
    revise(
        published,
        officers["moorland"],
        "independent appeal",
        "independent, free appeal",
        "Appeals must not cost community groups anything",
    )
    approve(published, *everyone)
    consensus.publish(session, chiefs["riverbank"], published.id, revision_number=2)

    redraft = position(
        "Safe routes to school",
        "transport",
        "20 mph limits outside every school.",
        "Funding for crossing patrols.",
    )
    approve(redraft, *everyone)
    consensus.publish(session, chiefs["harbourside"], redraft.id, revision_number=1)
    revise(
        redraft,
        officers["moorland"],
        "Funding for crossing patrols.",
        "Funding for crossing patrols and safe cycle storage.",
        "Add cycle storage",
    )
    approve(redraft, "moorland")

    _divergence(session, chiefs, officers, stale, objected, agreed, partly, published)
    _signoff_cycle(session, chiefs, officers, partly, stale, objected, redraft)
    _cycle_history(session, chiefs, officers, chiefs["harbourside"])
    season_of_meetings.load(session)  # the spokesperson log


def _signoff_cycle(session, chiefs, officers, partly, stale, objected, redraft) -> None:
    """Positions up for sign-off with deadlines (one overdue, one due soon), a draft that is not,
    and a deputy signing for Riverbank while its chief officer is away."""
    clock, calendar = clock_of(session), calendar_of(session)
    today = clock.today()
    drafter = officers["harbourside"]
    cycle.mark_ready(
        session,
        drafter,
        partly.id,
        note="Moorland has approved; the amendments are settled.",
        external_deadline=today + timedelta(days=30),
        external_label="Rural transport consultation closes",
    )
    cycle.mark_ready(session, drafter, objected.id)
    cycle.mark_ready(session, drafter, redraft.id, decision_due=calendar.add_working_days(today, 1))
    cycle.mark_ready(session, drafter, stale.id, note="Only the threshold changed.")
    # Overdue: as if marked ready three weeks ago (the demo has no past in which to have done
    # it, and a deadline cannot be set in the past).
    stale.ready_at = clock.now() - timedelta(days=21)
    stale.decision_due = calendar.add_working_days(today - timedelta(days=21), 10)
    session.execute(
        update(SignoffCycle)
        .where(SignoffCycle.position_id == stale.id)
        .values(started_at=stale.ready_at)
    )
    # Its revisions and decisions came before it was marked ready (sign-offs and revisions are
    # immutable to the app; the seed moves them back with plain UPDATE statements).
    earlier = stale.ready_at - timedelta(days=3)
    for table in (Revision, SignOff):
        ids = session.execute(
            select(table.id).where(table.position_id == stale.id).order_by(table.id)
        ).scalars()
        for n, row_id in enumerate(ids):
            session.execute(
                update(table)
                .where(table.id == row_id)
                .values(created_at=earlier + timedelta(hours=n))
            )
    deputations.name_deputy(
        session,
        chiefs["riverbank"],
        partner_id=officers["riverbank"].partner_id,
        deputy_id=officers["riverbank"].id,
        starts_on=today,
        ends_on=today + timedelta(days=14),
    )


def _divergence(session, chiefs, officers, stale, objected, agreed, partly, published) -> None:
    """Stances, amendments, an agree-to-differ outcome and a review date, so the board lives."""

    def stance(pos, slug, view, why):
        stances.set_stance(session, officers[slug], pos.id, slug, view=view, rationale=why)

    for slug in ("harbourside", "moorland", "riverbank"):
        stance(agreed, slug, "support", "Tenants must be heard where decisions are made.")
    stance(stale, "harbourside", "support", "Empty homes are a waste we cannot afford.")
    stance(stale, "moorland", "reservations", "Eighteen months is short for probate cases.")
    stance(objected, "harbourside", "support", "Every ward needs a club.")
    stance(objected, "moorland", "oppose", "Per-ward minimums fail dispersed rural areas.")
    stance(objected, "riverbank", "undecided", "Waiting for our members' survey.")
    stance(partly, "moorland", "support", "Our villages depend on buses.")
    stance(partly, "riverbank", "reservations", "The fare cap should cover everyone on benefits.")

    rev = partly.current_revision
    amendments.propose(
        session,
        officers["riverbank"],
        partly.id,
        base_number=rev.number,
        body=rev.body.replace(
            "Fare caps for under-25s.", "Fare caps for under-25s and everyone on benefits."
        ),
        reason="Low-income adults rely on rural buses too.",
    )
    amendments.propose(
        session,
        officers["moorland"],
        partly.id,
        base_number=rev.number,
        body=rev.body.replace("hourly", "half-hourly"),
        reason="Hourly is not enough for shift workers.",
    )
    amendments.decline(
        session,
        officers["harbourside"],
        partly.id,
        2,
        reason="Not affordable within the current settlement.",
    )

    differ_pos = drafting.create_position(
        session,
        officers["moorland"],
        title="Second homes council tax premium",
        area="housing",
        body=_body("second homes", "A 200% council tax premium on second homes."),
    )
    for slug, view, statement in (
        ("harbourside", "support", "Harbourside backs a full premium to free up homes."),
        ("moorland", "oppose", "Moorland opposes: holiday lets sustain village economies."),
        ("riverbank", "reservations", "Riverbank supports a premium only with local exemptions."),
    ):
        stance(differ_pos, slug, view, statement)
        differ.write_statement(session, officers[slug], differ_pos.id, text=statement)
    for slug in ("harbourside", "moorland", "riverbank"):
        differ.confirm(session, chiefs[slug], differ_pos.id)

    lifecycle.set_review_date(session, officers["riverbank"], published.id, date(2025, 6, 30))


def present(session: Session) -> bool:
    """Whether the demo's people are in this database (loaded now or on an earlier run)."""
    from app.accounts.services import find_by_email

    return find_by_email(session, "admin@alliance.example") is not None


def login_lines() -> list[str]:
    """The demo's sign-ins, for `make run` to print."""
    lines = [
        f"{'admin@alliance.example':30} admin (programme director)",
        f"{'comms@alliance.example':30} comms (alliance communications)",
    ]
    for name, slug, _, _ in PARTNERS:
        lines.append(f"{'chief@' + slug + '.example':30} chief officer, {name}")
        lines.append(f"{'policy@' + slug + '.example':30} policy officer, {name}")
    return lines


# Positions published over the past year, for the cycle figures: how many months ago each was
# marked ready, and the working days each partner took to approve (alphabetically: Harbourside,
# Moorland, Riverbank).
HISTORY = [
    ("Warm homes standard for private lets", "housing", 11, (3, 5, 4)),
    ("Concessionary fares after 9:30", "transport", 10, (2, 2, 6)),
    ("Libraries as community hubs", "community-asset-transfer", 8, (1, 3, 2)),
    ("Detached youth work in every district", "youth-services", 7, (4, 9, 7)),
    ("Social rent as the default tenure", "housing", 5, (2, 4, 3)),
    ("Demand-responsive buses", "transport", 4, (5, 3, 6)),
    ("Pubs as assets of community value", "community-asset-transfer", 2, (1, 2, 2)),
    ("Holiday activities and food", "youth-services", 1, (2, 3, 1)),
]


def _cycle_history(session, chiefs, officers, publisher) -> None:
    """Each historical position goes through the real services (ready, three approvals,
    publication), then its records are moved back to when it happened: the demo has no past
    in which to have done it. The audit chain keeps the moment the demo was loaded."""
    clock, calendar = clock_of(session), calendar_of(session)
    today = clock.today()
    drafter = officers["moorland"]

    def moment(day: date, hour: int) -> datetime:
        return clock.to_utc(datetime.combine(day, time(hour)))

    for title, area, months_ago, days_to_each in HISTORY:
        position = drafting.create_position(
            session,
            drafter,
            title=title,
            area=area,
            body=_body(title.lower(), "Agreed by every partner of the alliance."),
        )
        cycle.mark_ready(session, drafter, position.id)
        for _, slug, _, _ in PARTNERS:
            consensus.sign_off(
                session, chiefs[slug], position.id, revision_number=1, decision="approve"
            )
        publication = consensus.publish(session, publisher, position.id, revision_number=1)
        ready_day = calendar.add_working_days(months_before(today, months_ago), 1)
        started = moment(ready_day, 10)
        decided = {
            chiefs[slug].partner_id: moment(calendar.add_working_days(ready_day, days), 15)
            for (_, slug, _, _), days in zip(PARTNERS, days_to_each, strict=True)
        }
        unanimous = max(decided.values())
        published = unanimous + timedelta(hours=2)
        # Sign-offs, revisions and publications are immutable to the app (mapper events refuse
        # an ORM change); the demo's seed moves them back with plain UPDATE statements.
        for partner_id, at in decided.items():
            session.execute(
                update(SignOff)
                .where(SignOff.position_id == position.id, SignOff.partner_id == partner_id)
                .values(created_at=at)
            )
        session.execute(
            update(SignoffCycle)
            .where(SignoffCycle.position_id == position.id)
            .values(started_at=started, unanimous_at=unanimous, ended_at=published)
        )
        session.execute(
            update(Publication)
            .where(Publication.id == publication.id)
            .values(published_at=published)
        )
        session.execute(
            update(Revision)
            .where(Revision.position_id == position.id)
            .values(created_at=started - timedelta(days=7))
        )
        position.created_at = started - timedelta(days=7)
        position.updated_at = published
    _deciding_now(session, chiefs, drafter, moment)


def _deciding_now(session, chiefs, drafter, moment) -> None:
    """Up for sign-off since six working days ago: Harbourside approved the next day, Moorland
    objected two days later, Riverbank has yet to decide (its timeline has something to show)."""
    calendar, today = calendar_of(session), clock_of(session).today()
    position = drafting.create_position(
        session,
        drafter,
        title="Community energy schemes",
        area="housing",
        body=_body("community energy", "Grid access for community-owned solar and wind."),
    )
    cycle.mark_ready(
        session, drafter, position.id, decision_due=calendar.add_working_days(today, 4)
    )
    harbourside = consensus.sign_off(
        session, chiefs["harbourside"], position.id, revision_number=1, decision="approve"
    )
    moorland = consensus.sign_off(
        session,
        chiefs["moorland"],
        position.id,
        revision_number=1,
        decision="object",
        comment="Grid access alone will not help villages without a connection.",
    )
    ready_day, back = today, 0
    while back < 6:  # six working days ago
        ready_day -= timedelta(days=1)
        back += calendar.is_working_day(ready_day)
    position.ready_at = moment(ready_day, 11)
    session.execute(
        update(SignoffCycle)
        .where(SignoffCycle.position_id == position.id)
        .values(started_at=position.ready_at)
    )
    for signoff, days in ((harbourside, 1), (moorland, 3)):
        session.execute(
            update(SignOff)
            .where(SignOff.id == signoff.id)
            .values(created_at=moment(calendar.add_working_days(ready_day, days), 16))
        )
    session.execute(
        update(Revision)
        .where(Revision.position_id == position.id)
        .values(created_at=position.ready_at - timedelta(days=2))
    )
