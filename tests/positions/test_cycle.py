"""The sign-off cycle's rules: working-day deadlines, readiness, and what a to-do list holds."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from positions import cycle
from positions.clock import Clock
from positions.consensus import Partner, PartnerStanding, PartnerState, PositionStatus
from positions.refusals import Conflict, Invalid

LONDON = ZoneInfo("Europe/London")
GB = cycle.WorkingCalendar("GB-ENG")
READY = datetime(2026, 5, 1, 9, tzinfo=UTC)


def at(moment: datetime) -> Clock:
    return Clock(LONDON, lambda: moment)


def test_a_deadline_skips_the_weekend():
    # Thursday 12 November 2026: Fri 13, Mon 16 ... two working weeks on is Thursday 26th.
    assert GB.add_working_days(date(2026, 11, 12), 10) == date(2026, 11, 26)
    assert GB.add_working_days(date(2026, 11, 13), 1) == date(2026, 11, 16)  # Fri -> Mon


def test_a_deadline_skips_bank_holidays_of_the_alliance_country():
    # Christmas Day (Fri), Boxing Day substitute (Mon 28) and New Year's Day (Fri) 2026/27.
    assert GB.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert GB.add_working_days(date(2026, 12, 24), 10) == date(2027, 1, 12)
    # Another country, other holidays: 28 December is a working day in Germany.
    assert cycle.WorkingCalendar("DE").add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)


def test_the_default_is_ten_working_days_from_today_in_the_alliance_zone_across_the_clock_change():
    # 23:30 UTC on Sunday 29 March 2026 is already 00:30 on Monday in London (BST began that
    # morning). Counted from Monday, past Good Friday (3 April) and Easter Monday (6 April).
    moment = datetime(2026, 3, 29, 23, 30, tzinfo=UTC)
    assert cycle.default_decision_due(at(moment), GB) == date(2026, 4, 15)
    # Counted from the UTC day (Sunday) it would be a day earlier: the zone matters.
    assert GB.add_working_days(moment.date(), 10) == date(2026, 4, 14)


def test_scotland_works_on_easter_monday():
    assert cycle.WorkingCalendar("GB-SCT").is_working_day(date(2026, 4, 6))
    assert not GB.is_working_day(date(2026, 4, 6))


def test_the_autumn_clock_change_moves_no_day():
    # 00:30 UTC on Monday 26 October 2026 is 00:30 GMT, Monday too (BST ended on Sunday).
    moment = datetime(2026, 10, 26, 0, 30, tzinfo=UTC)
    assert cycle.default_decision_due(at(moment), GB) == date(2026, 11, 9)


def test_working_days_between_counts_both_ways():
    assert GB.working_days_between(date(2026, 11, 13), date(2026, 11, 16)) == 1
    assert GB.working_days_between(date(2026, 11, 16), date(2026, 11, 13)) == -1
    assert GB.working_days_between(date(2026, 11, 16), date(2026, 11, 16)) == 0


def test_country_codes_are_checked_and_normalised():
    assert cycle.check_country(" gb ") == "GB"
    assert cycle.check_country("gb-sct") == "GB-SCT"
    with pytest.raises(Invalid):
        cycle.check_country("GB-XX")
    with pytest.raises(Invalid) as refused:
        cycle.check_country("XX")
    assert refused.value.code == "unknown_country"


def readiness(due=date(2026, 5, 15), **kw):
    return cycle.Readiness(due, **kw)


def test_mark_ready_needs_an_open_position_not_yet_ready_and_a_date_not_passed():
    today = date(2026, 5, 1)
    cycle.check_mark_ready(PositionStatus.DRAFT, False, readiness(), today)
    cycle.check_mark_ready(PositionStatus.DRAFT, False, readiness(today), today)  # today is fine
    with pytest.raises(Conflict) as closed:
        cycle.check_mark_ready(PositionStatus.WITHDRAWN, False, readiness(), today)
    assert closed.value.code == "closed"
    with pytest.raises(Conflict) as again:
        cycle.check_mark_ready(PositionStatus.DRAFT, True, readiness(), today)
    assert again.value.code == "already_ready"
    with pytest.raises(Invalid) as past:
        cycle.check_mark_ready(PositionStatus.DRAFT, False, readiness(date(2026, 4, 30)), today)
    assert past.value.field == "decision_due"


def test_an_external_deadline_named_needs_its_date():
    with pytest.raises(Invalid) as refused:
        cycle.check_dates(readiness(external_label="Consultation closes"), date(2026, 5, 1))
    assert refused.value.field == "external_deadline"
    cycle.check_dates(
        readiness(external_deadline=date(2026, 5, 20), external_label="Consultation closes"),
        date(2026, 5, 1),
    )


def test_only_a_ready_position_has_a_deadline_to_change_or_is_taken_back():
    with pytest.raises(Conflict):
        cycle.check_change_deadline(False, readiness(), date(2026, 5, 1))
    with pytest.raises(Conflict):
        cycle.check_take_back(False)
    cycle.check_change_deadline(True, readiness(), date(2026, 5, 1))
    cycle.check_take_back(True)


PARTNER = Partner(1, "a", "Alpha")


def standing(state: PartnerState, number: int | None) -> PartnerStanding:
    return PartnerStanding(PARTNER, state, number, None)


def waiting(pid, state, number, due, current=3, ready_at=READY):
    return cycle.Waiting(pid, due, ready_at, standing(state, number), current)


def test_each_reason_and_nothing_for_a_decision_that_stands():
    assert cycle.reason_for(standing(PartnerState.AWAITING, None), 3) is cycle.Reason.NEW
    assert cycle.reason_for(standing(PartnerState.STALE, 2), 3) is cycle.Reason.STALE
    assert cycle.reason_for(standing(PartnerState.OBJECTED, 2), 3) is cycle.Reason.ANSWERED
    assert cycle.reason_for(standing(PartnerState.OBJECTED, 3), 3) is None
    assert cycle.reason_for(standing(PartnerState.APPROVED, 3), 3) is None


def test_urgency_overdue_after_the_day_due_soon_within_two_working_days():
    friday = date(2026, 11, 13)
    assert cycle.urgency_of(friday, date(2026, 11, 16), GB) is cycle.Urgency.OVERDUE
    assert cycle.urgency_of(friday, friday, GB) is cycle.Urgency.DUE_SOON
    # Tuesday is two working days after Friday, across a weekend.
    assert cycle.urgency_of(date(2026, 11, 17), friday, GB) is cycle.Urgency.DUE_SOON
    assert cycle.urgency_of(date(2026, 11, 18), friday, GB) is cycle.Urgency.IN_TIME


def test_the_list_is_soonest_deadline_first_with_an_overdue_item_on_top():
    today = date(2026, 5, 12)
    items = cycle.todo_list(
        [
            waiting(1, PartnerState.AWAITING, None, date(2026, 5, 20)),
            waiting(2, PartnerState.APPROVED, 3, date(2026, 5, 1)),  # decided: not listed
            waiting(3, PartnerState.STALE, 2, date(2026, 5, 8)),  # overdue
            waiting(4, PartnerState.OBJECTED, 1, date(2026, 5, 13)),
        ],
        today,
        GB,
    )
    assert [i.position_id for i in items] == [3, 4, 1]
    assert [i.urgency for i in items] == [
        cycle.Urgency.OVERDUE,
        cycle.Urgency.DUE_SOON,
        cycle.Urgency.IN_TIME,
    ]
    assert items[0].why == "Your approval went stale"
    assert items[0].decided_number == 2


def test_equal_deadlines_put_the_older_request_first():
    due = date(2026, 5, 20)
    later = datetime(2026, 5, 2, tzinfo=UTC)
    items = cycle.todo_list(
        [
            waiting(1, PartnerState.AWAITING, None, due, ready_at=later),
            waiting(2, PartnerState.AWAITING, None, due),
        ],
        date(2026, 5, 4),
        GB,
    )
    assert [i.position_id for i in items] == [2, 1]


def test_change_summary():
    assert cycle.change_summary(12, 3) == "+12 −3 words"
    assert cycle.change_summary(0, 0) == "Only formatting changed"
