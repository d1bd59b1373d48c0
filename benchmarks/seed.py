"""Ten years of alliance work in under two minutes: `python -m benchmarks.seed --scale 1`.

5 partners, 20 policy areas, 10,000 positions with 100,000 revisions (some positions with 200
revisions, some documents of 20,000 words), 40,000 sign-offs, stances, publications, and, where
the spokesperson-log tables exist, 5,000 meetings with 20,000 appearances.

Rows go in with SQLAlchemy Core bulk inserts (executemany, explicit ids) in one transaction, not
through the per-row services: their rules are not needed to build consistent data, and a
service call per row would take an hour. Consistency is kept by construction instead: every
revision's hash is `content_hash` of its text, its HTML is what the renderer gives (see
corpus.py), each position's status follows from its latest sign-offs as the consensus rules
say, and a publication carries the approvals of its revision. The audit record gets the events
the app would have written for each revision, sign-off and publication (verify cross-checks the
data against them), hashed in one pass at the end.
"""

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import click
from flask.cli import ScriptInfo, with_appcontext
from sqlalchemy import bindparam, func, inspect, select, text
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from app.accounts.models import User
from app.alliance.models import Partner, PolicyArea
from app.alliance.settings import clock_of
from app.audit import services as audit
from app.audit.models import AuditEvent, AuditHead
from app.divergence.models import Stance
from app.drafting.models import (
    MotionConfirmation,
    Position,
    Publication,
    Revision,
    SignOff,
    publication_signatories,
)
from app.extensions import db
from app.search import indexing as search_indexing
from benchmarks import corpus
from positions.audit import GENESIS, HASH_VERSION, canonical_details, event_hash
from positions.hashing import content_hash

PASSWORD = "bench-password"
PARTNERS = [
    ("Ashford Residents Union", "ashford"),
    ("Brookvale Tenants Alliance", "brookvale"),
    ("Calder Valley Trust", "calder"),
    ("Dunmore Community Network", "dunmore"),
    ("Eastgate Neighbourhoods", "eastgate"),
]
AREAS = [
    "Adult social care",
    "Air quality",
    "Community asset transfer",
    "Digital inclusion",
    "Early years",
    "Energy costs",
    "Flooding",
    "Food security",
    "Green spaces",
    "Health inequalities",
    "Homelessness",
    "Housing",
    "Libraries",
    "Local democracy",
    "Mental health",
    "Planning",
    "Policing",
    "Rural services",
    "Transport",
    "Youth services",
]
START = datetime(2015, 1, 5, 9, 0)  # naive UTC, as the database stores it
BATCH = 2_000


class NotEmpty(Exception):
    pass


@dataclass(frozen=True)
class Plan:
    """How much to make. `scale` shrinks everything (tests use a small one) but partners/areas."""

    positions: int = 10_000
    revisions: int = 100_000
    long_histories: int = 50  # positions with `long_history` revisions each
    long_history: int = 200
    big_documents: int = 10  # positions whose text runs to `big_words` words
    big_words: int = 20_000
    signoffs: int = 40_000
    meetings: int = 5_000
    appearances: int = 20_000
    seed: int = 42

    @classmethod
    def scaled(cls, scale: float) -> "Plan":
        if scale >= 1:
            return cls()
        positions = max(20, round(10_000 * scale))
        long_histories = max(1, round(50 * scale))
        return cls(
            positions=positions,
            revisions=max(long_histories * 200 + positions * 5, round(100_000 * scale)),
            long_histories=long_histories,
            long_history=200,
            big_documents=max(1, round(10 * scale)),
            big_words=20_000,
            signoffs=max(positions * 4, round(40_000 * scale)),
            meetings=max(10, round(5_000 * scale)),
            appearances=max(40, round(20_000 * scale)),
        )


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    meetings_skipped: str | None = None


def seed(session: Session, plan: Plan = Plan(), echo: Callable[[str], None] = lambda s: None):
    """Fill an empty database. Commits; raises NotEmpty on a database with people in it."""
    if session.execute(select(func.count()).select_from(User)).scalar_one():
        raise NotEmpty("The database already has data; bench seed fills only an empty one.")
    started = time.perf_counter()
    builder = _Builder(session, plan, echo)
    builder.build()
    session.commit()
    builder.report.seconds = time.perf_counter() - started
    return builder.report


# ---- the builder -----------------------------------------------------------------------------


@dataclass
class _Position:
    id: int
    revisions: int
    big: bool
    scenario: str  # published, redrafted, agreed, withdrawn, archived, draft
    decisions: list[tuple[int, int, str]]  # (partner index, revision number, decision), in order
    history: int = 0  # extra approvals of earlier revisions, before the decisions that count


class _Builder:
    def __init__(self, session: Session, plan: Plan, echo: Callable[[str], None]):
        self.session = session
        self.connection = session.connection()
        self.plan = plan
        self.echo = echo
        self.rng = random.Random(plan.seed)
        self.report = Report()
        self.dialect = self.connection.dialect.name

    # -- helpers

    def insert(self, table, rows: list[dict]) -> None:
        for start in range(0, len(rows), BATCH):
            self.connection.execute(table.insert(), rows[start : start + BATCH])
        self.report.counts[table.name] = self.report.counts.get(table.name, 0) + len(rows)

    def stream(self, table, rows: Iterator[dict]) -> None:
        batch: list[dict] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                self.insert(table, batch)
                batch = []
        if batch:
            self.insert(table, batch)

    def step(self, what: str, started: float) -> float:
        now = time.perf_counter()
        self.echo(f"  {what} ({now - started:.1f}s)")
        return now

    # -- the whole

    def build(self) -> None:
        t = time.perf_counter()
        self.people()
        t = self.step("partners, areas, people", t)
        self.plan_positions()
        self.positions_and_revisions()
        t = self.step("positions, revisions, sign-offs, publications", t)
        self.stances()
        t = self.step("stances", t)
        self.meetings()
        t = self.step("meetings and appearances", t)
        # Rows inserted without the ORM: the search index is written from them in one go.
        written = search_indexing.rebuild(self.connection, clock_of(self.session).local_date)
        t = self.step(f"search index, {written} entries", t)
        self.finish()
        self.step("indexes analysed, audit record", t)

    def people(self) -> None:
        self.insert(
            Partner.__table__,
            [
                dict(id=i, name=name, slug=slug, active=True, joined_on=date(2014, 9, 1))
                for i, (name, slug) in enumerate(PARTNERS, 1)
            ],
        )
        self.insert(
            PolicyArea.__table__,
            [
                dict(id=i, name=name, slug=name.lower().replace(" ", "-"))
                for i, name in enumerate(AREAS, 1)
            ],
        )
        password = generate_password_hash(PASSWORD)  # one hash, reused: hashing is slow
        users = [
            dict(email="admin@bench.example", name="Ada Admin", roles="admin", partner_id=None),
            dict(email="comms@bench.example", name="Cal Comms", roles="comms", partner_id=None),
        ]
        for p, (name, slug) in enumerate(PARTNERS, 1):
            users.append(
                dict(
                    email=f"chief@{slug}.bench.example",
                    name=f"Chief of {name.split()[0]}",
                    roles="chief_officer",
                    partner_id=p,
                )
            )
            for n in range(1, 3):
                users.append(
                    dict(
                        email=f"policy{n}@{slug}.bench.example",
                        name=f"Policy officer {n} of {name.split()[0]}",
                        roles="policy_officer",
                        partner_id=p,
                    )
                )
        for i, user in enumerate(users, 1):
            user.update(id=i, password_hash=password, active=True, created_at=START)
        self.insert(User.__table__, users)
        self.admin_id, self.comms_id = 1, 2
        self.chief_ids = [u["id"] for u in users if u["roles"] == "chief_officer"]
        self.officer_ids = [u["id"] for u in users if u["roles"] == "policy_officer"]

    def plan_positions(self) -> None:
        """Revisions and decisions per position, so that the totals come out exactly."""
        plan, rng = self.plan, self.rng
        n = plan.positions
        long_ids = set(range(1, plan.long_histories + 1))
        big_ids = set(range(plan.long_histories + 1, plan.long_histories + plan.big_documents + 1))
        rest = n - len(long_ids)
        spare = plan.revisions - len(long_ids) * plan.long_history
        base = spare // rest
        pattern = [1, 4, 9, 17, 12, 6, 2, 14, 9, 16, 3, 8, 11, 5, 15, 10, 7, 13]  # mean 9.0
        counts = [pattern[i % len(pattern)] + base - 9 for i in range(rest)]
        counts = [max(1, c) for c in counts]
        drift = spare - sum(counts)
        i = 0
        while drift:  # even out to the exact total, one revision at a time
            step = 1 if drift > 0 else -1
            if counts[i % rest] + step >= 1:
                counts[i % rest] += step
                drift -= step
            i += 1
        big_indexes = [pid - len(long_ids) - 1 for pid in sorted(big_ids)]
        for k in big_indexes:  # a big document gets at least 4 revisions (the third a rewrite)
            if counts[k] < 4:
                j = next(j for j in range(rest) if counts[j] >= 4 and j not in big_indexes)
                counts[k], counts[j] = counts[j], counts[k]
        self.positions: list[_Position] = []
        regular = iter(counts)
        partners = range(len(PARTNERS))
        for pid in range(1, n + 1):
            revisions = plan.long_history if pid in long_ids else next(regular)
            roll = rng.random()
            decisions: list[tuple[int, int, str]] = []
            if roll < 0.22:
                scenario = "published"
                decisions = [(p, revisions, "approve") for p in partners]
            elif roll < 0.32 and revisions >= 2:
                scenario = "redrafted"  # published, then edited: a new draft awaits sign-off
                decisions = [(p, revisions - 1, "approve") for p in partners]
                decisions += [(p, revisions, "approve") for p in rng.sample(partners, 2)]
            elif roll < 0.37:
                scenario = "agreed"
                decisions = [(p, revisions, "approve") for p in partners]
            elif roll < 0.40:
                scenario = "withdrawn"  # published, then withdrawn by every partner
                decisions = [(p, revisions, "approve") for p in partners]
            elif roll < 0.43:
                scenario = "archived"
                decisions = [(p, revisions, "approve") for p in rng.sample(partners, 3)]
            else:
                scenario = "draft"
                deciding = rng.sample(partners, rng.randint(0, 4))
                for k, p in enumerate(deciding):
                    objects = k == 0 and rng.random() < 0.3
                    decisions.append((p, revisions, "object" if objects else "approve"))
                if revisions >= 2 and rng.random() < 0.5:  # approvals gone stale
                    waiting = [p for p in partners if p not in deciding]
                    decisions[:0] = [(p, revisions - 1, "approve") for p in waiting[:2]]
            self.positions.append(_Position(pid, revisions, pid in big_ids, scenario, decisions))
        # Earlier approvals fill the sign-off total: kept in the history, counting for nothing.
        budget = plan.signoffs - sum(len(p.decisions) for p in self.positions)
        eligible = [p for p in self.positions if p.revisions >= 3]
        i = 0
        while budget > 0 and eligible:
            eligible[i % len(eligible)].history += 1
            budget -= 1
            i += 1

    def positions_and_revisions(self) -> None:
        rng = self.rng
        position_rows, revision_rows, signoff_rows = [], [], []
        publication_rows, signatory_rows, pointer_rows = [], [], []
        confirmation_rows = []
        revision_id = signoff_id = publication_id = 0
        span = (datetime(2025, 6, 1) - START).total_seconds()
        self.published: dict[int, tuple[int, int, datetime]] = {}  # position → revision, time
        self.confirmations: list[dict] = []  # every partner's confirmation of each withdrawal
        self.titles: dict[int, str] = {}

        def flush(final: bool = False) -> None:
            if len(revision_rows) >= BATCH or final:
                self.insert(Position.__table__, position_rows)
                self.insert(Revision.__table__, revision_rows)
                self.insert(SignOff.__table__, signoff_rows)
                self.insert(Publication.__table__, publication_rows)
                self.insert(publication_signatories, signatory_rows)
                self.insert(MotionConfirmation.__table__, confirmation_rows)
                confirmation_rows.clear()
                for rows in (position_rows, revision_rows, signoff_rows):
                    rows.clear()
                publication_rows.clear()
                signatory_rows.clear()

        for position in self.positions:
            pid = position.id
            area = 1 + pid % len(AREAS)
            title = " ".join(corpus.words(rng, rng.randint(3, 7))).capitalize()
            title = f"{title} ({AREAS[area - 1].lower()})"[:200]
            self.titles[pid] = title
            created = START + timedelta(seconds=span * (pid - 1) / self.plan.positions)
            blocks = (
                corpus.document(rng, self.plan.big_words)
                if position.big
                else corpus.document(rng, rng.randint(120, 320))
            )
            html_cache: dict[str, str] = {}
            revisions: list[tuple[int, str, datetime]] = []  # id, hash, time
            at = created
            for number in range(1, position.revisions + 1):
                if number > 1:
                    blocks = self.next_text(blocks, position.big and number == 3)
                    at += timedelta(hours=rng.randint(2, 300))
                body = corpus.body(blocks)
                revision_id += 1
                digest = content_hash(title, body)
                revision_rows.append(
                    dict(
                        id=revision_id,
                        position_id=pid,
                        number=number,
                        title=title,
                        body=body,
                        body_html=corpus.body_html(blocks, html_cache),
                        content_hash=digest,
                        author_id=self.officer_ids[(pid + number) % len(self.officer_ids)],
                        base_number=number - 1 if number > 1 else None,
                        note="First draft" if number == 1 else f"Edit {number}",
                        merged=False,
                        amendment_id=None,
                        created_at=at,
                    )
                )
                revisions.append((revision_id, digest, at))
            # Sign-offs: stale history first, then the decisions that count, newest last.
            decided_at = at
            approvals_of: dict[int, list[int]] = {}
            history = []
            for k in range(position.history):
                number = 1 + (k * 7) % max(1, position.revisions - 2)
                history.append((k % len(PARTNERS), number, "approve"))
            for partner, number, decision in history + position.decisions:
                signoff_id += 1
                rev_id, digest, rev_at = revisions[number - 1]
                when = rev_at + timedelta(minutes=30 + 7 * signoff_id % 600)
                decided_at = max(decided_at, when)
                signoff_rows.append(
                    dict(
                        id=signoff_id,
                        position_id=pid,
                        revision_id=rev_id,
                        partner_id=partner + 1,
                        user_id=self.chief_ids[partner],
                        decision=decision,
                        comment="Not in this wording." if decision == "object" else "",
                        content_hash=digest,
                        created_at=when,
                    )
                )
                approvals_of.setdefault(number, []).append(signoff_id)
            publication = None
            withdrawn_at = None
            if position.scenario in ("published", "redrafted", "withdrawn"):
                number = position.revisions - (position.scenario == "redrafted")
                publication_id += 1
                publication = publication_id
                rev_id, _, rev_at = revisions[number - 1]
                published_at = rev_at + timedelta(days=1, hours=2)
                publication_rows.append(
                    dict(
                        id=publication_id,
                        position_id=pid,
                        revision_id=rev_id,
                        published_by_id=self.comms_id,
                        published_at=published_at,
                    )
                )
                signatory_rows += [
                    dict(publication_id=publication_id, signoff_id=s)
                    for s in approvals_of[number][-len(PARTNERS) :]
                ]
                if position.scenario == "withdrawn":
                    withdrawn_at = published_at + timedelta(days=30)
                    digest = revisions[number - 1][1]
                    confirmation_rows += [
                        dict(
                            id=len(self.confirmations) + k + 1,
                            position_id=pid,
                            partner_id=partner + 1,
                            user_id=self.chief_ids[partner],
                            motion="withdraw",
                            subject_number=number,
                            content_hash=digest,
                            reason="Superseded.",
                            created_at=withdrawn_at - timedelta(hours=len(PARTNERS) - k),
                        )
                        for k, partner in enumerate(range(len(PARTNERS)))
                    ]
                    self.confirmations += confirmation_rows[-len(PARTNERS) :]
                else:
                    self.published[pid] = (rev_id, number, published_at)
            status = {"redrafted": "draft"}.get(position.scenario, position.scenario)
            updated = max(at, decided_at, withdrawn_at or at)
            position_rows.append(
                dict(
                    id=pid,
                    title=title,
                    slug=f"{corpus.WORDS[pid % 500]}-{pid}",
                    area_id=area,
                    status=status,
                    current_revision_id=None,
                    publication_id=None,
                    created_by_id=self.officer_ids[pid % len(self.officer_ids)],
                    created_at=created,
                    updated_at=updated,
                    review_by=(created + timedelta(days=730)).date() if pid % 10 == 0 else None,
                    withdrawn_at=withdrawn_at,
                )
            )
            pointer_rows.append(dict(pid_=pid, current_=revisions[-1][0], publication_=publication))
            flush()
        flush(final=True)
        # The circular references, now that both ends exist.
        positions = Position.__table__
        update = (
            positions.update()
            .where(positions.c.id == bindparam("pid_"))
            .values(
                current_revision_id=bindparam("current_"),
                publication_id=bindparam("publication_"),
            )
        )
        for start in range(0, len(pointer_rows), BATCH):
            self.connection.execute(update, pointer_rows[start : start + BATCH])

    def next_text(self, blocks: list[str], rewrite: bool) -> list[str]:
        """The next revision: a few words here and there, now and then a paragraph more."""
        rng = self.rng
        if rewrite:
            return corpus.heavy_rewrite(rng, blocks)
        if len(blocks) > 50:  # a long document: scattered edits
            return corpus.scattered_edits(rng, blocks, rng.randint(5, 30))
        out = list(blocks)
        roll = rng.random()
        if roll < 0.15:
            out.insert(rng.randrange(len(out) + 1), corpus.paragraph(rng, rng.randint(20, 60)))
        elif roll < 0.2 and len(out) > 2:
            del out[rng.randrange(1, len(out))]
            out = corpus.tidy(out)
        else:
            i = rng.randrange(len(out))
            out[i] = corpus.edit_words(rng, out[i], rng.randint(1, 4))
        return out

    def stances(self) -> None:
        rng = self.rng
        views = ["support", "reservations", "oppose", "undecided"]
        rows = []
        for position in self.positions:
            for partner in rng.sample(range(len(PARTNERS)), rng.randint(0, 3)):
                rationale = corpus.sentence(rng, rng.randint(8, 20))
                rows.append(
                    dict(
                        id=len(rows) + 1,
                        position_id=position.id,
                        partner_id=partner + 1,
                        view=rng.choice(views),
                        rationale=rationale,
                        rationale_html=corpus.block_html(rationale),
                        user_id=self.chief_ids[partner],
                        created_at=START + timedelta(days=position.id % 3000),
                    )
                )
        self.insert(Stance.__table__, rows)

    # -- the spokesperson log, where its tables exist

    def meetings(self) -> None:
        needed = {"meetings", "appearances", "organisations", "counterparts", "meeting_areas"}
        present = set(inspect(self.connection).get_table_names())
        tables = db.metadata.tables
        if not needed <= present or not needed <= set(tables):
            self.report.meetings_skipped = "no spokesperson-log tables in this schema"
            return
        rng, plan = self.rng, self.plan
        organisations = [
            dict(
                id=i,
                name=f"{corpus.words(rng, 1)[0].capitalize()} {kind} {i}",
                name_key=f"bench-organisation-{i}",
                created_at=START,
            )
            for i, kind in enumerate(
                ["Council", "Department", "Foundation", "Committee", "Press"] * 60, 1
            )
        ]
        self.insert(tables["organisations"], organisations)
        if "mandates" in present and "mandate_areas" in present:  # chiefs speak for the alliance
            self.insert(
                tables["mandates"],
                [
                    dict(
                        id=i,
                        user_id=chief,
                        starts_on=START.date(),
                        ends_on=None,
                        note="Standing mandate",
                        granted_by_id=self.admin_id,
                        created_at=START,
                    )
                    for i, chief in enumerate(self.chief_ids, 1)
                ],
            )
            self.insert(
                tables["mandate_areas"],
                [
                    dict(mandate_id=m, area_id=a)
                    for m in range(1, len(self.chief_ids) + 1)
                    for a in range(1, len(AREAS) + 1)
                ],
            )
        kinds = ["meeting", "conference", "consultation", "parliamentary_evidence"]
        kinds.append("media_interview")
        span = (datetime(2025, 9, 1) - START).total_seconds()
        now = datetime.now(UTC).replace(tzinfo=None)
        meetings, areas, counterparts = [], [], []
        for i in range(1, plan.meetings + 1):
            starts = START + timedelta(seconds=span * i / plan.meetings, hours=rng.randint(0, 9))
            status = "planned" if starts > now else "held"
            if rng.random() < 0.03:
                status = "cancelled"
            meetings.append(
                dict(
                    id=i,
                    uid=f"bench-{i}@concord",
                    title=" ".join(corpus.words(rng, rng.randint(3, 6))).capitalize(),
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=1),
                    place=f"{rng.choice(['Town hall', 'Civic centre', 'Library'])} {i % 40}",
                    online=rng.random() < 0.2,
                    organiser=organisations[i % len(organisations)]["name"],
                    kind=rng.choice(kinds),
                    status=status,
                    minutes="",
                    public=rng.random() < 0.3,
                    sequence=0,
                    created_by_id=self.comms_id,
                    created_at=starts - timedelta(days=14),
                    updated_at=starts - timedelta(days=14),
                )
            )
            for area in {1 + i % len(AREAS), 1 + (i * 7) % len(AREAS)}:
                areas.append(dict(meeting_id=i, area_id=area))
            for ordinal in range(rng.randint(1, 3)):
                counterparts.append(
                    dict(
                        id=len(counterparts) + 1,
                        meeting_id=i,
                        organisation_id=rng.randrange(1, len(organisations) + 1),
                        ordinal=ordinal,
                        person="",
                        role="",
                        represents="",
                    )
                )
        self.insert(tables["meetings"], meetings)
        self.insert(tables["meeting_areas"], areas)
        self.insert(tables["counterparts"], counterparts)
        published = sorted(self.published.items())
        cited_table = tables.get("appearance_positions")
        appearances, cited = [], []
        speakers = self.chief_ids + self.officer_ids
        for i in range(1, plan.appearances + 1):
            meeting = meetings[(i - 1) * plan.meetings // plan.appearances]
            speaker = rng.choice(speakers)
            if speaker in self.chief_ids:
                partner = self.chief_ids.index(speaker) + 1
            else:
                partner = 1 + (self.officer_ids.index(speaker) // 2)
            alliance = speaker in self.chief_ids and rng.random() < 0.6
            at = meeting["starts_at"] + timedelta(hours=2)
            appearances.append(
                dict(
                    id=i,
                    meeting_id=meeting["id"],
                    speaker_id=speaker,
                    speaker_partner_id=partner,
                    capacity="alliance" if alliance else "partner",
                    partner_id=None if alliance else partner,
                    summary=corpus.sentence(rng, rng.randint(10, 30)),
                    follow_up="",
                    recorded_by_id=self.comms_id,
                    created_at=at,
                    updated_at=at,
                    flags_checked_at=at,
                )
            )
            if cited_table is not None and published and alliance:
                pid, (rev_id, _, published_at) = published[i % len(published)]
                if published_at <= meeting["starts_at"]:
                    cited.append(
                        dict(
                            appearance_id=i, position_id=pid, revision_id=rev_id, state="published"
                        )
                    )
        self.insert(tables["appearances"], appearances)
        if cited_table is not None:
            self.insert(cited_table, cited)

    def audit_events(self) -> None:
        """The events the services write for revisions, sign-offs and publications, in order."""
        c = self.connection
        emails = dict(c.execute(select(User.id, User.email)).all())
        slugs = dict(c.execute(select(Partner.id, Partner.slug)).all())
        numbers = dict(c.execute(select(Revision.id, Revision.number)).all())
        facts = []  # (at, tie-break, actor id, action, object type, object id, details)
        for u in c.execute(
            select(User.id, User.email, User.roles, User.partner_id, User.created_at)
        ):
            details = {
                "email": u.email,
                "roles": u.roles.split(","),
                "partner": slugs.get(u.partner_id),
            }
            facts.append((u.created_at, -1, u.id, None, "user.create", "user", u.id, details))
        for r in c.execute(
            select(
                Revision.created_at, Revision.id, Revision.author_id, Revision.position_id,
                Revision.number, Revision.content_hash,
            )
        ):  # fmt: skip
            action = "position.create" if r.number == 1 else "revision.create"
            details = {"revision": r.number, "hash": r.content_hash}
            facts.append(
                (r.created_at, 0, r.id, r.author_id, action, "position", r.position_id, details)
            )
        for s in c.execute(select(SignOff)):
            details = {
                "partner": slugs[s.partner_id],
                "revision": numbers[s.revision_id],
                "hash": s.content_hash,
                "comment": s.comment,
            }
            action = f"signoff.{s.decision}"
            facts.append(
                (s.created_at, 1, s.id, s.user_id, action, "position", s.position_id, details)
            )
        for p in c.execute(select(Publication)):
            revision = c.execute(
                select(Revision.number, Revision.content_hash).where(Revision.id == p.revision_id)
            ).one()
            details = {"revision": revision.number, "hash": revision.content_hash}
            facts.append(
                (p.published_at, 2, p.id, p.published_by_id, "position.publish", "position",
                 p.position_id, details)
            )  # fmt: skip
        confirmed: dict[int, list[int]] = {}
        for m in c.execute(select(MotionConfirmation)):
            details = {
                "partner": slugs[m.partner_id],
                "subject": m.subject_number,
                "hash": m.content_hash,
                "reason": m.reason,
            }
            facts.append((m.created_at, 3, m.id, m.user_id, "withdraw.confirm", "position",
                          m.position_id, details))  # fmt: skip
            confirmed.setdefault(m.position_id, []).append(m)
        for position_id, confirmations in confirmed.items():
            last = max(confirmations, key=lambda m: m.created_at)
            details = {
                "revision": last.subject_number,
                "hash": last.content_hash,
                "confirmations": sorted(m.id for m in confirmations),
            }
            facts.append((last.created_at, 4, position_id, last.user_id, "position.withdraw",
                          "position", position_id, details))  # fmt: skip
        facts.sort(key=lambda f: f[:3])
        rows, prev = [], GENESIS
        for seq, fact in enumerate(facts, 1):
            at, _, _, actor_id, action, object_type, object_id, details = fact
            fields = dict(
                seq=seq,
                at=at.replace(tzinfo=None).isoformat(),
                actor=emails[actor_id] if actor_id else "system",
                action=action,
                object_type=object_type,
                object_id=str(object_id),
                details=canonical_details(details),
            )
            digest = event_hash(prev, **fields, actor_id=str(actor_id) if actor_id else "")
            rows.append(
                dict(
                    id=seq, seq=seq, at=at, actor_id=actor_id, actor_label=fields["actor"],
                    action=action, object_type=object_type, object_id=fields["object_id"],
                    details=fields["details"], prev_hash=prev, hash=digest,
                    hash_version=HASH_VERSION,
                )
            )  # fmt: skip
            prev = digest
        self.insert(AuditEvent.__table__, rows)
        self.insert(AuditHead.__table__, [dict(id=1, seq=len(rows), hash=prev)])

    def finish(self) -> None:
        self.audit_events()  # explicit ids too: before the sequences are moved past them
        if self.dialect == "postgresql":  # explicit ids: move each sequence past them
            for table in db.metadata.sorted_tables:
                if table.name not in self.report.counts or "id" not in table.c:
                    continue
                self.connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"
                    )
                )
        self.connection.execute(text("ANALYZE"))  # plan queries with the real row counts
        audit.record(
            self.session,
            "bench.seed",
            actor_label="bench seed",
            details={"rows": dict(sorted(self.report.counts.items()))},
        )


@click.command("seed")
@with_appcontext
@click.option(
    "--scale",
    type=float,
    default=1.0,
    show_default=True,
    help="Fraction of the full set (10,000 positions, 100,000 revisions...).",
)
def seed_command(scale):
    """Fill an empty database with ten years of alliance work, quickly, for benchmarks."""
    try:
        report = seed(db.session, Plan.scaled(scale), echo=click.echo)
    except NotEmpty as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    for table, rows in sorted(report.counts.items()):
        click.echo(f"  {table:26} {rows:>9,} rows")
    if report.meetings_skipped:
        click.echo(f"  (no meetings: {report.meetings_skipped})")
    click.echo(f"Seeded in {report.seconds:.1f}s. Sign in as any user with {PASSWORD!r}.")


if __name__ == "__main__":  # `python -m benchmarks.seed --scale 0.1`, on the app's DATABASE_URL
    from app import create_app

    seed_command(obj=ScriptInfo(create_app=create_app))
