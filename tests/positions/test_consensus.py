"""Unanimity: who must sign, where each partner stands, and when a text may be published."""

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from positions.consensus import (
    Decision,
    Partner,
    PartnerState,
    PositionStatus,
    Revision,
    SignOff,
    Verdict,
    assess,
    changed_since_decision,
    check_open_for_work,
    check_publish,
    check_signoff,
    closing_reason,
    in_progress,
    is_retired,
    latest_decisions,
    neutral_order,
    open_for_work,
    publicly_visible,
    required_signatories,
    status_of,
    verdict,
)
from positions.refusals import Conflict, Invalid, Refused

PROPERTY = settings(max_examples=200, deadline=None)
DAY = date(2024, 6, 1)
START = datetime(2024, 5, 1, 9, 0)
NAMES = ["Upland", "Harbourside", "Riverbank", "Fenland", "Moorland"]
SIZES = [2, 3, 5]
APPROVE, OBJECT = Decision.APPROVE, Decision.OBJECT


def make_partners(n: int) -> list[Partner]:
    """n partners, deliberately not in alphabetical order of name or id."""
    return [Partner(id=10 - i, slug=name.lower(), name=name) for i, name in enumerate(NAMES[:n])]


def rev(number: int, text: str = "") -> Revision:
    return Revision(number, f"hash of revision {number}{text}")


def decide(partner, revision, decision=APPROVE, *, minute=0, sequence=0, comment="") -> SignOff:
    return SignOff(
        partner_id=partner.id,
        revision_number=revision.number,
        content_hash=revision.content_hash,
        decision=decision,
        at=START + timedelta(minutes=minute),
        sequence=sequence,
        comment=comment,
    )


def approve_all(partners, revision, minute=0) -> list[SignOff]:
    return [decide(p, revision, minute=minute) for p in partners]


def states(consensus) -> dict[str, PartnerState]:
    return {s.partner.name: s.state for s in consensus.standings}


# ---- unanimity -------------------------------------------------------------------------------


@pytest.mark.parametrize("n", SIZES)
def test_unanimous_approval_of_current_text_is_publishable(n):
    partners = make_partners(n)
    consensus = assess(partners, approve_all(partners, rev(1)), rev(1), DAY)
    assert consensus.publishable
    assert consensus.count(PartnerState.APPROVED) == n
    assert consensus.not_approving == ()


@pytest.mark.parametrize(("n", "missing"), [(n, i) for n in SIZES for i in range(n)])
def test_any_one_missing_approval_blocks_publication(n, missing):
    partners = make_partners(n)
    signoffs = approve_all(partners[:missing] + partners[missing + 1 :], rev(1))
    consensus = assess(partners, signoffs, rev(1), DAY)
    assert not consensus.publishable
    assert [s.partner for s in consensus.not_approving] == [partners[missing]]
    assert states(consensus)[partners[missing].name] is PartnerState.AWAITING


@pytest.mark.parametrize(("n", "objector"), [(n, i) for n in SIZES for i in range(n)])
def test_any_one_objection_blocks_publication(n, objector):
    partners = make_partners(n)
    objection = decide(partners[objector], rev(1), OBJECT, minute=1, comment="no")
    signoffs = [*approve_all(partners, rev(1)), objection]
    consensus = assess(partners, signoffs, rev(1), DAY)
    assert not consensus.publishable
    assert states(consensus)[partners[objector].name] is PartnerState.OBJECTED


@pytest.mark.parametrize("n", SIZES)
def test_approvals_of_an_earlier_revision_are_stale(n):
    partners = make_partners(n)
    consensus = assess(partners, approve_all(partners, rev(1)), rev(2), DAY)
    assert not consensus.publishable
    assert consensus.count(PartnerState.STALE) == n
    assert all(s.revision_number == 1 for s in consensus.standings)


def test_approval_of_the_right_number_but_other_text_is_stale():
    partners = make_partners(3)
    consensus = assess(partners, approve_all(partners, rev(2, " as first typed")), rev(2), DAY)
    assert not consensus.publishable
    assert consensus.count(PartnerState.STALE) == 3


def test_approval_of_the_right_text_under_another_number_is_stale():
    partners = make_partners(3)
    earlier = Revision(1, rev(2).content_hash)  # same text, saved again as revision 2
    consensus = assess(partners, approve_all(partners, earlier), rev(2), DAY)
    assert consensus.count(PartnerState.STALE) == 3


def test_zero_partners_is_never_publishable():
    assert not assess([], [], rev(1), DAY).publishable


def test_zero_required_partners_is_never_publishable():
    partners = [replace(p, active=False) for p in make_partners(3)]
    consensus = assess(partners, approve_all(partners, rev(1)), rev(1), DAY)
    assert consensus.standings == ()
    assert not consensus.publishable


# ---- who must sign ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", SIZES)
def test_inactive_partner_is_not_required(n):
    partners = make_partners(n)
    partners[0] = replace(partners[0], active=False)
    consensus = assess(partners, approve_all(partners[1:], rev(1)), rev(1), DAY)
    assert partners[0] not in [s.partner for s in consensus.standings]
    assert consensus.publishable


@pytest.mark.parametrize("left_on", [DAY, DAY - timedelta(days=1), date(2001, 1, 1)])
def test_partner_that_left_on_or_before_the_day_is_not_required(left_on):
    partners = make_partners(3)
    partners[1] = replace(partners[1], left_on=left_on)
    assert partners[1] not in required_signatories(partners, DAY)
    assert assess(partners, approve_all(partners[::2], rev(1)), rev(1), DAY).publishable


def test_partner_leaving_after_the_day_is_still_required():
    partners = make_partners(3)
    partners[1] = replace(partners[1], left_on=DAY + timedelta(days=1))
    assert partners[1] in required_signatories(partners, DAY)
    assert not assess(partners, approve_all(partners[::2], rev(1)), rev(1), DAY).publishable


@pytest.mark.parametrize(
    ("joined_on", "required"),
    [(DAY + timedelta(days=1), False), (DAY, True), (DAY - timedelta(days=1), True), (None, True)],
)
def test_partner_is_required_from_the_day_it_joins(joined_on, required):
    partner = replace(make_partners(1)[0], joined_on=joined_on)
    assert (partner in required_signatories([partner], DAY)) is required


def test_partner_joining_after_approvals_is_awaiting_and_blocks():
    founders = make_partners(3)
    newcomer = Partner(id=99, slug="newbury", name="Newbury", joined_on=DAY)
    signoffs = approve_all(founders, rev(1))
    assert assess(founders + [newcomer], signoffs, rev(1), DAY - timedelta(days=1)).publishable
    consensus = assess(founders + [newcomer], signoffs, rev(1), DAY)
    assert not consensus.publishable
    assert [(s.partner, s.state) for s in consensus.not_approving] == [
        (newcomer, PartnerState.AWAITING)
    ]


def test_decisions_of_partners_no_longer_required_are_ignored():
    partners = make_partners(3)
    departed = replace(partners[0], active=False)
    signoffs = approve_all(partners[1:], rev(1)) + [decide(departed, rev(1), OBJECT)]
    assert assess([departed, *partners[1:]], signoffs, rev(1), DAY).publishable


def test_decisions_from_unknown_partners_do_not_count():
    partners = make_partners(2)
    stranger = Partner(id=404, slug="stranger", name="Stranger")
    signoffs = [decide(partners[0], rev(1)), decide(stranger, rev(1))]
    assert not assess(partners, signoffs, rev(1), DAY).publishable


# ---- only the latest decision counts ---------------------------------------------------------


def test_latest_decision_by_time_wins_whatever_the_input_order():
    partner = make_partners(1)[0]
    later = decide(partner, rev(1), OBJECT, minute=5, comment="no")
    earlier = decide(partner, rev(1), APPROVE, minute=1)
    assert latest_decisions([later, earlier]) == {partner.id: later}
    assert latest_decisions([earlier, later]) == {partner.id: later}


def test_sequence_breaks_ties_between_decisions_at_the_same_instant():
    partner = make_partners(1)[0]
    first = decide(partner, rev(1), APPROVE, sequence=1)
    second = decide(partner, rev(1), OBJECT, sequence=2, comment="no")
    assert latest_decisions([second, first]) == {partner.id: second}
    state = states(assess([partner], [second, first], rev(1), DAY))[partner.name]
    assert state is PartnerState.OBJECTED


def test_time_outranks_sequence():
    partner = make_partners(1)[0]
    late = decide(partner, rev(1), APPROVE, minute=2, sequence=1)
    early = decide(partner, rev(1), OBJECT, minute=1, sequence=9, comment="no")
    assert latest_decisions([late, early]) == {partner.id: late}


def test_objection_carries_across_new_revisions():
    partners = make_partners(3)
    signoffs = approve_all(partners, rev(1)) + [decide(partners[0], rev(1), OBJECT, minute=1)]
    for current in (rev(2), rev(3), rev(7)):
        standing = assess(partners, signoffs, current, DAY).standings
        by_partner = {s.partner: s for s in standing}
        assert by_partner[partners[0]].state is PartnerState.OBJECTED
        assert by_partner[partners[0]].revision_number == 1


def test_objection_is_lifted_only_by_approving_a_later_revision():
    partners = make_partners(2)
    signoffs = [
        decide(partners[0], rev(1), OBJECT, minute=1, comment="too vague"),
        decide(partners[1], rev(2), minute=2),
        decide(partners[0], rev(2), minute=3),
    ]
    assert assess(partners, signoffs, rev(2), DAY).publishable
    assert states(assess(partners, signoffs, rev(3), DAY)) == {
        "Harbourside": PartnerState.STALE,
        "Upland": PartnerState.STALE,
    }


def test_approve_after_object_on_the_same_revision_counts():
    partner = make_partners(1)[0]
    signoffs = [decide(partner, rev(1), OBJECT, comment="wait"), decide(partner, rev(1), minute=1)]
    assert assess([partner], signoffs, rev(1), DAY).publishable


def test_object_after_approve_on_the_same_revision_vetoes():
    partner = make_partners(1)[0]
    signoffs = [decide(partner, rev(1)), decide(partner, rev(1), OBJECT, minute=1, comment="no")]
    assert states(assess([partner], signoffs, rev(1), DAY)) == {"Upland": PartnerState.OBJECTED}


def test_each_state_is_reported_with_its_decision():
    partners = make_partners(5)
    upland, harbourside, riverbank, fenland, moorland = partners
    signoffs = [
        decide(upland, rev(2)),
        decide(harbourside, rev(1)),
        decide(riverbank, rev(1), OBJECT, comment="no"),
        decide(moorland, rev(2), OBJECT, comment="no"),
    ]
    consensus = assess(partners, signoffs, rev(2), DAY)
    assert states(consensus) == {
        "Fenland": PartnerState.AWAITING,
        "Harbourside": PartnerState.STALE,
        "Moorland": PartnerState.OBJECTED,
        "Riverbank": PartnerState.OBJECTED,
        "Upland": PartnerState.APPROVED,
    }
    fenland_standing = consensus.standings[0]
    assert (fenland_standing.decision, fenland_standing.revision_number) == (None, None)
    assert consensus.standings[-1].decision == signoffs[0]
    assert [consensus.count(state) for state in PartnerState] == [1, 2, 1, 1]


# ---- a model of the rule, checked against arbitrary histories --------------------------------

_partner_strategy = st.builds(
    lambda i, active, joined, left: Partner(
        id=i, slug=f"p{i}", name=f"Partner {i}", active=active, joined_on=joined, left_on=left
    ),
    st.integers(1, 6),
    st.booleans(),
    st.none() | st.dates(date(2024, 5, 25), date(2024, 6, 5)),
    st.none() | st.dates(date(2024, 5, 25), date(2024, 6, 5)),
)
_signoff_strategy = st.builds(
    lambda pid, number, other_text, decision, minute: SignOff(
        pid,
        number,
        rev(number, " (edited)" if other_text else "").content_hash,
        decision,
        START + timedelta(minutes=minute),
        comment="why",
    ),
    st.integers(1, 7),
    st.integers(1, 3),
    st.booleans(),
    st.sampled_from(Decision),
    st.integers(0, 30),
)
_histories = st.lists(_signoff_strategy, max_size=15).map(
    lambda signoffs: [replace(s, sequence=i) for i, s in enumerate(signoffs)]
)


def _expected_publishable(partners, signoffs, current, day):
    required = [
        p
        for p in partners
        if p.active
        and (p.joined_on is None or p.joined_on <= day)
        and (p.left_on is None or day < p.left_on)
    ]

    def approves(partner):
        mine = [s for s in signoffs if s.partner_id == partner.id]
        if not mine:
            return False
        last = max(mine, key=lambda s: (s.at, s.sequence))
        return (last.decision, last.revision_number, last.content_hash) == (
            APPROVE,
            current.number,
            current.content_hash,
        )

    return bool(required) and all(approves(p) for p in required)


@PROPERTY
@given(
    st.lists(_partner_strategy, max_size=6, unique_by=lambda p: p.id),
    _histories,
    st.integers(1, 3),
)
def test_publishable_exactly_when_every_required_partner_approves_current_text(
    partners, signoffs, number
):
    consensus = assess(partners, signoffs, rev(number), DAY)
    assert consensus.publishable == _expected_publishable(partners, signoffs, rev(number), DAY)


@PROPERTY
@given(_histories, st.randoms())
def test_input_order_of_decisions_does_not_matter(signoffs, random):
    shuffled = random.sample(signoffs, len(signoffs))
    assert latest_decisions(shuffled) == latest_decisions(signoffs)


# ---- equal billing ---------------------------------------------------------------------------


def test_neutral_order_is_alphabetical_ignoring_case():
    names = ["moorland", "Harbourside", "Riverbank", "ashworth", "BROOKSIDE"]
    partners = [Partner(id=i, slug=n.lower(), name=n) for i, n in enumerate(names)]
    assert [p.name for p in neutral_order(partners)] == [
        "ashworth",
        "BROOKSIDE",
        "Harbourside",
        "moorland",
        "Riverbank",
    ]


@PROPERTY
@given(st.permutations(NAMES), st.permutations(range(len(NAMES))))
def test_neutral_order_ignores_input_order_and_ids(names, ids):
    partners = [Partner(id=i, slug=n.lower(), name=n) for i, n in zip(ids, names, strict=True)]
    assert [p.name for p in neutral_order(partners)] == sorted(NAMES)


def test_things_of_a_partner_come_in_their_partners_neutral_order():
    """Signatures, statements, cells: ordered by whose they are, case-blind, never by id."""
    partners = [
        Partner(id=i, slug=n.lower(), name=n) for i, n in enumerate(["moorland", "Fenland"])
    ]
    signed = [("second", partners[0]), ("first", partners[1])]
    assert [label for label, _ in neutral_order(signed, partner=lambda s: s[1])] == [
        "first",
        "second",
    ]


@pytest.mark.parametrize("n", SIZES)
def test_standings_come_out_in_neutral_order(n):
    partners = make_partners(n)
    for given_order in (partners, partners[::-1]):
        consensus = assess(given_order, [], rev(1), DAY)
        assert [s.partner.name for s in consensus.standings] == sorted(NAMES[:n])


# ---- status ----------------------------------------------------------------------------------


def _consensus(publishable: bool):
    """Three partners on revision 2, unanimous or not."""
    partners = make_partners(3)
    signoffs = approve_all(partners if publishable else partners[1:], rev(2))
    return assess(partners, signoffs, rev(2), DAY)


@pytest.mark.parametrize("publishable", [True, False])
def test_status_is_published_when_the_current_revision_is_the_published_one(publishable):
    assert status_of(_consensus(publishable), 2) is PositionStatus.PUBLISHED


@pytest.mark.parametrize("published_number", [None, 1])
def test_status_is_agreed_when_unanimous_but_not_published(published_number):
    assert status_of(_consensus(True), published_number) is PositionStatus.AGREED


@pytest.mark.parametrize("published_number", [None, 1])
def test_status_is_draft_while_not_unanimous(published_number):
    assert status_of(_consensus(False), published_number) is PositionStatus.DRAFT


@pytest.mark.parametrize(
    "lifecycle", [PositionStatus.WITHDRAWN, PositionStatus.ARCHIVED, PositionStatus.DIFFER]
)
@pytest.mark.parametrize(("publishable", "published_number"), [(True, 2), (True, None), (False, 1)])
def test_explicit_lifecycle_outcomes_are_kept(lifecycle, publishable, published_number):
    assert status_of(_consensus(publishable), published_number, lifecycle) is lifecycle


# ---- refusing a sign-off ---------------------------------------------------------------------


@pytest.mark.parametrize("decision", list(Decision))
@pytest.mark.parametrize("number", [1, 3])
def test_signoff_on_a_revision_other_than_the_current_is_refused(decision, number):
    with pytest.raises(Conflict) as refused:  # the text moved on: a conflict, not bad input
        check_signoff(number, rev(2), decision, "a reason")
    assert refused.value.code == "not_current"
    assert "revision 2" in refused.value.message


@pytest.mark.parametrize("comment", ["", "   ", "\n\t "])
def test_objection_without_a_comment_is_refused(comment):
    with pytest.raises(Invalid) as refused:
        check_signoff(2, rev(2), OBJECT, comment)
    assert refused.value.code == "comment_required"


@pytest.mark.parametrize(
    ("decision", "comment"), [(APPROVE, ""), (APPROVE, "fine"), (OBJECT, "no")]
)
def test_valid_signoff_is_accepted(decision, comment):
    assert check_signoff(2, rev(2), decision, comment) is None


# ---- refusing publication --------------------------------------------------------------------


def _refusal(consensus, number, published_number=None) -> Refused:
    with pytest.raises(Conflict) as refused:
        check_publish(consensus, number, published_number)
    return refused.value


@pytest.mark.parametrize("n", SIZES)
def test_publishing_a_unanimous_current_text_is_allowed(n):
    partners = make_partners(n)
    consensus = assess(partners, approve_all(partners, rev(2)), rev(2), DAY)
    assert check_publish(consensus, 2, None) is None
    assert check_publish(consensus, 2, 1) is None


@pytest.mark.parametrize("number", [1, 3])
def test_publishing_other_than_the_current_revision_is_refused(number):
    assert _refusal(_consensus(True), number).code == "not_current"


def test_publishing_the_published_revision_again_is_refused():
    assert _refusal(_consensus(True), 2, published_number=2).code == "already_published"


def test_publishing_with_no_required_partners_is_refused():
    assert _refusal(assess([], [], rev(1), DAY), 1).code == "no_partners"


def test_publishing_without_unanimity_names_exactly_the_partners_not_approving():
    partners = make_partners(5)
    upland, harbourside, riverbank, fenland, moorland = partners
    signoffs = [
        *approve_all([upland, fenland], rev(2)),
        decide(riverbank, rev(2), OBJECT, comment="no"),
        decide(moorland, rev(1)),
    ]
    refusal = _refusal(assess(partners, signoffs, rev(2), DAY), 2)
    assert refusal.code == "not_unanimous"
    assert refusal.partners == ("harbourside", "moorland", "riverbank")  # slugs, neutral order
    assert "Harbourside, Moorland, Riverbank" in refusal.message


# ---- the lifecycle: open, closed, retired, public ----------------------------------------------

S = PositionStatus


@pytest.mark.parametrize("status", list(S))
def test_only_withdrawn_archived_and_differ_are_closed_to_work(status):
    closed = status in (S.WITHDRAWN, S.ARCHIVED, S.DIFFER)
    assert open_for_work(status) is not closed
    if closed:
        with pytest.raises(Conflict) as refused:
            check_open_for_work(status)
        assert refused.value.code == "closed" and status.value in refused.value.message
    else:
        assert check_open_for_work(status) is None


@pytest.mark.parametrize("status", list(S))
def test_withdrawn_and_archived_are_retired(status):
    assert is_retired(status) is (status in (S.WITHDRAWN, S.ARCHIVED))


@pytest.mark.parametrize("status", list(S))
def test_a_published_text_is_public_until_withdrawn_even_archived(status):
    assert publicly_visible(status, published=True) is (status is not S.WITHDRAWN)
    assert not publicly_visible(status, published=False)


@pytest.mark.parametrize("status", list(S))
def test_only_draft_and_agreed_are_in_progress(status):
    assert in_progress(status) is (status in (S.DRAFT, S.AGREED))


def test_closing_says_why():
    assert closing_reason("  Superseded by the 2027 text. ") == "Superseded by the 2027 text."
    with pytest.raises(Invalid) as refused:
        closing_reason(" \n")
    assert (refused.value.code, refused.value.field) == ("reason_required", "reason")


# ---- what the panel says about publishing -----------------------------------------------------

CLOSED = [PositionStatus.WITHDRAWN, PositionStatus.ARCHIVED, PositionStatus.DIFFER]


@pytest.mark.parametrize(
    "status", [PositionStatus.WITHDRAWN, PositionStatus.ARCHIVED, PositionStatus.DIFFER]
)
def test_a_closed_position_is_never_called_publishable_however_its_approvals_stand(status):
    partners = make_partners(3)
    current = rev(2)
    unanimous = assess(partners, approve_all(partners, current), current, DAY)
    assert unanimous.publishable
    assert verdict(unanimous, status, 2) is Verdict.CLOSED
    assert verdict(unanimous, status, None) is Verdict.CLOSED


def test_the_verdict_follows_the_approvals_and_what_is_published():
    partners = make_partners(3)
    current = rev(2)
    unanimous = assess(partners, approve_all(partners, current), current, DAY)
    short = assess(partners, approve_all(partners[:2], current), current, DAY)
    assert verdict(unanimous, PositionStatus.AGREED, 1) is Verdict.PUBLISHABLE
    assert verdict(unanimous, PositionStatus.PUBLISHED, 2) is Verdict.PUBLISHED
    assert verdict(short, PositionStatus.DRAFT, None) is Verdict.WAITING


# ---- what changed since a partner decided ---------------------------------------------------


def standing_after(decision, decided_on: int, current: int):
    partner = make_partners(1)[0]
    signoffs = [decide(partner, rev(decided_on), decision, comment="why")]
    return assess([partner], signoffs, rev(current), DAY).standings[0]


@pytest.mark.parametrize("decision", [APPROVE, OBJECT])
def test_a_decision_on_an_earlier_text_points_at_that_revision(decision):
    assert changed_since_decision(standing_after(decision, 1, 3), rev(3)) == 1


@pytest.mark.parametrize("decision", [APPROVE, OBJECT])
def test_a_decision_on_the_current_text_has_nothing_to_review(decision):
    assert changed_since_decision(standing_after(decision, 2, 2), rev(2)) is None


def test_a_partner_yet_to_decide_has_nothing_to_review():
    partner = make_partners(1)[0]
    standing = assess([partner], [], rev(2), DAY).standings[0]
    assert changed_since_decision(standing, rev(2)) is None
