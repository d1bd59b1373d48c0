"""Migrations carry data: step by step from empty to head with rows from every earlier step,
then step by step back down to base, on SQLite and PostgreSQL.

After each upgrade the rows of every earlier step must still be there, unchanged in every column
they had; then rows the new step makes possible are added. At head the app itself reads and writes
the old rows (sign-in, pages, a new revision) and the audit chain seeded across three migrations
verifies. On the way down, every table that remains keeps its rows.
"""

from datetime import date, datetime

import flask_migrate
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, Table, inspect, select, text, update
from werkzeug.security import generate_password_hash

from app import create_app
from app.accounts.models import User
from app.audit import services as audit
from app.drafting.models import Position
from app.drafting.services import consensus
from app.drafting.services import editing as drafting
from app.extensions import db
from app.meetings.models import Appearance
from app.search.schema import TEXT_INDEXES
from config import TestConfig
from positions.audit import GENESIS, canonical_details, event_hash
from positions.hashing import content_hash
from positions.rendering import render_markdown
from tests.support.client import login
from tests.support.databases import throwaway_database
from tests.support.factories import PASSWORD

pytestmark = [
    pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning"),
    pytest.mark.fresh_db,  # a database of its own, migrated and downgraded
]

T0 = datetime(2024, 3, 1, 9, 30)


@pytest.fixture
def empty_app(tmp_path):
    """An app on a database with nothing in it: a SQLite file, or a throwaway PostgreSQL one."""
    with throwaway_database("migrated", tmp_path) as url:
        app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


# ---- reading and writing rows without the models (they describe head, not the step) ---------


def _table(connection, name: str) -> Table:
    return Table(name, MetaData(), autoload_with=connection, resolve_fks=False)


def insert(connection, name: str, *rows: dict) -> None:
    connection.execute(_table(connection, name).insert(), list(rows))


def set_values(connection, name: str, row_id: int, **values) -> None:
    table = _table(connection, name)
    connection.execute(update(table).where(table.c.id == row_id).values(**values))


def sync_sequences(connection) -> None:
    """Rows written with explicit ids, as the app would have left them: PostgreSQL's sequences
    move on past them (SQLite takes max(id) + 1 by itself)."""
    if connection.dialect.name != "postgresql":
        return
    for name in inspect(connection).get_table_names():
        if any(c["name"] == "id" for c in inspect(connection).get_columns(name)):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f'(SELECT max(id) FROM "{name}")) WHERE EXISTS (SELECT 1 FROM "{name}")'
                )
            )


def snapshot() -> dict[str, dict[tuple, dict]]:
    """Every row of every table, keyed by primary key, as {column: value}."""
    rows: dict[str, dict[tuple, dict]] = {}
    schema = MetaData()
    with db.engine.connect() as connection:
        schema.reflect(connection)
        for name, table in schema.tables.items():
            # The text index's own tables are the database's workings, rewritten as entries come.
            if name == "alembic_version" or name in TEXT_INDEXES:
                continue
            key = [c.name for c in table.primary_key.columns]
            rows[name] = {
                tuple(r[k] for k in key): dict(r)
                for r in connection.execute(select(table)).mappings()
            }
    return rows


def assert_kept(before: dict, after: dict, *, dropped: set[str] = frozenset()) -> int:
    """Every row of `before` is in `after`, equal in every column both have. Returns rows seen."""
    seen = 0
    for name, rows in before.items():
        if name in dropped:
            continue
        assert name in after, f"table {name} disappeared"
        assert after[name].keys() == rows.keys(), f"rows of {name} changed"
        for key, row in rows.items():
            shared = row.keys() & after[name][key].keys()
            assert {c: row[c] for c in shared} == {c: after[name][key][c] for c in shared}, (
                f"{name} {key} changed"
            )
            seen += 1
    return seen


# ---- representative rows for each migration --------------------------------------------------


class Chain:
    """Audit events seeded across migrations, hashed exactly as the app hashes them."""

    def __init__(self):
        self.seq, self.hash = 0, GENESIS

    def append(
        self, connection, action, actor_id, label, object_id, details, minute, kind="position"
    ):
        self.seq += 1
        at = T0.replace(minute=minute)
        fields = dict(
            seq=self.seq,
            at=at.isoformat(),
            actor=label,
            action=action,
            object_type=kind,
            object_id=str(object_id),
            details=canonical_details(details),
        )
        digest = event_hash(self.hash, **fields, version=1)  # as events were hashed before 0006
        insert(
            connection,
            "audit_events",
            dict(
                id=self.seq,
                seq=self.seq,
                at=at,
                actor_id=actor_id,
                actor_label=label,
                action=action,
                object_type=kind,
                object_id=str(object_id),
                details=fields["details"],
                prev_hash=self.hash,
                hash=digest,
            ),
        )
        self.hash = digest
        table = _table(connection, "audit_head")
        if connection.execute(select(table)).first() is None:
            insert(connection, "audit_head", dict(id=1, seq=self.seq, hash=digest))
        else:
            set_values(connection, "audit_head", 1, seq=self.seq, hash=digest)


def _revision(rev_id, position_id, number, title, body, author_id, **extra):
    return dict(
        id=rev_id,
        position_id=position_id,
        number=number,
        title=title,
        body=body,
        body_html=render_markdown(body),
        content_hash=content_hash(title, body),
        author_id=author_id,
        base_number=number - 1 or None,
        note=extra.pop("note", ""),
        merged=False,
        created_at=T0,
        **extra,
    )


def seed_core(connection, chain: Chain) -> None:
    """0001: partners, people, a published position with its sign-offs, drafts, the audit."""
    insert(
        connection,
        "partners",
        *[
            dict(id=i, name=name, slug=name.lower(), active=True, joined_on=date(2020, 1, 1))
            for i, name in enumerate(("Harbourside", "Moorland", "Riverbank"), 1)
        ],
    )
    insert(connection, "policy_areas", dict(id=1, name="Housing", slug="housing"))
    password = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    people = [
        (1, "chief@harbourside.test", "chief_officer,policy_officer", 1),
        (2, "chief@moorland.test", "chief_officer", 2),
        (3, "chief@riverbank.test", "chief_officer", 3),
        (4, "comms@alliance.test", "comms", None),
        (5, "admin@alliance.test", "admin", None),
    ]
    insert(
        connection,
        "users",
        *[
            dict(
                id=i,
                email=email,
                name=email.split("@")[0].title(),
                password_hash=password,
                partner_id=partner,
                roles=roles,
                active=True,
                created_at=T0,
            )
            for i, email, roles, partner in people
        ],
    )
    slugs = {1: "harbourside", 2: "moorland", 3: "riverbank", None: None}
    for i, email, roles, partner in people:  # as every release has recorded a new account
        made = {"email": email, "roles": roles.split(","), "partner": slugs[partner]}
        chain.append(connection, "user.create", None, "system", i, made, 0, kind="user")
    insert(
        connection,
        "api_tokens",
        dict(id=1, user_id=4, name="old", token_hash="a" * 64, created_at=T0, revoked_at=None),
    )
    for pid, title, status in ((1, "Fair rents", "published"), (2, "Bus routes", "draft")):
        insert(
            connection,
            "positions",
            dict(
                id=pid,
                title=title,
                slug=title.lower().replace(" ", "-"),
                area_id=1,
                status=status,
                created_by_id=1,
                created_at=T0,
                updated_at=T0,
            ),
        )
    insert(
        connection,
        "positions",
        dict(
            id=3,
            title="Youth clubs",
            slug="youth-clubs",
            area_id=1,
            status="draft",
            created_by_id=1,
            created_at=T0,
            updated_at=T0,
        ),
    )
    insert(
        connection,
        "revisions",
        _revision(1, 1, 1, "Fair rents", "We ask for **fair** rents.", 1, note="First draft"),
        _revision(2, 2, 1, "Bus routes", "Keep the rural routes.", 1, note="First draft"),
        _revision(3, 2, 2, "Bus routes", "Keep every rural route.", 1, note="tighter"),
        _revision(4, 3, 1, "Youth clubs", "Open the clubs at weekends.", 1, note="First draft"),
    )
    for pid, rev in ((1, 1), (2, 3), (3, 4)):
        set_values(connection, "positions", pid, current_revision_id=rev)
    approved = content_hash("Fair rents", "We ask for **fair** rents.")
    insert(
        connection,
        "signoffs",
        *[
            dict(
                id=p,
                position_id=1,
                revision_id=1,
                partner_id=p,
                user_id=p,
                decision="approve",
                comment="",
                content_hash=approved,
                created_at=T0,
            )
            for p in (1, 2, 3)
        ],
        dict(
            id=4,
            position_id=2,
            revision_id=3,
            partner_id=2,
            user_id=2,
            decision="object",
            comment="Not every route pays.",
            content_hash=content_hash("Bus routes", "Keep every rural route."),
            created_at=T0,
        ),
    )
    insert(
        connection,
        "publications",
        dict(id=1, position_id=1, revision_id=1, published_by_id=4, published_at=T0),
    )
    insert(
        connection,
        "publication_signatories",
        *[dict(publication_id=1, signoff_id=s) for s in (1, 2, 3)],
    )
    set_values(connection, "positions", 1, publication_id=1)
    # The events the app wrote for these rows: verify holds every row to its event.
    chief = "chief@harbourside.test"
    for pid, title, body in (
        (1, "Fair rents", "We ask for **fair** rents."),
        (2, "Bus routes", "Keep the rural routes."),
        (3, "Youth clubs", "Open the clubs at weekends."),
    ):
        made = {"revision": 1, "hash": content_hash(title, body)}
        chain.append(connection, "position.create", 1, chief, pid, made, 1)
    bus = content_hash("Bus routes", "Keep every rural route.")
    chain.append(connection, "revision.create", 1, chief, 2, {"revision": 2, "hash": bus}, 1)
    for uid, slug in ((1, "harbourside"), (2, "moorland"), (3, "riverbank")):
        signed = {"partner": slug, "revision": 1, "hash": approved}
        chain.append(connection, "signoff.approve", uid, f"chief@{slug}.test", 1, signed, 2)
    published = {"revision": 1, "hash": approved}
    chain.append(connection, "position.publish", 4, "comms@alliance.test", 1, published, 3)
    objected = {"partner": "moorland", "revision": 2, "hash": bus}
    chain.append(connection, "signoff.object", 2, "chief@moorland.test", 2, objected, 4)


def seed_divergence(connection, chain: Chain) -> None:
    """0002: stances, an accepted amendment behind revision 2, agree-to-differ, a review date."""
    insert(
        connection,
        "stances",
        dict(
            id=1,
            position_id=2,
            partner_id=2,
            view="reservations",
            rationale="Costs.",
            rationale_html="<p>Costs.</p>",
            user_id=2,
            created_at=T0,
        ),
        dict(
            id=2,
            position_id=2,
            partner_id=1,
            view="support",
            rationale="",
            rationale_html="",
            user_id=1,
            created_at=T0,
        ),
    )
    insert(
        connection,
        "amendments",
        dict(
            id=1,
            position_id=2,
            number=1,
            base_revision_id=2,
            partner_id=1,
            proposed_by_id=1,
            body="Keep every rural route.",
            reason="Stronger.",
            status="accepted",
            decided_by_id=1,
            decided_at=T0,
            decision_reason="",
            result_revision_id=3,
            created_at=T0,
        ),
    )
    set_values(connection, "revisions", 3, amendment_id=1)
    set_values(connection, "positions", 3, status="differ")
    set_values(connection, "positions", 1, review_by=date(2030, 1, 1))
    insert(
        connection,
        "differ_statements",
        *[
            dict(
                id=p,
                position_id=3,
                partner_id=p,
                text=f"Partner {p} view.",
                text_html=f"<p>Partner {p} view.</p>",
                user_id=p,
                created_at=T0,
            )
            for p in (1, 2, 3)
        ],
    )
    insert(
        connection,
        "differ_confirmations",
        *[
            dict(
                id=p,
                position_id=3,
                partner_id=p,
                user_id=p,
                statements_hash="b" * 64,
                created_at=T0,
            )
            for p in (1, 2, 3)
        ],
    )
    insert(
        connection,
        "differ_outcomes",
        dict(id=1, position_id=3, statements_hash="b" * 64, published_at=T0),
    )
    insert(
        connection,
        "differ_published_statements",
        *[dict(outcome_id=1, statement_id=p) for p in (1, 2, 3)],
    )
    chain.append(connection, "stance.set", 2, "chief@moorland.test", 2, {"view": "r"}, 5)
    chain.append(connection, "differ.publish", 4, "comms@alliance.test", 3, {}, 6)


def seed_spokesperson_log(connection, chain: Chain) -> None:
    """0003: an audience, a meeting, appearances citing positions, a mandate, a flag, a feed."""
    insert(
        connection,
        "organisations",
        dict(id=1, name="Department for Housing", name_key="department for housing", created_at=T0),
    )
    insert(
        connection,
        "organisation_aliases",
        dict(id=1, organisation_id=1, alias="DfH", alias_key="dfh"),
    )
    insert(
        connection,
        "calendar_feeds",
        dict(id=1, user_id=4, name="phone", token_hash="c" * 64, created_at=T0),
    )
    insert(
        connection,
        "mandates",
        dict(
            id=1,
            user_id=1,
            starts_on=date(2024, 1, 1),
            note="Housing",
            granted_by_id=5,
            created_at=T0,
        ),
    )
    insert(connection, "mandate_areas", dict(mandate_id=1, area_id=1))
    insert(
        connection,
        "meetings",
        dict(
            id=1,
            uid="meeting-1@concord.test",
            title="Housing select committee",
            starts_at=T0,
            ends_at=T0.replace(hour=11),
            place="Committee room 2",
            online=False,
            organiser="Parliament",
            kind="parliamentary_evidence",
            status="held",
            minutes="Rents came up.",
            public=True,
            sequence=1,
            created_by_id=4,
            created_at=T0,
            updated_at=T0,
        ),
    )
    insert(connection, "meeting_areas", dict(meeting_id=1, area_id=1))
    insert(
        connection,
        "meeting_reschedules",
        dict(
            id=1,
            meeting_id=1,
            previous_starts_at=T0.replace(hour=8),
            changed_by_id=4,
            changed_at=T0,
        ),
    )
    insert(
        connection,
        "counterparts",
        dict(
            id=1,
            meeting_id=1,
            organisation_id=1,
            ordinal=0,
            person="A. Minister",
            role="Minister",
            represents="",
        ),
    )
    insert(
        connection,
        "appearances",
        dict(
            id=1,
            meeting_id=1,
            speaker_id=1,
            speaker_partner_id=1,
            capacity="alliance",
            partner_id=None,
            summary="Set out our view on rents.",
            follow_up="",
            recorded_by_id=4,
            created_at=T0,
            updated_at=T0,
            flags_checked_at=T0,
        ),
        dict(
            id=2,
            meeting_id=1,
            speaker_id=2,
            speaker_partner_id=2,
            capacity="partner",
            partner_id=2,
            summary="Moorland on buses.",
            follow_up="Send figures.",
            recorded_by_id=4,
            created_at=T0,
            updated_at=T0,
            flags_checked_at=T0,
        ),
    )
    insert(
        connection,
        "appearance_positions",
        dict(appearance_id=1, position_id=1, revision_id=1, state="published"),
        dict(appearance_id=1, position_id=2, revision_id=None, state="unpublished"),
    )
    insert(
        connection,
        "flags",
        dict(
            id=1,
            appearance_id=1,
            kind="no_unified_text",
            key="no_unified_text:2",
            position_id=2,
            area_id=None,
            detail="Bus routes had no published text.",
            raised_at=T0,
            review_note="",
        ),
    )
    chain.append(connection, "appearance.create", 4, "comms@alliance.test", 1, {"m": 1}, 7)


SEEDS = {
    "0001_core": seed_core,
    "0002_divergence": seed_divergence,
    "0003_spokesperson_log": seed_spokesperson_log,
}


def revisions_in_order(app) -> list[str]:
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    assert len(script.get_heads()) == 1, "the migrations have branched"
    return [r.revision for r in reversed(list(script.walk_revisions("base", "heads")))]


def check_the_app_on_migrated_data(app) -> None:
    """At head, the app reads the old rows, signs in an old user and writes on top of them."""
    assert audit.verify_chain_of(db.session).intact
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
    published = consensus.get_position(db.session, 1)
    assert published.published_revision.number == 1
    assert {s.partner.slug for s in published.publication.signatories} == {
        "harbourside",
        "moorland",
        "riverbank",
    }
    assert db.session.get(Appearance, 1).meeting.title == "Housing select committee"
    client = app.test_client()
    assert client.get("/public/fair-rents").status_code == 200
    login(client, db.session.get(User, 1))
    for page in ("/", "/positions/1", "/positions/2/history", "/meetings/1"):
        assert client.get(page).status_code == 200, page
    saved = drafting.save_revision(
        db.session,
        db.session.get(User, 1),
        2,
        title="Bus routes",
        body="Keep every rural route, and the evening ones.",
        base_number=2,
        note="after migrating",
    )
    db.session.commit()
    assert saved.revision.number == 3
    assert db.session.get(Position, 2).current_revision.amendment_id is None
    assert audit.verify_chain_of(db.session).intact
    db.session.remove()


def test_every_migration_keeps_the_data_of_the_ones_before_on_the_way_up_and_down(empty_app):
    steps = revisions_in_order(empty_app)
    assert steps[:3] == list(SEEDS)  # a new migration goes on the end and is checked too
    chain, before, checked = Chain(), {}, []
    for step in steps:
        flask_migrate.upgrade(revision=step)
        after = snapshot()
        assert_kept(before, after)
        if step in SEEDS:
            with db.engine.begin() as connection:
                SEEDS[step](connection, chain)
                sync_sequences(connection)
        before = snapshot()
        checked.append(f"up {step}: {sum(len(r) for r in before.values())} rows")

    check_the_app_on_migrated_data(empty_app)
    before = snapshot()
    for step, previous in zip(reversed(steps), [*reversed(steps[:-1]), "base"], strict=True):
        flask_migrate.downgrade(revision=previous)
        after = snapshot()
        kept = assert_kept(before, after, dropped=before.keys() - after.keys())
        before = after
        checked.append(f"down {step}: {kept} rows kept")
    assert before == {}
    print("\nmigration steps checked: " + "; ".join(checked))
