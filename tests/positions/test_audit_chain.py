"""The audit log's hash chain: any edit, deletion, reordering or forgery is detected."""

from dataclasses import fields, replace

import pytest

from positions.audit import GENESIS, AuditRecord, canonical_details, event_hash, verify_chain

LENGTH = 5
FACTS = [f.name for f in fields(AuditRecord)]


def record(seq: int, prev_hash: str, **facts) -> AuditRecord:
    """A correctly hashed record following `prev_hash`."""
    values = {
        "at": f"2024-06-01T09:0{seq % 10}:00+00:00",
        "actor": f"user:{seq}",
        "action": "signoff.approve",
        "object_type": "position",
        "object_id": str(seq * 7),
        "details": canonical_details({"revision": seq}),
    } | facts
    return AuditRecord(
        seq=seq, prev_hash=prev_hash, hash=event_hash(prev_hash, seq, **values), **values
    )


def chain(length: int = LENGTH) -> list[AuditRecord]:
    records: list[AuditRecord] = []
    for seq in range(1, length + 1):
        records.append(record(seq, records[-1].hash if records else GENESIS))
    return records


def verify(records: list[AuditRecord], head: AuditRecord | None) -> list[str]:
    """Verify against the head as it was recorded for the untouched chain."""
    return verify_chain(records, head.seq, head.hash) if head else verify_chain(records, 0, "")


def tampered(value):
    return value + 100 if isinstance(value, int) else value + "x"


def test_an_intact_chain_verifies():
    records = chain()
    assert verify(records, records[-1]) == []


def test_an_empty_chain_verifies():
    assert verify([], None) == []


def test_each_record_links_to_the_one_before():
    records = chain()
    assert records[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(records, records[1:], strict=False))


@pytest.mark.parametrize("index", [0, LENGTH // 2, LENGTH - 1])
@pytest.mark.parametrize("field", FACTS)
def test_editing_any_field_of_any_record_is_detected(field, index):
    records = chain()
    head = records[-1]
    records[index] = replace(records[index], **{field: tampered(getattr(records[index], field))})
    assert verify(records, head)


@pytest.mark.parametrize("index", [0, LENGTH // 2, LENGTH - 1])
def test_an_edit_with_a_recomputed_hash_still_breaks_the_chain(index):
    records = chain()
    head = records[-1]
    records[index] = record(index + 1, records[index].prev_hash, actor="someone else")
    assert verify(records, head)


def test_deleting_a_middle_record_is_detected():
    records = chain()
    problems = verify(records[:2] + records[3:], records[-1])
    assert any("event 3 is missing" in p for p in problems)


def test_deleting_the_first_record_is_detected():
    records = chain()
    assert any("event 1 is missing" in p for p in verify(records[1:], records[-1]))


def test_deleting_the_last_record_is_detected_by_the_head():
    records = chain()
    problems = verify(records[:-1], records[-1])
    assert problems == [f"the chain ends at event {LENGTH - 1} but the head records event {LENGTH}"]


def test_deleting_every_record_is_detected_by_the_head():
    records = chain()
    assert verify([], records[-1])


def test_reordering_records_is_detected():
    records = chain()
    swapped = [records[0], records[2], records[1], *records[3:]]
    assert verify(swapped, records[-1])


def test_inserting_a_forged_record_in_the_middle_is_detected():
    records = chain()
    forged = record(3, records[1].hash, action="position.publish")
    assert verify([*records[:2], forged, *records[2:]], records[-1])


def test_appending_a_forged_record_is_detected_by_the_head():
    records = chain()
    forged = record(LENGTH + 1, records[-1].hash, action="position.publish")
    assert verify([*records, forged], records[-1])


def test_canonical_details_are_sorted_and_compact():
    assert canonical_details({"b": 1, "a": [1, 2]}) == '{"a":[1,2],"b":1}'
    assert canonical_details(None) == canonical_details({}) == "{}"


def test_details_read_as_words_not_json():
    from positions.audit import readable_details

    assert readable_details('{"left_on":["2024-01-01",null],"name":"Moor","retired":true}') == [
        ("Left on", "2024-01-01 → none"),
        ("Name", "Moor"),
        ("Retired", "yes"),
    ]
    assert readable_details('{"roles":["admin","comms","policy_officer"]}') == [
        ("Roles", "admin, comms, policy_officer")
    ]
    assert readable_details('{"after":{"partner":"moorland","roles":"comms"}}') == [
        ("After", "partner moorland; roles comms")
    ]
    assert readable_details("not json") == [("Details", "not json")]
    assert readable_details("{}") == []
