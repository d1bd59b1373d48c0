"""Who is told about what, how, and when a failed delivery is tried again (no app)."""

from datetime import UTC, datetime, timedelta

import pytest

from positions import notifying as rules
from positions.notifying import KINDS, Delivery, Kind, Recipient

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def ids(recipients: list[Recipient]) -> list[int]:
    return [r.user_id for r in recipients]


def test_an_objection_reaches_every_writer_but_not_the_objector():
    told = rules.objection_recipients(writers=[3, 1, 3, 7], objector=7, title="Fair rents")
    assert ids(told) == [1, 3]
    assert all(r.reason == "you wrote or edited “Fair rents”" for r in told)


def test_a_stale_approval_reaches_its_signer_unless_they_made_the_edit():
    assert ids(rules.stale_approval_recipients(approvers=[4], editor=2, title="T")) == [4]
    assert rules.stale_approval_recipients(approvers=[4], editor=4, title="T") == []


def test_a_change_of_standing_reaches_participants_and_comms_once_each():
    told = rules.standing_recipients(participants=[1, 2], comms=[2, 9], actor=1, title="T")
    assert ids(told) == [2, 9]
    reasons = {r.user_id: r.reason for r in told}
    assert reasons[2] == "you took part in “T”"  # taking part says more than a role
    assert reasons[9] == "you work in communications"


def test_amendments_tell_the_writers_and_then_the_proposer():
    assert ids(rules.amendment_proposed_recipients(writers=[1, 5], proposer=5, title="T")) == [1]
    assert ids(rules.amendment_decided_recipients(proposer=5, decider=1)) == [5]
    assert rules.amendment_decided_recipients(proposer=5, decider=5) == []


def test_security_messages_cannot_be_switched_off():
    for kind, rule in KINDS.items():
        if rule.security:
            assert kind not in rules.choosable_kinds()
            assert rules.delivery_for(kind, Delivery.IN_APP) is Delivery.IMMEDIATELY
    assert Kind.TOKEN_CREATED not in rules.choosable_kinds()
    assert Kind.PASSWORD_RESET not in rules.choosable_kinds()


def test_a_chosen_delivery_is_kept_and_the_default_is_at_once():
    assert rules.delivery_for(Kind.OBJECTION, None) is Delivery.IMMEDIATELY
    assert rules.delivery_for(Kind.OBJECTION, Delivery.DIGEST) is Delivery.DIGEST
    assert rules.delivery_for(Kind.STANDING, Delivery.IN_APP) is Delivery.IN_APP


def test_retries_back_off_exponentially_up_to_a_ceiling_then_give_up():
    waits = [rules.retry_at(n, NOW) - NOW for n in range(1, rules.MAX_ATTEMPTS)]
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert all(later >= earlier for earlier, later in zip(waits, waits[1:], strict=False))
    assert max(waits) <= rules.LONGEST_WAIT
    assert rules.retry_at(rules.MAX_ATTEMPTS, NOW) is None


def test_only_a_5xx_answer_is_a_permanent_failure():
    assert rules.is_permanent(550)
    assert not rules.is_permanent(451)
    assert not rules.is_permanent(None)  # a dropped connection is worth another try


def test_the_digest_goes_on_weekday_mornings_and_gathers_what_came_before():
    monday_early = datetime(2026, 11, 30, 6, 59)
    monday_late = datetime(2026, 11, 30, 18, 0)
    saturday = datetime(2026, 11, 28, 9, 0)
    assert rules.digest_cutoff(monday_early) is None
    assert rules.digest_cutoff(saturday) is None
    assert rules.digest_cutoff(monday_late) == datetime(2026, 11, 30, 7, 0)


def test_the_digest_itself_cannot_be_unsubscribed_from_or_chosen():
    assert Kind.DIGEST not in rules.choosable_kinds()
    assert not KINDS[Kind.DIGEST].in_app


def test_a_sign_off_request_goes_once_to_each_signer_and_never_to_who_acted():
    asked = rules.signoff_request_recipients(
        signers=[(1, "Moorland"), (2, "Riverbank"), (1, "Moorland"), (3, "Riverbank")],
        actor=3,
        title="Clean rivers",
    )
    assert [r.user_id for r in asked] == [1, 2]
    assert asked[0].reason == "you sign for Moorland, which has yet to decide on “Clean rivers”"


def test_every_chief_officer_gets_a_checkpoint_even_the_one_who_made_it():
    chiefs = [(3, "Riverbank"), (1, "Harbourside"), (3, "Riverbank"), (2, "Moorland")]
    recipients = rules.checkpoint_recipients(chiefs)
    assert [r.user_id for r in recipients] == [1, 2, 3]
    assert recipients[0].reason == "you keep Harbourside's copy of the alliance's audit checkpoints"
    assert KINDS[Kind.CHECKPOINT].security and Kind.CHECKPOINT not in rules.choosable_kinds()


def test_a_checkpoint_file_reads_back_as_written_and_anything_else_is_refused():
    from positions.audit import Checkpoint, checkpoint_file, read_checkpoint_file

    held = Checkpoint(42, "ab" * 32, "2026-11-27T01:00:00", "cd" * 32)
    assert read_checkpoint_file(checkpoint_file(held)) == held
    for broken in ("", "[]", '{"seq": 1}', '{"seq": "x", "hash": "", "at": "", "signature": ""}'):
        with pytest.raises(ValueError, match="not a checkpoint file"):
            read_checkpoint_file(broken)
