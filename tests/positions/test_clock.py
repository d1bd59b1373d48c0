"""One clock in the alliance's time zone: which day it is, when a day starts, wall-clock input.

The case that split the old two clocks: between midnight and 1 am in a British summer, UTC is
still on yesterday while the alliance is on today. No app.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from positions.clock import Clock
from positions.consensus import Partner, assess, is_member_on
from positions.consensus import Revision as Text
from positions.refusals import Invalid

LONDON = ZoneInfo("Europe/London")
# 00:30 on 2 July in London (BST, UTC+1) is 23:30 on 1 July in UTC.
HALF_PAST_MIDNIGHT = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)


def at(moment: datetime) -> Clock:
    return Clock(LONDON, lambda: moment)


def test_after_midnight_in_summer_it_is_already_tomorrow_for_the_alliance():
    clock = at(HALF_PAST_MIDNIGHT)
    assert HALF_PAST_MIDNIGHT.date() == date(2026, 7, 1)  # what the UTC clock said
    assert clock.today() == date(2026, 7, 2)
    assert clock.local_date(HALF_PAST_MIDNIGHT) == date(2026, 7, 2)
    assert clock.now() == HALF_PAST_MIDNIGHT


def test_in_winter_the_alliance_day_and_the_utc_day_agree_after_midnight():
    assert at(datetime(2026, 1, 15, 0, 30, tzinfo=UTC)).today() == date(2026, 1, 15)
    assert at(datetime(2026, 1, 14, 23, 30, tzinfo=UTC)).today() == date(2026, 1, 14)


def test_a_partner_that_left_today_no_longer_signs_just_after_midnight():
    """The same instant, judged by the alliance's date: the partner's membership has ended."""
    leaver = Partner(1, "fenland", "Fenland", joined_on=date(2020, 1, 1), left_on=date(2026, 7, 2))
    stayer = Partner(2, "moorland", "Moorland", joined_on=date(2020, 1, 1))
    today = at(HALF_PAST_MIDNIGHT).today()
    assert not is_member_on(leaver, today)
    assert is_member_on(leaver, HALF_PAST_MIDNIGHT.date())  # the UTC date would still count it
    consensus = assess([leaver, stayer], [], Text(1, "h"), today)
    assert [s.partner.slug for s in consensus.standings] == ["moorland"]


def test_a_day_starts_at_local_midnight():
    clock = at(HALF_PAST_MIDNIGHT)
    assert clock.day_start(date(2026, 7, 2)) == datetime(2026, 7, 1, 23, 0, tzinfo=UTC)
    assert clock.day_start(date(2026, 1, 15)) == datetime(2026, 1, 15, 0, 0, tzinfo=UTC)


def test_wall_clock_input_is_read_in_the_alliances_zone():
    clock = at(HALF_PAST_MIDNIGHT)
    assert clock.to_utc(datetime(2026, 7, 2, 0, 30)) == HALF_PAST_MIDNIGHT
    aware = datetime(2026, 7, 2, 0, 30, tzinfo=ZoneInfo("Europe/Paris"))
    assert clock.to_utc(aware) == datetime(2026, 7, 1, 22, 30, tzinfo=UTC)
    assert clock.local(HALF_PAST_MIDNIGHT).hour == 0


def test_a_time_the_clocks_skip_is_refused_not_guessed():
    clock = at(HALF_PAST_MIDNIGHT)
    with pytest.raises(Invalid) as refused:
        clock.to_utc(datetime(2026, 3, 29, 1, 30), "ends_at")  # 01:00 GMT jumps to 02:00 BST
    assert (refused.value.code, refused.value.field) == ("nonexistent_time", "ends_at")
    assert "Europe/London" in refused.value.message


@pytest.mark.parametrize(
    "value",
    [
        datetime(1, 1, 1, 0, 30, tzinfo=ZoneInfo("Asia/Kolkata")),
        datetime(9999, 12, 31, 23, 30, tzinfo=ZoneInfo("America/New_York")),
        datetime(1899, 12, 31, 23, 59),
        datetime(2201, 1, 1),
    ],
)
def test_moments_outside_1900_to_2200_are_refused_not_overflowed(value):
    with pytest.raises(Invalid) as refused:
        at(datetime(2026, 1, 1, tzinfo=UTC)).to_utc(value, "starts_at")
    assert refused.value.code == "date_out_of_range" and refused.value.field == "starts_at"


def test_a_moment_at_the_edge_of_the_calendar_is_shown_in_utc_rather_than_failing():
    edge = datetime(1, 1, 1, tzinfo=UTC)
    assert at(datetime(2026, 1, 1, tzinfo=UTC)).local(edge) == edge
