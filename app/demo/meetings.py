"""The demo's spokesperson log: a season of meetings around today, built through the services.

Past meetings happened before the demo's positions were published (they are published when the
demo loads), so an alliance appearance there that cites a position is truthfully flagged; some
of those flags are reviewed, some wait in the queue. Meetings ahead cite the published texts.
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.accounts.models import User
from app.alliance.models import PolicyArea
from app.alliance.settings import clock_of
from app.drafting.models import Position
from app.meetings.services import appearances, mandates
from app.meetings.services.meetings import (
    CounterpartInput,
    MeetingInput,
    add_alias,
    create_meeting,
    meeting_input,
    update_meeting,
)


def load(session: Session) -> None:
    people = {u.email: u for u in session.execute(select(User)).scalars()}
    areas = {a.slug: a.id for a in session.execute(select(PolicyArea)).scalars()}
    positions = {p.title: p.id for p in session.execute(select(Position)).scalars()}
    admin = people["admin@alliance.example"]
    comms = people["comms@alliance.example"]
    hana = people["chief@harbourside.example"]
    mei = people["chief@moorland.example"]
    ravi = people["policy@moorland.example"]
    rosa = people["chief@riverbank.example"]
    sam = people["policy@riverbank.example"]
    clock = clock_of(session)
    today = clock.today()

    def day(offset: int, hour: int = 10, minute: int = 0) -> datetime:
        """A wall-clock time in the alliance's zone, `offset` days from today."""
        wall = datetime.combine(today + timedelta(days=offset), time(hour, minute))
        return wall.replace(tzinfo=clock.zone)

    def mandate(user: User, slugs: list[str], starts: date, ends: date | None, note: str):
        mandates.grant_mandate(
            session,
            admin,
            user=user.id,
            areas=[areas[s] for s in slugs],
            starts_on=starts,
            ends_on=ends,
            note=note,
        )

    mandate(
        hana,
        ["housing", "community-asset-transfer"],
        today - timedelta(days=365),
        None,
        "Alliance lead on housing and community assets",
    )
    mandate(rosa, ["transport", "youth-services"], today - timedelta(days=200), None, "")
    mandate(
        mei,
        ["transport"],
        today - timedelta(days=400),
        today - timedelta(days=70),
        "Covered transport while Riverbank's chief was on leave",
    )

    def meeting(title, offset, kind, slugs, audience, *, public=False, hours=(10, 11), **extra):
        return create_meeting(
            session,
            comms,
            MeetingInput(
                title=title,
                starts_at=day(offset, hours[0]),
                ends_at=day(offset, hours[1]) if hours[1] else None,
                kind=kind,
                areas=[areas[s] for s in slugs],
                public=public,
                counterparts=[CounterpartInput(*row) for row in audience],
                status="held" if offset < 0 else "planned",
                **extra,
            ),
        )

    def spoke(recorder, at, speaker, capacity, titles=(), summary="", follow_up=""):
        return appearances.record_appearance(
            session,
            recorder,
            at.id,
            speaker=speaker.id,
            capacity=capacity,
            positions=[positions[t] for t in titles],
            summary=summary,
            follow_up=follow_up,
        )

    def review(appearance, note, title=None):
        for flag in list(appearance.flags):
            if title is None or flag.position_id == positions[title]:
                appearances.review_flag(session, comms, flag.id, note)

    # ---- the season behind us ----
    evidence = meeting(
        "Housing select committee: evidence session",
        -75,
        "parliamentary_evidence",
        ["housing"],
        [
            ("Housing, Communities and Local Government Committee", "Committee chair", "MP"),
            ("House of Commons", "Committee clerk", "Clerk"),
        ],
        public=True,
        place="Portcullis House, Westminster",
        organiser="House of Commons",
    )
    spoke(
        comms,
        evidence,
        hana,
        "alliance",
        summary="Gave oral evidence on empty homes and tenant voice; no position was cited as "
        "agreed, as neither was published yet.",
        follow_up="Committee asked for a written note on lease thresholds.",
    )

    board = meeting(
        "County transport board",
        -60,
        "meeting",
        ["transport"],
        [("Northshire County Council", "Cllr Dee Harper", "Cabinet member for transport", "")],
        place="County Hall, Northshire",
        organiser="Northshire County Council",
        minutes="Board reviewed the rural bus network. Alliance asked for hourly services.",
    )
    lapsed = spoke(
        comms,
        board,
        mei,
        "alliance",
        summary="Spoke for the alliance on rural buses.",
    )
    review(
        lapsed,
        "Mei's transport mandate lapsed ten days earlier; Rosa was away. Agreed with the "
        "programme director that no new line was given. Mandate cover to be arranged earlier.",
    )
    spoke(
        ravi,
        board,
        ravi,
        "moorland",
        ["Bus routes for rural villages"],
        summary="Set out Moorland's case for hourly village buses.",
    )

    radio = meeting(
        "BBC Radio Northshire: morning programme",
        -45,
        "media_interview",
        ["youth-services"],
        [("BBC Radio Northshire", "Breakfast presenter", "Presenter", "")],
        public=True,
        hours=(8, 0),
        place="Studio 2, Northshire",
        organiser="BBC Radio Northshire",
    )
    spoke(
        comms,
        radio,
        rosa,
        "riverbank",
        ["Youth club funding formula"],
        summary="Explained Riverbank's support for ring-fenced youth funding.",
    )

    consultation = meeting(
        "Consultation on community asset transfer guidance",
        -30,
        "consultation",
        ["community-asset-transfer"],
        [("Department for Levelling Up, Housing and Communities", "Policy lead", "", "")],
        public=True,
        online=True,
        place="Video call",
        organiser="DLUHC",
    )
    add_alias(session, comms, consultation.counterparts[0].organisation_id, "DLUHC")
    cat = spoke(
        comms,
        consultation,
        hana,
        "alliance",
        ["Community asset transfer: a fair process"],
        summary="Presented the draft fair-process asks: timetable and free appeal.",
    )
    review(
        cat,
        "The text was agreed in the room by all three chiefs that week; publication followed. "
        "Hana said it was a draft awaiting publication.",
    )

    roundtable = meeting(
        "Youth services roundtable",
        -20,
        "meeting",
        ["youth-services"],
        [
            ("Northshire Youth Partnership", "Amal Reed", "Director", ""),
            ("Northshire County Council", "", "Youth services officer", ""),
        ],
        place="Riverbank Community Hub",
        organiser="Northshire Youth Partnership",
    )
    spoke(
        comms,
        roundtable,
        sam,
        "alliance",
        ["Youth club funding formula"],
        summary="Described the funding formula as the alliance's view.",
        follow_up="Check with Moorland: they object to per-ward minimums.",
    )

    conference = meeting(
        "Local Government Association conference",
        -10,
        "conference",
        ["housing", "community-asset-transfer"],
        [("Local Government Association", "", "", "English councils")],
        public=True,
        hours=(14, 16),
        place="Harrogate Convention Centre",
        organiser="LGA",
    )
    spoke(
        comms,
        conference,
        hana,
        "harbourside",
        summary="Panel on tenant voice, for Harbourside.",
    )
    spoke(
        comms,
        conference,
        mei,
        "moorland",
        ["Second homes council tax premium"],
        summary="Explained why Moorland opposes a full premium in village economies.",
    )

    minister = meeting(
        "Meeting with the housing minister",
        -3,
        "meeting",
        ["housing"],
        [("dluhc", "Minister for Housing", "Minister", "HM Government")],
        place="2 Marsham Street, London",
    )
    differ = spoke(
        comms,
        minister,
        hana,
        "alliance",
        ["Second homes council tax premium", "Tenant voice on housing boards"],
        summary="Raised tenant seats on boards and the second homes premium.",
    )
    review(
        differ,
        "Tenant voice was agreed by every partner and awaiting publication; Hana said so.",
        "Tenant voice on housing boards",
    )

    # ---- ahead of us ----
    committee = meeting(
        "Transport select committee: evidence follow-up",
        2,
        "parliamentary_evidence",
        ["transport"],
        [("Transport Committee", "Committee chair", "MP", "House of Commons")],
        public=True,
        place="Committee Room 8, Palace of Westminster",
        organiser="House of Commons",
    )
    spoke(
        comms,
        committee,
        rosa,
        "alliance",
        ["Safe routes to school"],
        summary="Will present the published asks on 20 mph limits and crossing patrols.",
    )
    agm = meeting(
        "Rail user group AGM",
        5,
        "conference",
        ["transport"],
        [("Northshire Rail Users", "", "", "")],
        place="Moorland Village Hall",
    )
    cancelled = meeting_input(agm)
    cancelled.status = "cancelled"
    update_meeting(session, comms, agm.id, cancelled)
    forum = meeting(
        "Community Assets Forum",
        9,
        "conference",
        ["community-asset-transfer"],
        [("Community Assets Forum", "", "", "Community groups")],
        public=True,
        hours=(13, 17),
        place="Harbourside Civic Centre",
        organiser="Community Assets Forum",
    )
    spoke(
        comms,
        forum,
        hana,
        "alliance",
        ["Community asset transfer: a fair process"],
        summary="Keynote on the alliance's fair-process asks.",
    )
    quarterly = meeting(
        "Northshire Youth Partnership quarterly",
        12,
        "meeting",
        ["youth-services"],
        [("Northshire Youth Partnership", "Amal Reed", "Director", "")],
        place="Riverbank Community Hub",
    )
    moved = meeting_input(quarterly)
    moved.starts_at = day(16, 10)
    moved.ends_at = day(16, 11, 30)
    update_meeting(session, comms, quarterly.id, moved)
    meeting(
        "Radio phone-in on second homes",
        30,
        "media_interview",
        ["housing"],
        [("BBC Radio Northshire", "", "", "")],
        hours=(18, 19),
        organiser="BBC Radio Northshire",
    )
