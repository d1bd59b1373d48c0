"""Races on PostgreSQL: an edit or sign-offs racing a publish never publish unapproved text.

Each thread has its own app context, so its own session and connection. A Barrier starts them
together; every round is bounded by join timeouts. Afterwards the audit record, whose sequence
is commit order (appends lock its head row until commit), is replayed to check that at every
publication each partner's latest decision approved exactly the published text.
"""

import json
import threading
from collections import Counter

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.alliance.models import Partner
from app.audit.models import AuditEvent
from app.drafting.models import Publication
from app.drafting.services import consensus
from app.drafting.services import editing as drafting
from app.extensions import db
from positions.refusals import Conflict
from tests.support.databases import ON_POSTGRES
from tests.support.factories import approve, make_position, revise

pytestmark = [
    pytest.mark.skipif(not ON_POSTGRES, reason="row locks race only on PostgreSQL"),
    pytest.mark.fresh_db,  # threads, each with a connection of its own
]

ROUNDS = 30
JOIN_TIMEOUT = 30


def _in_own_context(app, barrier, outcomes, errors, name, work):
    def run():
        try:
            with app.app_context():
                barrier.wait()
                try:
                    work()
                    db.session.commit()
                    outcomes[name] = "done"
                except Conflict as refused:
                    db.session.rollback()
                    outcomes[name] = refused.code
        except Exception as exc:  # anything else is a failure of the test
            errors.append(f"{name}: {exc!r}")

    return threading.Thread(target=run, name=name)


def race(app, **work) -> dict[str, str]:
    """Run each piece of work in its own thread, released together; return their outcomes."""
    barrier = threading.Barrier(len(work), timeout=JOIN_TIMEOUT)
    outcomes: dict[str, str] = {}
    errors: list[str] = []
    threads = [_in_own_context(app, barrier, outcomes, errors, n, w) for n, w in work.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(JOIN_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a racing thread hung"
    assert errors == []
    return outcomes


def as_user(user_id: int) -> User:
    return db.session.get(User, user_id)


def sign(user_id: int, position_id: int, number: int, decision: str = "approve"):
    def work():
        consensus.sign_off(
            db.session,
            as_user(user_id),
            position_id,
            revision_number=number,
            decision=decision,
            comment="Not this." if decision == "object" else "",
        )

    return work


def publish(user_id: int, position_id: int, number: int):
    def work():
        consensus.publish(db.session, as_user(user_id), position_id, revision_number=number)

    return work


def edit(user_id: int, position_id: int, base: int, body: str):
    def work():
        drafting.save_revision(
            db.session,
            as_user(user_id),
            position_id,
            title="Raced",
            body=body,
            base_number=base,
            note="racing edit",
        )

    return work


def assert_every_publication_was_unanimous(session, position_ids) -> int:
    """Replay the audit record in commit order; return how many publications were checked."""
    partners = {p.slug for p in session.execute(select(Partner)).scalars() if p.active}
    checked = 0
    for position_id in position_ids:
        current: dict = {}
        latest: dict[str, tuple[str, str]] = {}
        events = session.execute(
            select(AuditEvent)
            .where(AuditEvent.object_type == "position", AuditEvent.object_id == str(position_id))
            .order_by(AuditEvent.seq)
        ).scalars()
        for event in events:
            details = json.loads(event.details)
            if event.action in ("position.create", "revision.create"):
                current = details
            elif event.action in ("signoff.approve", "signoff.object"):
                latest[details["partner"]] = (event.action, details["hash"])
            elif event.action == "position.publish":
                assert details["revision"] == current["revision"]
                assert details["hash"] == current["hash"]
                assert {slug: latest.get(slug) for slug in partners} == {
                    slug: ("signoff.approve", current["hash"]) for slug in partners
                }, f"position {position_id} published without unanimity"
                checked += 1
    for publication in session.execute(select(Publication)).scalars():
        revision = publication.revision
        assert sorted(s.partner.slug for s in publication.signatories) == sorted(partners)
        for signoff in publication.signatories:
            assert signoff.decision == "approve"
            assert signoff.revision_id == revision.id
            assert signoff.content_hash == revision.content_hash
    return checked


def test_an_edit_racing_a_publish_never_publishes_unapproved_text(app, alliance, session):
    drafter, comms = alliance.drafter.id, alliance.comms.id
    positions, seen = [], Counter()
    for i in range(ROUNDS):
        position = make_position(alliance.drafter, title=f"Raced {i}", body="Agreed text.")
        alliance.approve_all(position)
        session.commit()
        positions.append(position.id)
        outcomes = race(
            app,
            edit=edit(drafter, position.id, 1, f"An unapproved change {i}."),
            publish=publish(comms, position.id, 1),
        )
        assert outcomes["edit"] == "done"
        assert outcomes["publish"] in ("done", "not_current")
        seen[outcomes["publish"]] += 1
    session.expire_all()
    assert assert_every_publication_was_unanimous(session, positions) == seen["done"]
    for position_id in positions:
        position = consensus.get_position(session, position_id)
        assert position.current_revision.number == 2
        if position.publication:
            assert position.published_revision.body == "Agreed text."


def test_two_sign_offs_racing_a_publish_never_publish_unapproved_text(app, alliance, session):
    chiefs = {slug: user.id for slug, user in alliance.chiefs.items()}
    comms = alliance.comms.id
    positions, seen = [], Counter()
    for i in range(ROUNDS):
        position = make_position(alliance.drafter, title=f"Signed {i}", body="First text.")
        alliance.approve_all(position)
        revise(alliance.drafter, position, f"Second text {i}.")  # every approval now stale
        approve(alliance.chiefs["harbourside"], position)
        veto = i % 2 == 1
        if veto:  # all approve; moorland approves again and riverbank objects, racing the publish
            approve(alliance.chiefs["moorland"], position)
            approve(alliance.chiefs["riverbank"], position)
        session.commit()
        positions.append(position.id)
        outcomes = race(
            app,
            moorland=sign(chiefs["moorland"], position.id, 2),
            riverbank=sign(chiefs["riverbank"], position.id, 2, "object" if veto else "approve"),
            publish=publish(comms, position.id, 2),
        )
        assert outcomes["moorland"] == outcomes["riverbank"] == "done"
        assert outcomes["publish"] in ("done", "not_unanimous")
        seen[(veto, outcomes["publish"])] += 1
    session.expire_all()
    published = seen[(False, "done")] + seen[(True, "done")]
    assert assert_every_publication_was_unanimous(session, positions) == published
