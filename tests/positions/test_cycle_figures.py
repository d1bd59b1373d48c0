"""Cycle figures: working-day durations, nearest-rank percentiles, windows, months, overdue shares
and one position's timeline."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from positions import cycle_figures as figures
from positions.consensus import Partner
from positions.cycle import WorkingCalendar

LONDON = ZoneInfo("Europe/London")
GB = WorkingCalendar("GB-ENG")
MEASURE = figures.Measure(LONDON, GB)
# Alphabetically Harbourside, Moorland, Riverbank; ids deliberately in another order.
MOOR = Partner(1, "moorland", "Moorland")
HARBOUR = Partner(2, "harbourside", "Harbourside")
RIVER = Partner(3, "riverbank", "Riverbank")
PARTNERS = (MOOR, RIVER, HARBOUR)


def london(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


# ---- working days ---------------------------------------------------------------------------


def test_the_weekend_does_not_count():
    # Friday 13 November 2026 at 16:00 to Monday 16th at 10:00: 8 hours + 10 hours.
    assert MEASURE.days(london(2026, 11, 13, 16), london(2026, 11, 16, 10)) == 0.75


def test_bank_holidays_do_not_count():
    # Thursday 24 December 2026 noon to Tuesday 29th noon: Christmas Day, the weekend and the
    # Boxing Day substitute (Monday 28th) are not working days.
    assert MEASURE.days(london(2026, 12, 24, 12), london(2026, 12, 29, 12)) == 1.0


def test_durations_are_read_in_the_alliance_zone_across_the_clock_change():
    # 23:30 UTC on Friday 27 March 2026 is 23:30 on Friday in London; 23:30 UTC on Sunday 29th
    # is already 00:30 on Monday (BST began that morning): half an hour of Friday, half of Monday.
    start = datetime(2026, 3, 27, 23, 30, tzinfo=UTC)
    end = datetime(2026, 3, 29, 23, 30, tzinfo=UTC)
    assert MEASURE.days(start, end) == 1 / 24


def test_an_end_before_the_start_is_no_time():
    assert MEASURE.days(london(2026, 11, 16, 10), london(2026, 11, 13, 16)) == 0


moments = st.datetimes(
    min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
)


@given(moments, st.integers(0, 60 * 24 * 40), st.integers(0, 60 * 24 * 40))
def test_working_days_add_up_and_never_exceed_calendar_days(start, first, second):
    middle = start + timedelta(minutes=first)
    end = middle + timedelta(minutes=second)
    whole = MEASURE.days(start, end)
    assert abs(whole - (MEASURE.days(start, middle) + MEASURE.days(middle, end))) < 1e-9
    # Wall-clock days: the autumn clock change may add an hour.
    assert 0 <= whole <= (end - start) / timedelta(days=1) + 1 / 24 + 1e-9


@given(moments, st.integers(0, 60 * 24 * 20), st.integers(1, 60 * 24 * 5))
def test_a_later_end_never_takes_less_time(start, length, more):
    end = start + timedelta(minutes=length)
    assert MEASURE.days(start, end + timedelta(minutes=more)) >= MEASURE.days(start, end)


# ---- percentiles ----------------------------------------------------------------------------


def test_nearest_rank_percentiles():
    values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6]
    assert figures.nearest_rank(values, 0.5) == 5  # rank ⌈5⌉
    assert figures.nearest_rank(values, 0.9) == 9  # rank ⌈9⌉, not 9.1 interpolated
    assert figures.nearest_rank([4.0], 0.9) == 4.0
    assert figures.nearest_rank([], 0.5) is None
    assert figures.spread([]) == figures.Spread(0, None, None)


values = st.lists(st.floats(0, 1000, allow_nan=False), min_size=1, max_size=50)


@given(values, st.sampled_from([0.5, 0.9]))
def test_a_percentile_is_a_time_some_position_took(data, q):
    result = figures.nearest_rank(data, q)
    assert result in data
    # At least q of the values are at or below it, and fewer than q strictly below.
    assert sum(v <= result for v in data) >= q * len(data) - 1e-9
    assert sum(v < result for v in data) < q * len(data)


@given(values, st.randoms())
def test_the_median_never_exceeds_the_90th_percentile_and_order_does_not_matter(data, rnd):
    shuffled = list(data)
    rnd.shuffle(shuffled)
    s = figures.spread(data)
    assert s == figures.spread(shuffled)
    assert s.median <= s.p90 and s.count == len(data)


# ---- windows and months -----------------------------------------------------------------------


def test_the_windows_end_today_and_reach_back_a_quarter_and_a_year():
    quarter, year = figures.windows(date(2026, 5, 31))
    assert (quarter.start, quarter.end) == (date(2026, 3, 1), date(2026, 5, 31))
    assert (year.start, year.end) == (date(2025, 6, 1), date(2026, 5, 31))
    assert figures.months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert figures.months_before(date(2026, 1, 15), 1) == date(2025, 12, 15)


def test_the_months_shown_end_with_this_month():
    months = figures.month_starts(date(2026, 3, 10), 4)
    assert months == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]


def cycle(start, unanimous=None, decisions=(), **more) -> figures.Cycle:
    return figures.Cycle(
        position_id=more.pop("position_id", 1),
        title="Clean rivers",
        started_at=start,
        revision=1,
        unanimous_at=unanimous,
        decisions=tuple(decisions),
        **more,
    )


def decision(partner, at, what="approve", revision=1):
    return figures.Decision(partner.id, at, what, revision, "Someone")


def test_window_figures_hold_what_ended_in_the_window_per_partner_alphabetically():
    monday = london(2026, 11, 16, 9)
    cycles = [
        # unanimous after 2 working days; Moorland's first decision counts, its second does not
        cycle(
            monday,
            monday + timedelta(days=2),
            [
                decision(MOOR, monday + timedelta(days=1), "object"),
                decision(MOOR, monday + timedelta(days=2)),
                decision(RIVER, monday + timedelta(days=2)),
                decision(HARBOUR, monday + timedelta(hours=12)),
            ],
        ),
        # unanimous in the spring: in the year, outside the quarter
        cycle(monday - timedelta(days=200), monday - timedelta(days=196), position_id=2),
        # still open, nobody has decided
        cycle(monday, position_id=3),
    ]
    quarter, year = figures.windows(date(2026, 11, 27))
    got = figures.window_figures(cycles, PARTNERS, quarter, MEASURE)
    assert got.to_unanimous == figures.Spread(1, 2.0, 2.0)
    assert [p.partner.name for p in got.to_first_decision] == [
        "Harbourside",
        "Moorland",
        "Riverbank",
    ]
    assert [p.spread.median for p in got.to_first_decision] == [0.5, 1.0, 2.0]
    assert figures.window_figures(cycles, PARTNERS, year, MEASURE).to_unanimous.count == 2


def test_months_group_by_the_month_unanimity_came():
    cycles = [
        cycle(london(2026, 10, 28, 9), london(2026, 11, 2, 9)),  # Wed -> Mon: 3 working days
        cycle(london(2026, 11, 2, 9), london(2026, 11, 3, 9)),
        cycle(london(2026, 11, 2, 9), london(2026, 11, 4, 9)),
        cycle(london(2026, 9, 1, 9)),  # never unanimous
    ]
    months = figures.by_month(cycles, date(2026, 11, 27), MEASURE, months=3)
    assert [m.label for m in months] == ["Sep 2026", "Oct 2026", "Nov 2026"]
    assert [m.to_unanimous.count for m in months] == [0, 0, 3]
    assert (months[2].to_unanimous.median, months[2].to_unanimous.p90) == (2.0, 3.0)


# ---- overdue ---------------------------------------------------------------------------------


def late(pid, due, *waiting) -> figures.OverduePosition:
    return figures.OverduePosition(pid, f"Position {pid}", due, tuple(waiting))


def test_overdue_shares_are_alphabetical_and_include_every_partner():
    today = date(2026, 11, 27)
    got = figures.overdue(
        [
            late(1, date(2026, 11, 20), RIVER, MOOR),
            late(2, date(2026, 11, 10), RIVER),
            late(3, date(2026, 11, 27), HARBOUR),  # due today: not overdue yet
            late(4, date(2026, 11, 1)),  # nobody waited for: not overdue
        ],
        PARTNERS,
        today,
    )
    assert [p.position_id for p in got.positions] == [2, 1]  # longest overdue first
    assert [(s.partner.name, s.count, s.percent) for s in got.shares] == [
        ("Harbourside", 0, 0),
        ("Moorland", 1, 33),
        ("Riverbank", 2, 67),
    ]
    assert got.decisions == 3


@given(
    st.lists(
        st.tuples(st.integers(1, 30), st.sets(st.sampled_from(PARTNERS), max_size=3)),
        max_size=20,
    )
)
def test_overdue_shares_sum_to_one_and_never_follow_the_counts(items):
    positions = [
        late(i, date(2026, 11, 27) - timedelta(days=days), *sorted(w, key=lambda p: p.name))
        for i, (days, w) in enumerate(items)
    ]
    got = figures.overdue(positions, PARTNERS, date(2026, 11, 27))
    assert [s.partner.name for s in got.shares] == ["Harbourside", "Moorland", "Riverbank"]
    assert sum(s.count for s in got.shares) == got.decisions
    if got.decisions:
        assert abs(sum(s.share for s in got.shares) - 1) < 1e-9


# ---- a timeline ------------------------------------------------------------------------------


def test_a_timeline_has_a_lane_per_partner_alphabetically_with_working_day_marks():
    monday = london(2026, 11, 16, 9)
    c = cycle(
        monday,
        decisions=[decision(RIVER, monday + timedelta(days=1)), decision(MOOR, monday, "object")],
        decision_due=date(2026, 11, 20),
    )
    t = figures.timeline(c, PARTNERS, monday + timedelta(days=3), MEASURE)
    assert [lane.partner.name for lane in t.lanes] == ["Harbourside", "Moorland", "Riverbank"]
    assert [len(lane.marks) for lane in t.lanes] == [0, 1, 1]
    assert t.lanes[2].marks[0].working_days == 1.0
    assert t.length == 3.0
    assert t.due_at == 4 + 15 / 24  # to the end of Friday


def test_days_are_described_in_words():
    assert figures.describe_days(None) == "–"
    assert figures.describe_days(1.0) == "1 working day"
    assert figures.describe_days(2.46) == "2.5 working days"
