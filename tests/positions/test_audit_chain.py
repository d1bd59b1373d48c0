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


# ---- issue 12: the canonical encoding, cross-checks and checkpoints ----------------------------


def test_version_1_joins_let_a_field_be_re_split_and_version_2_does_not():
    from positions.audit import event_hash as hash_of

    sep = "\x1f"
    crafted = sep.join(["chief@x.test", "signoff.approve", "position", "1", "{}"])
    as_failed_login = ("p", 7, "t", crafted, "login.failed", "", "", "{}")
    re_split = ("p", 7, "t", "chief@x.test", "signoff.approve", "position", "1",
                sep.join(["{}", "login.failed", "", "", "{}"]))  # fmt: skip
    assert hash_of(*as_failed_login, version=1) == hash_of(*re_split, version=1)
    assert hash_of(*as_failed_login) != hash_of(*re_split)


def test_the_actor_id_is_covered_by_the_hash():
    records = chain()
    forged = replace(records[2], actor_id="99")
    problems = verify([*records[:2], forged, *records[3:]], records[-1])
    assert any("altered" in p for p in problems)


def test_an_old_format_event_after_a_new_one_is_a_forgery():
    first = record(1, GENESIS)
    values = {f: getattr(first, f) for f in ("at", "actor", "action", "object_type")}
    values |= {"object_id": first.object_id, "details": first.details}
    old = AuditRecord(
        seq=2, prev_hash=first.hash, version=1,
        hash=event_hash(first.hash, 2, **values, version=1), **values,
    )  # fmt: skip
    problems = verify_chain([first, old], 2, old.hash)
    assert any("hash format" in p for p in problems)


def test_old_format_events_before_new_ones_still_verify():
    values = {
        "at": "t",
        "actor": "a",
        "action": "x",
        "object_type": "",
        "object_id": "",
        "details": "{}",
    }
    old = AuditRecord(seq=1, prev_hash=GENESIS, version=1,
                      hash=event_hash(GENESIS, 1, **values, version=1), **values)  # fmt: skip
    new = record(2, old.hash)
    assert verify_chain([old, new], 2, new.hash) == []


def test_a_checkpoint_signed_with_the_key_verifies_and_a_changed_one_does_not():
    from positions.audit import checkpoint_signed, sign_checkpoint

    signed = sign_checkpoint(b"key", 5, "a" * 64, "2026-11-26T18:00:00")
    assert checkpoint_signed(b"key", signed)
    assert not checkpoint_signed(b"other key", signed)
    assert not checkpoint_signed(b"key", replace(signed, seq=4))


def test_a_chain_rewritten_before_a_checkpoint_no_longer_matches_it():
    from positions.audit import Checkpoint, against_checkpoint

    records = chain()
    held = Checkpoint(3, records[2].hash, "then", "")
    assert against_checkpoint(records, held) == []
    assert against_checkpoint(records[:2], held)  # the tail cut back past it
    rewritten = chain()[:2] + [record(3, records[1].hash, actor="someone else")]
    assert against_checkpoint(rewritten, held)


def test_a_publication_without_every_members_approval_of_that_hash_is_named():
    from datetime import datetime

    from positions.audit import PublicationFact, SignOffFact, not_approving

    t0, t1, t2 = (datetime(2026, 1, d) for d in (1, 2, 3))
    pub = PublicationFact(1, 2, "h2", t2, frozenset({"a", "b", "c"}))
    signoffs = [
        SignOffFact(1, "a", 2, "approve", "h2", t1),
        SignOffFact(1, "b", 1, "approve", "h1", t0),  # an earlier text: stale
        SignOffFact(1, "c", 2, "approve", "h2", t0),
        SignOffFact(1, "c", 2, "object", "h2", t1),  # the latest decision counts
    ]
    assert not_approving(pub, signoffs) == {"b", "c"}
    later = SignOffFact(1, "b", 2, "approve", "h2", datetime(2026, 1, 4))  # after: does not count
    assert "b" in not_approving(pub, [*signoffs, later])


def _withdrawal_events(*, partners=("a", "b", "c"), revision=2, content="h2"):
    """A chain holding each partner's confirmation and then the withdrawal itself."""
    records: list[AuditRecord] = []
    facts = [
        ("withdraw.confirm", {"partner": p, "subject": revision, "hash": content, "reason": "r"})
        for p in partners
    ]
    facts.append(("position.withdraw", {"revision": revision, "hash": content}))
    for seq, (action, details) in enumerate(facts, start=1):
        records.append(
            record(
                seq,
                records[-1].hash if records else GENESIS,
                action=action,
                object_id="1",
                details=canonical_details(details),
            )
        )
    return records


def _confirmations(partners=("a", "b", "c"), revision=2, content="h2"):
    from positions.audit import ConfirmationFact

    return [ConfirmationFact(1, p, "withdraw", revision, content) for p in partners]


def _withdrawal(members=("a", "b", "c")):
    from positions.audit import WithdrawalFact

    return WithdrawalFact(1, 2, "h2", frozenset(members))


def _governance_check(records, confirmations, withdrawals):
    from positions.audit import cross_check

    return cross_check(records, [], [], [], confirmations, withdrawals)


def test_a_withdrawal_every_partner_confirmed_agrees_with_its_events():
    assert _governance_check(_withdrawal_events(), _confirmations(), [_withdrawal()]) == []


def test_a_withdrawal_without_its_event_is_named():
    events = _withdrawal_events()[:-1]  # the confirmations, but no withdrawal on the record
    problems = _governance_check(events, _confirmations(), [_withdrawal()])
    assert problems == ["withdrawal of revision 2 of position 1 has no event on the record"]


def test_a_confirmation_row_without_its_event_is_named():
    events = _withdrawal_events(partners=("a", "b"))  # c's event is missing, its row is not
    problems = _governance_check(events, _confirmations(), [_withdrawal()])
    assert problems == ["confirmation by c to withdraw 2 of position 1 has no event on the record"]


def test_a_withdrawal_short_of_a_partners_confirmation_is_named_even_with_forged_events():
    # The forger writes the withdrawal and its event, but one partner never confirmed.
    events = _withdrawal_events(partners=("a", "b"))
    problems = _governance_check(events, _confirmations(("a", "b")), [_withdrawal()])
    assert problems == [
        "the withdrawal of revision 2 of position 1 was not confirmed by every partner: none from c"
    ]


def test_a_confirmation_of_another_text_does_not_count_towards_a_withdrawal():
    events = _withdrawal_events(partners=("a", "b"))
    stale = _withdrawal_events(partners=("c",), revision=1, content="h1")[0]
    events.append(record(len(events) + 1, events[-1].hash, **_facts_of(stale)))
    confirmations = _confirmations(("a", "b")) + _confirmations(("c",), revision=1, content="h1")
    problems = _governance_check(events, confirmations, [_withdrawal()])
    assert problems == [
        "the withdrawal of revision 2 of position 1 was not confirmed by every partner: none from c"
    ]


def _facts_of(event: AuditRecord) -> dict:
    return {"action": event.action, "object_id": event.object_id, "details": event.details}


# ---- roles: who holds which role on whose behalf ----------------------------------------------


def _person_events(*steps: tuple[str, str, dict]) -> list[AuditRecord]:
    """(action, user id, details) in order, chained."""
    records: list[AuditRecord] = []
    for seq, (action, user_id, details) in enumerate(steps, start=1):
        prev = records[-1].hash if records else GENESIS
        records.append(
            record(
                seq,
                prev,
                action=action,
                object_type="user",
                object_id=user_id,
                details=canonical_details(details),
            )
        )
    return records


def _roles_check(records, people):
    from positions.audit import cross_check

    return cross_check(records, [], [], [], people=people)


def _person(user_id, roles, partner):
    from positions.audit import PersonFact

    return PersonFact(user_id, frozenset(roles), partner)


CREATED = ("user.create", "7", {"email": "jo@a.test", "roles": ["policy_officer"], "partner": "a"})


def test_roles_given_on_creation_agree_with_the_person():
    people = [_person(7, ["policy_officer"], "a")]
    assert _roles_check(_person_events(CREATED), people) == []


def test_an_admins_change_and_a_confirmed_appointment_replay_to_the_roles_held_now():
    events = _person_events(
        CREATED,
        ("user.update", "7", {"before": {"roles": "policy_officer", "partner": "a"},
                              "after": {"roles": "comms,policy_officer", "partner": "b"}}),
        ("signatory.appoint.request", "7", {"partner": "b", "request": 1}),
        ("signatory.appoint.confirmed", "7", {"partner": "b", "request": 1}),
    )  # fmt: skip
    held = [_person(7, ["chief_officer", "comms", "policy_officer"], "b")]
    assert _roles_check(events, held) == []
    # A request alone gives nothing: still waiting, the person is not yet chief officer.
    waiting = [_person(7, ["comms", "policy_officer"], "b")]
    assert _roles_check(events[:3], waiting) == []
    assert _roles_check(events[:3], held) == [
        "person 7 holds chief_officer, comms, policy_officer (b) but the record gives them "
        "comms, policy_officer (b)"
    ]


def test_a_role_given_behind_the_records_back_is_named():
    promoted = [_person(7, ["chief_officer", "policy_officer"], "a")]
    assert _roles_check(_person_events(CREATED), promoted) == [
        "person 7 holds chief_officer, policy_officer (a) but the record gives them "
        "policy_officer (a)"
    ]


def test_a_person_moved_to_another_partner_behind_the_records_back_is_named():
    moved = [_person(7, ["policy_officer"], "b")]
    assert _roles_check(_person_events(CREATED), moved) == [
        "person 7 holds policy_officer (b) but the record gives them policy_officer (a)"
    ]


def test_a_person_without_an_event_and_an_event_without_a_person_are_named():
    stranger = [_person(8, ["admin"], None)]
    assert _roles_check(_person_events(CREATED), stranger) == [
        "person 8 has no event on the record",
        "the record has person 7 the data lacks",
    ]


def test_a_confirmation_for_someone_never_created_gives_no_roles():
    events = _person_events(("signatory.appoint.confirmed", "9", {"partner": "a", "request": 3}))
    assert _roles_check(events, [_person(9, ["chief_officer"], "a")]) == [
        "person 9 has no event on the record"
    ]
