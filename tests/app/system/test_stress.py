"""Stress on PostgreSQL: many threads edit, sign off and publish the same few positions at once.

Each thread drives the JSON API through its own test client (every request its own app context,
session and connection) for a bounded time. Afterwards every invariant is checked against the
database and the audit record (whose order is commit order: appends lock its head row until
commit):

- every publication carried every active partner's approval of exactly the published text, both
  in its signatories and in the sign-off history as it stood at that moment;
- every revision answered 201 exists with the hash it was answered with, and no other does;
- revision numbers run 1, 2, 3 ... without gaps on every position;
- sign-offs and the audit record agree one for one, and the audit chain verifies.

CONCORD_STRESS_SECONDS (20), CONCORD_STRESS_THREADS (8) and CONCORD_STRESS_POSITIONS (3) bound it.
"""

import json
import os
import random
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from sqlalchemy import select

from app.alliance.models import Partner
from app.audit import services as audit
from app.audit.models import AuditEvent
from app.drafting.models import Position, Publication, Revision, SignOff
from app.extensions import db
from tests.support.client import api_headers
from tests.support.databases import ON_POSTGRES
from tests.support.factories import make_position

pytestmark = [
    pytest.mark.skipif(not ON_POSTGRES, reason="row locks under load: PostgreSQL"),
    pytest.mark.slow,
    pytest.mark.fresh_db,  # threads, each with a connection of its own
]

SECONDS = float(os.environ.get("CONCORD_STRESS_SECONDS", "20"))
THREADS = int(os.environ.get("CONCORD_STRESS_THREADS", "8"))
POSITIONS = int(os.environ.get("CONCORD_STRESS_POSITIONS", "3"))
LINES = 12
REPORT = Path(__file__).resolve().parents[2] / "artifacts" / "hardening" / "stress.json"

# What a refusal may be: anything else (a 5xx above all) is a failure.
EXPECTED_REFUSALS = {
    "edit": {(409, "edit_conflict"), (400, "no_change")},
    "approve": {(409, "not_current")},
    "object": {(409, "not_current")},
    "publish": {(409, "not_current"), (409, "not_unanimous"), (409, "already_published")},
}


def first_body(n: int) -> str:
    return "\n\n".join(f"Point {i}: the alliance's first word on {n}." for i in range(LINES))


class Worker:
    """One thread's loop: read a position, then act on what it saw, as a busy person would."""

    def __init__(self, app, index, tokens, position_ids, deadline, created, errors):
        self.client = app.test_client()
        self.rng = random.Random(index)
        self.name = f"t{index}"
        self.tokens, self.position_ids, self.deadline = tokens, position_ids, deadline
        self.created, self.errors = created, errors
        self.tally: Counter = Counter()  # its own: merged once the threads are done
        self.count = 0

    def call(self, kind: str, method: str, path: str, token: str, payload=None):
        headers = {"Authorization": f"Bearer {token}"}
        answer = self.client.open(path, method=method, json=payload, headers=headers)
        if answer.status_code in (200, 201):
            self.tally[(kind, "ok")] += 1
            return answer.json
        code = (answer.json or {}).get("error", {}).get("code") if answer.is_json else None
        if (answer.status_code, code) in EXPECTED_REFUSALS.get(kind, ()):
            self.tally[(kind, f"{answer.status_code} {code}")] += 1
        else:
            self.errors.append(f"{kind} {path}: {answer.status_code} {answer.get_data()[:300]!r}")
        return None

    def step(self) -> None:
        position_id = self.rng.choice(self.position_ids)
        seen = self.client.get(
            f"/api/v1/positions/{position_id}",
            headers={"Authorization": f"Bearer {self.tokens['comms']}"},
        )
        if seen.status_code != 200:
            self.errors.append(f"read {position_id}: {seen.status_code}")
            return
        state = seen.json
        current = state["current_revision"]
        waiting = [s["partner"] for s in state["consensus"]["partners"] if s["state"] != "approved"]
        roll = self.rng.random()
        if state["consensus"]["publishable"]:
            choice = "publish" if roll < 0.6 else "edit" if roll < 0.8 else "sign"
        else:
            choice = "sign" if roll < 0.65 else "edit" if roll < 0.85 else "publish"
        if choice == "sign":
            self.sign(position_id, current["number"], waiting or list(self.tokens["chiefs"]))
        elif choice == "edit":
            self.edit(position_id, current)
        else:
            self.call(
                "publish",
                "POST",
                f"/api/v1/positions/{position_id}/publish",
                self.tokens["comms"],
                {"revision": current["number"]},
            )

    def sign(self, position_id: int, number: int, partners: list[str]) -> None:
        partner = self.rng.choice(partners)
        objecting = self.rng.random() < 0.05
        self.call(
            "object" if objecting else "approve",
            "POST",
            f"/api/v1/positions/{position_id}/signoffs",
            self.tokens["chiefs"][partner],
            {
                "revision": number,
                "decision": "object" if objecting else "approve",
                "comment": f"Not yet ({self.name})." if objecting else "",
            },
        )

    def edit(self, position_id: int, current: dict) -> None:
        self.count += 1
        lines = current["body"].split("\n\n")
        line = self.rng.randrange(len(lines))
        lines[line] = f"Point {line}: rewritten by {self.name}, edit {self.count}."
        base = current["number"]
        if base > 1 and self.rng.random() < 0.2:
            base -= 1  # an edit begun before the last save: merged, or a conflict
        author = self.rng.choice(list(self.tokens["officers"].values()))
        saved = self.call(
            "edit",
            "POST",
            f"/api/v1/positions/{position_id}/revisions",
            author,
            {"body": "\n\n".join(lines), "base_revision": base, "note": f"{self.name}"},
        )
        if saved is not None:
            self.created.append((position_id, saved["number"], saved["hash"]))
            if saved["merged"]:
                self.tally[("edit", "merged")] += 1

    def run(self) -> None:
        while time.monotonic() < self.deadline and len(self.errors) < 20:
            try:
                self.step()
            except Exception as exc:  # a traceback from the app: a failure of the test
                self.errors.append(f"{self.name}: {exc!r}")


# ---- the invariants ----------------------------------------------------------------------------


def check_revisions(position_ids, created) -> list[str]:
    problems = []
    answered = defaultdict(dict)
    for position_id, number, digest in created:
        answered[position_id][number] = digest
    for position_id in position_ids:
        stored = {
            r.number: r.content_hash
            for r in db.session.execute(
                select(Revision).where(Revision.position_id == position_id)
            ).scalars()
        }
        if sorted(stored) != list(range(1, len(stored) + 1)):
            problems.append(f"position {position_id}: revision numbers {sorted(stored)} have gaps")
        for number, digest in answered[position_id].items():
            if stored.get(number) != digest:
                problems.append(f"position {position_id}: revision {number} answered 201 is lost")
        if set(stored) - {1} != set(answered[position_id]):
            problems.append(f"position {position_id}: revisions nobody was told were created")
        position = db.session.get(Position, position_id)
        if position.current_revision.number != max(stored):
            problems.append(f"position {position_id}: current is not the newest revision")
    return problems


def check_publications(position_ids) -> tuple[list[str], int]:
    """Replay the audit record in commit order against the sign-off and publication rows."""
    problems, checked = [], 0
    partners = {p.id: p.slug for p in db.session.execute(select(Partner)).scalars() if p.active}
    for position_id in position_ids:
        signoffs = list(
            db.session.execute(
                select(SignOff).where(SignOff.position_id == position_id).order_by(SignOff.id)
            ).scalars()
        )
        publications = list(
            db.session.execute(
                select(Publication)
                .where(Publication.position_id == position_id)
                .order_by(Publication.id)
            ).scalars()
        )
        events = db.session.execute(
            select(AuditEvent)
            .where(AuditEvent.object_type == "position", AuditEvent.object_id == str(position_id))
            .order_by(AuditEvent.seq)
        ).scalars()
        pending_signoffs, pending_publications = iter(signoffs), iter(publications)
        current_hash, latest = None, {}
        for event in events:
            details = json.loads(event.details)
            if event.action in ("position.create", "revision.create"):
                current_hash = details["hash"]
            elif event.action in ("signoff.approve", "signoff.object"):
                row = next(pending_signoffs, None)  # per position, id order is commit order
                if row is None or (
                    partners.get(row.partner_id),
                    f"signoff.{row.decision}",
                    row.content_hash,
                ) != (details["partner"], event.action, details["hash"]):
                    problems.append(f"position {position_id}: sign-off history and audit differ")
                    break
                latest[row.partner_id] = row
            elif event.action == "position.publish":
                checked += 1
                publication = next(pending_publications, None)
                if publication is None:
                    problems.append(f"position {position_id}: a publish event with no row")
                    break
                revision = publication.revision
                signed = {s.partner_id: s for s in publication.signatories}
                wanted = {
                    pid: s
                    for pid, s in latest.items()
                    if s.decision == "approve" and s.content_hash == revision.content_hash
                }
                if not (
                    revision.content_hash == details["hash"] == current_hash
                    and set(signed) == set(wanted) == set(partners)
                    and all(signed[p].id == wanted[p].id for p in partners)
                    and sorted(s.id for s in signed.values()) == details["signatories"]
                ):
                    problems.append(
                        f"position {position_id}: publication {publication.id} of revision "
                        f"{revision.number} lacked unanimous approval of its exact text"
                    )
        if next(pending_signoffs, None) is not None:
            problems.append(f"position {position_id}: sign-offs missing from the audit record")
        if next(pending_publications, None) is not None:
            problems.append(f"position {position_id}: publications missing from the audit record")
        position = db.session.get(Position, position_id)
        expected_pointer = publications[-1].id if publications else None
        if position.publication_id != expected_pointer:
            problems.append(f"position {position_id}: publication pointer disagrees")
    return problems, checked


def test_many_threads_editing_signing_and_publishing_keep_every_invariant(app, alliance, session):
    position_ids = [
        make_position(alliance.drafter, title=f"Stressed {n}", body=first_body(n)).id
        for n in range(POSITIONS)
    ]
    session.commit()
    tokens = {
        "comms": api_headers(alliance.comms)["Authorization"].split()[1],
        "chiefs": {
            slug: api_headers(u)["Authorization"].split()[1] for slug, u in alliance.chiefs.items()
        },
        "officers": {
            slug: api_headers(u)["Authorization"].split()[1]
            for slug, u in alliance.officers.items()
        },
    }
    session.remove()

    created, errors = [], []
    started = time.monotonic()
    deadline = started + SECONDS
    workers = [
        Worker(app, i, tokens, position_ids, deadline, created, errors) for i in range(THREADS)
    ]
    threads = [threading.Thread(target=w.run, name=w.name) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(SECONDS + 60)
    elapsed = time.monotonic() - started
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert errors == [], errors[:5]
    tally = sum((w.tally for w in workers), Counter())

    violations = check_revisions(position_ids, created)
    publication_problems, publications = check_publications(position_ids)
    violations += publication_problems
    verification = audit.verify_chain_of(db.session)
    violations += verification.problems

    operations = Counter()
    refusals = Counter()
    for (kind, outcome), n in tally.items():
        if outcome == "ok":
            operations[kind] += n
        elif outcome != "merged":
            refusals[f"{kind} {outcome}"] += n
    report = {
        "seconds": round(elapsed, 1),
        "threads": THREADS,
        "positions": POSITIONS,
        "operations": dict(operations),
        "merged_edits": tally[("edit", "merged")],
        "refusals": dict(refusals),
        "publications_checked": publications,
        "audit_events": verification.events,
        "invariant_violations": len(violations),
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2))
    print(f"\nstress: {json.dumps(report)}")
    assert violations == []
    # The run must have exercised what it claims to: every kind succeeded and was refused.
    assert operations["edit"] and operations["approve"] and operations["publish"], report
    assert publications == operations["publish"]
    assert sum(refusals.values()) > 0, report
