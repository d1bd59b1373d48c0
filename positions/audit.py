"""The audit record's hash chain: each event's hash covers the previous hash and its own facts."""

import hashlib
import json
from dataclasses import dataclass

GENESIS = "0" * 64


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
) -> str:
    fields = [prev_hash, str(seq), at, actor, action, object_type, object_id, details]
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()


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
    )


def verify_chain(records: list[AuditRecord], head_seq: int, head_hash: str) -> list[str]:
    """Problems with the chain, in order; an empty list means it is intact.

    Catches an edited event (its hash no longer matches), a deleted or inserted event (a gap in
    the sequence or a broken link), and a deleted tail (the head no longer matches the last event).
    """
    problems = []
    prev_hash, expected_seq = GENESIS, 1
    for record in records:
        if record.seq != expected_seq:
            problems.append(f"event {expected_seq} is missing (found {record.seq} next)")
        if record.prev_hash != prev_hash:
            problems.append(f"event {record.seq} does not follow the event before it")
        if record_hash(record) != record.hash:
            problems.append(f"event {record.seq} was altered: its hash does not match its content")
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
