"""The audit record's hash chain, its cross-checks against the data, and signed checkpoints.

Each event's hash covers the previous hash and its own facts, so an edited, missing or inserted
event shows. That alone does not stop whoever runs the database from rewriting the chain and
recomputing every hash after the rewrite; three more things do:

- the hash covers a canonical encoding (version 2: a JSON array of every field, the actor's id
  included), so no field can be re-split into others, as a separator join allowed;
- verify cross-checks the data against the chain: every sign-off, revision and publication row
  has its event with the same facts, every revision's body still matches its content hash, and
  every publication was unanimous on that exact hash when it happened;
- checkpoints (head sequence and hash, signed) leave the database: a partner holding one can tell
  whether the chain up to it was rewritten.
"""

import hashlib
import hmac
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from positions.roles import Role

GENESIS = "0" * 64
HASH_VERSION = 2  # events written from now on; version 1 (a separator join) only verifies before


@dataclass(frozen=True)
class AuditRecord:
    seq: int
    at: str  # ISO 8601, UTC, exactly as stored
    actor: str
    action: str
    object_type: str
    object_id: str
    details: str  # canonical JSON
    prev_hash: str
    hash: str
    actor_id: str = ""  # the acting user's id as text, "" for none (hashed from version 2)
    version: int = HASH_VERSION


def canonical_details(details: dict | None) -> str:
    return json.dumps(details or {}, sort_keys=True, separators=(",", ":"), default=str)


def event_hash(
    prev_hash: str,
    seq: int,
    at: str,
    actor: str,
    action: str,
    object_type: str,
    object_id: str,
    details: str,
    *,
    actor_id: str = "",
    version: int = HASH_VERSION,
) -> str:
    if version == 1:
        # Kept only so events written before version 2 still verify. Fields joined with \x1f,
        # unescaped: a field containing \x1f could be re-split, which is why version 2 exists.
        fields = [prev_hash, str(seq), at, actor, action, object_type, object_id, details]
        return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()
    encoded = json.dumps(
        [version, prev_hash, seq, at, actor_id, actor, action, object_type, object_id, details],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def record_hash(record: AuditRecord) -> str:
    return event_hash(
        record.prev_hash,
        record.seq,
        record.at,
        record.actor,
        record.action,
        record.object_type,
        record.object_id,
        record.details,
        actor_id=record.actor_id,
        version=record.version,
    )


def verify_chain(records: list[AuditRecord], head_seq: int, head_hash: str) -> list[str]:
    """Problems with the chain, in order; an empty list means it is intact.

    Catches an edited event (its hash no longer matches), a deleted or inserted event (a gap in
    the sequence or a broken link), a deleted tail (the head no longer matches the last event),
    and an event written in the old format after the new one was in use (a downgrade to forge).
    """
    problems = []
    prev_hash, expected_seq, newest_version = GENESIS, 1, 1
    for record in records:
        if record.seq != expected_seq:
            problems.append(f"event {expected_seq} is missing (found {record.seq} next)")
        if record.prev_hash != prev_hash:
            problems.append(f"event {record.seq} does not follow the event before it")
        if record.version not in (1, HASH_VERSION) or record.version < newest_version:
            problems.append(
                f"event {record.seq} is in a hash format it cannot have been written in"
            )
        elif record_hash(record) != record.hash:
            problems.append(f"event {record.seq} was altered: its hash does not match its content")
        newest_version = max(newest_version, record.version)
        prev_hash, expected_seq = record.hash, record.seq + 1
    last_seq = records[-1].seq if records else 0
    if (last_seq, prev_hash) != (head_seq, head_hash if head_seq else GENESIS):
        problems.append(f"the chain ends at event {last_seq} but the head records event {head_seq}")
    return problems


# ---- reading the record: words for people, not JSON ------------------------------------------


def readable_details(details: str) -> list[tuple[str, str]]:
    """An event's details as (label, text) pairs: `{"left_on": ["2024-01-01", null]}` reads
    "Left on: 2024-01-01 → none". Details that are not a JSON object are shown as they are."""
    try:
        data = json.loads(details or "{}")
    except ValueError:
        return [("Details", details)]
    if not isinstance(data, dict):
        return [("Details", str(data))]
    return [(_label(key), _text(value)) for key, value in sorted(data.items())]


def _label(key: str) -> str:
    words = key.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _text(value) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        if len(value) == 2 and not any(isinstance(v, list | dict) for v in value):
            return f"{_text(value[0])} → {_text(value[1])}"  # a change: before → after
        return ", ".join(_text(v) for v in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{_label(k).lower()} {_text(v)}" for k, v in sorted(value.items()))
    return str(value)


# ---- the data against the chain ----------------------------------------------------------------


@dataclass(frozen=True)
class RevisionFact:
    position_id: int
    number: int
    content_hash: str  # as stored
    recomputed_hash: str  # of the stored title and body, now


@dataclass(frozen=True)
class SignOffFact:
    position_id: int
    partner: str  # slug
    revision: int
    decision: str  # approve or object
    content_hash: str
    at: datetime


@dataclass(frozen=True)
class PublicationFact:
    position_id: int
    revision: int
    content_hash: str  # of the published revision
    at: datetime
    members: frozenset[str]  # slugs of the partners active on the day it was published


@dataclass(frozen=True)
class ConfirmationFact:
    """A partner's confirmation that a joint decision be undone (a withdrawal or a reopening)."""

    position_id: int
    partner: str  # slug
    motion: str  # withdraw or reopen
    subject: int  # the withdrawn revision's number, or the reopened outcome's id
    content_hash: str


@dataclass(frozen=True)
class WithdrawalFact:
    position_id: int
    revision: int
    content_hash: str  # of the withdrawn revision
    members: frozenset[str]  # slugs of the partners active on the day it was withdrawn


@dataclass(frozen=True)
class PersonFact:
    """Someone's roles and partner as the people table holds them now."""

    user_id: int
    roles: frozenset[str]
    partner: str | None  # slug; None for the alliance team


def _details(record: AuditRecord) -> dict:
    try:
        found = json.loads(record.details)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def _unmatched(kind: str, rows: Counter, events: Counter, describe) -> list[str]:
    problems = [f"{kind} {describe(key)} has no event on the record" for key in rows - events]
    problems += [f"the record has a {kind} {describe(key)} the data lacks" for key in events - rows]
    return sorted(problems)


def cross_check(
    records: Iterable[AuditRecord],
    revisions: Iterable[RevisionFact],
    signoffs: Iterable[SignOffFact],
    publications: Iterable[PublicationFact],
    confirmations: Iterable[ConfirmationFact] = (),
    withdrawals: Iterable[WithdrawalFact] = (),
    people: Iterable[PersonFact] = (),
) -> list[str]:
    """Where the data and the chain disagree; an empty list means every fact has its event.

    Rows and events are compared as multisets of their facts, so a flipped decision, a changed
    partner, a rewritten body, a row without its event and an event without its row all show.
    """
    signoffs = list(signoffs)
    event_revisions: Counter = Counter()
    event_signoffs: Counter = Counter()
    event_publications: Counter = Counter()
    event_confirmations: Counter = Counter()
    event_withdrawals: Counter = Counter()
    for record in records:
        details = _details(record)
        position = record.object_id
        if record.action in ("position.create", "revision.create"):
            event_revisions[(position, details.get("revision"), details.get("hash"))] += 1
        elif record.action in ("signoff.approve", "signoff.object"):
            decision = record.action.split(".", 1)[1]
            key = (position, details.get("partner"), details.get("revision"), decision)
            event_signoffs[(*key, details.get("hash"))] += 1
        elif record.action == "position.publish":
            event_publications[(position, details.get("revision"), details.get("hash"))] += 1
        elif record.action in ("withdraw.confirm", "reopen.confirm"):
            motion = record.action.split(".", 1)[0]
            key = (position, details.get("partner"), motion, details.get("subject"))
            event_confirmations[(*key, details.get("hash"))] += 1
        elif record.action == "position.withdraw":
            event_withdrawals[(position, details.get("revision"), details.get("hash"))] += 1
    problems: list[str] = []
    revisions = list(revisions)
    for r in revisions:
        if r.recomputed_hash != r.content_hash:
            problems.append(
                f"revision {r.number} of position {r.position_id} was rewritten: its text no "
                "longer matches its content hash"
            )
    problems += _unmatched(
        "revision",
        Counter((str(r.position_id), r.number, r.content_hash) for r in revisions),
        event_revisions,
        lambda k: f"{k[1]} of position {k[0]} (hash {str(k[2])[:12]})",
    )
    problems += _unmatched(
        "sign-off",
        Counter(
            (str(s.position_id), s.partner, s.revision, s.decision, s.content_hash)
            for s in signoffs
        ),
        event_signoffs,
        lambda k: f"by {k[1]} on revision {k[2]} of position {k[0]} ({k[3]})",
    )
    publications = list(publications)
    problems += _unmatched(
        "publication",
        Counter((str(p.position_id), p.revision, p.content_hash) for p in publications),
        event_publications,
        lambda k: f"of revision {k[1]} of position {k[0]}",
    )
    for p in publications:
        missing = not_approving(p, signoffs)
        if missing:
            problems.append(
                f"the publication of revision {p.revision} of position {p.position_id} was not "
                f"unanimous on its text: no approval then from {', '.join(sorted(missing))}"
            )
    problems += _governance_problems(
        list(confirmations), list(withdrawals), event_confirmations, event_withdrawals
    )
    problems += _role_problems(list(people), roles_on_record(records))
    return problems


def _role_set(value) -> frozenset[str]:
    if isinstance(value, str):  # a person's roles as stored: "chief_officer,policy_officer"
        value = value.split(",")
    return frozenset(r for r in value or () if r)


def roles_on_record(records: Iterable[AuditRecord]) -> dict[str, tuple[frozenset[str], str | None]]:
    """Each person's roles and partner as the chain's events leave them, replayed in order.

    Roles change in three ways only: an account is created, an admin changes someone's roles
    or partner (the event holds what they became), and a partner's chief officer confirms
    someone's appointment as its chief officer."""
    held: dict[str, tuple[frozenset[str], str | None]] = {}
    for record in records:
        if record.object_type != "user":
            continue
        details = _details(record)
        if record.action == "user.create":
            held[record.object_id] = (_role_set(details.get("roles")), details.get("partner"))
        elif record.action == "user.update":
            after = details.get("after") or {}
            held[record.object_id] = (_role_set(after.get("roles")), after.get("partner"))
        elif record.action == "signatory.appoint.confirmed" and record.object_id in held:
            roles, partner = held[record.object_id]
            held[record.object_id] = (roles | {Role.CHIEF_OFFICER.value}, partner)
    return held


def _role_problems(
    people: list[PersonFact], on_record: dict[str, tuple[frozenset[str], str | None]]
) -> list[str]:
    """A role given or a person moved to another partner behind the record's back (say, a
    database edit making someone a second chief officer) shows here."""

    def described(roles: frozenset[str], partner: str | None) -> str:
        return f"{', '.join(sorted(roles)) or 'no role'} ({partner or 'alliance team'})"

    problems = []
    for person in people:
        recorded = on_record.get(str(person.user_id))
        if recorded is None:
            problems.append(f"person {person.user_id} has no event on the record")
        elif recorded != (person.roles, person.partner):
            problems.append(
                f"person {person.user_id} holds {described(person.roles, person.partner)} but "
                f"the record gives them {described(*recorded)}"
            )
    known = {str(person.user_id) for person in people}
    problems += [
        f"the record has person {user_id} the data lacks"
        for user_id in sorted(set(on_record) - known, key=lambda i: (len(i), i))
    ]
    return problems


def _governance_problems(
    confirmations: list[ConfirmationFact],
    withdrawals: list[WithdrawalFact],
    event_confirmations: Counter,
    event_withdrawals: Counter,
) -> list[str]:
    """Undoing what the partners agreed: each confirmation and withdrawal has its event, and a
    withdrawal stands on a confirmation from every partner of that day."""
    problems = _unmatched(
        "confirmation",
        Counter(
            (str(c.position_id), c.partner, c.motion, c.subject, c.content_hash)
            for c in confirmations
        ),
        event_confirmations,
        lambda k: f"by {k[1]} to {k[2]} {k[3]} of position {k[0]}",
    )
    problems += _unmatched(
        "withdrawal",
        Counter((str(w.position_id), w.revision, w.content_hash) for w in withdrawals),
        event_withdrawals,
        lambda k: f"of revision {k[1]} of position {k[0]}",
    )
    for w in withdrawals:
        confirmed = {
            c.partner
            for c in confirmations
            if (c.position_id, c.motion, c.subject, c.content_hash)
            == (w.position_id, "withdraw", w.revision, w.content_hash)
        }
        missing = w.members - confirmed
        if missing:
            problems.append(
                f"the withdrawal of revision {w.revision} of position {w.position_id} was not "
                f"confirmed by every partner: none from {', '.join(sorted(missing))}"
            )
    return problems


def not_approving(publication: PublicationFact, signoffs: Iterable[SignOffFact]) -> set[str]:
    """Partners active at the publication whose latest decision then was not approve on its hash."""
    latest: dict[str, SignOffFact] = {}
    for s in sorted(signoffs, key=lambda s: s.at):
        if s.position_id == publication.position_id and s.at <= publication.at:
            latest[s.partner] = s
    return {
        partner
        for partner in publication.members
        if (found := latest.get(partner)) is None
        or (found.decision, found.content_hash) != ("approve", publication.content_hash)
    }


# ---- checkpoints ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str  # ISO 8601, UTC
    signature: str  # HMAC-SHA256 of the payload, hex


def checkpoint_file(checkpoint: Checkpoint) -> str:
    """The checkpoint as the file a partner keeps (public page, mail and command line alike)."""
    fields = {"seq": checkpoint.seq, "hash": checkpoint.hash, "at": checkpoint.at}
    return json.dumps(fields | {"signature": checkpoint.signature}, indent=2) + "\n"


def read_checkpoint_file(text: str) -> Checkpoint:
    """A kept checkpoint file read back; ValueError says why it is not one."""
    try:
        held = json.loads(text)
        return Checkpoint(int(held["seq"]), held["hash"], held["at"], held["signature"])
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"not a checkpoint file: {error}") from None


def checkpoint_payload(seq: int, head_hash: str, at: str) -> bytes:
    return json.dumps(["concord-checkpoint", 1, seq, head_hash, at], separators=(",", ":")).encode()


def sign_checkpoint(key: bytes, seq: int, head_hash: str, at: str) -> Checkpoint:
    signature = hmac.new(key, checkpoint_payload(seq, head_hash, at), hashlib.sha256).hexdigest()
    return Checkpoint(seq, head_hash, at, signature)


def checkpoint_signed(key: bytes, checkpoint: Checkpoint) -> bool:
    expected = sign_checkpoint(key, checkpoint.seq, checkpoint.hash, checkpoint.at).signature
    return hmac.compare_digest(expected, checkpoint.signature)


def against_checkpoint(records: list[AuditRecord], checkpoint: Checkpoint) -> list[str]:
    """Whether the chain still holds the event a checkpoint vouched for, unchanged.

    The chain links every event to the one before, so the event at the checkpoint's sequence
    having the checkpoint's hash (on an intact chain) fixes every event up to it.
    """
    if checkpoint.seq == 0:
        return []
    found = next((r for r in records if r.seq == checkpoint.seq), None)
    if found is None:
        return [
            f"the checkpoint of {checkpoint.at} vouches for event {checkpoint.seq}, which is gone"
        ]
    if found.hash != checkpoint.hash:
        return [
            f"event {checkpoint.seq} is not the one the checkpoint of {checkpoint.at} vouches "
            "for: the record up to it was rewritten"
        ]
    return []
