"""The SVG charts as pure functions: parsed with xml.etree for their bars, points, marks and the
accessible title and description; hostile titles stay text."""

import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from app.figures import charts
from positions import cycle_figures as figures
from positions.consensus import Partner
from positions.cycle import WorkingCalendar

SVG = "{http://www.w3.org/2000/svg}"
MEASURE = figures.Measure(ZoneInfo("Europe/London"), WorkingCalendar("GB-ENG"))
PARTNERS = (
    Partner(2, "riverbank", "Riverbank"),
    Partner(1, "harbourside", "Harbourside"),
    Partner(3, "moorland", "Moorland"),
)


def parse(document: str) -> ET.Element:
    root = ET.fromstring(document.encode())
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-labelledby") == "title desc"
    assert root.find(f"{SVG}title").get("id") == "title"
    return root


def month(first_day: date, *durations: float) -> figures.MonthFigures:
    return figures.MonthFigures(first_day, figures.spread(list(durations)))


def test_the_month_chart_has_a_bar_and_a_90th_percentile_point_per_month_with_positions():
    months = [month(date(2026, 4, 1)), month(date(2026, 5, 1), 1, 3, 8), month(date(2026, 6, 1), 2)]
    root = parse(charts.cycle_times_chart(months))
    bars = root.findall(f".//{SVG}rect[@class='median']")
    assert [(b.get("data-month"), float(b.get("data-value"))) for b in bars] == [
        ("2026-05", 3.0),
        ("2026-06", 2.0),
    ]
    points = root.findall(f".//{SVG}g[@class='p90']")
    assert [float(p.get("data-value")) for p in points] == [8.0, 2.0]
    # The taller the figure, the higher the bar reaches (smaller y).
    assert float(bars[0].get("y")) < float(bars[1].get("y"))
    assert root.find(f".//{SVG}line[@class='goal']") is not None
    desc = root.find(f"{SVG}desc").text
    assert "Apr 2026 to Jun 2026" in desc and "2 of 3 months" in desc


@given(st.lists(st.lists(st.floats(0, 400, allow_nan=False), max_size=6), min_size=1, max_size=12))
def test_every_month_with_positions_gets_one_bar_inside_the_chart(durations):
    months = [
        month(figures.months_before(date(2026, 12, 1), len(durations) - 1 - i), *d)
        for i, d in enumerate(durations)
    ]
    root = parse(charts.cycle_times_chart(months))
    bars = root.findall(f".//{SVG}rect[@class='median']")
    assert len(bars) == sum(1 for d in durations if d)
    height = float(root.get("height"))
    for bar in bars:
        assert 0 <= float(bar.get("y")) <= height
        assert float(bar.get("height")) > 0


def test_a_timeline_has_a_lane_per_partner_and_a_mark_per_decision():
    ready = datetime(2026, 6, 1, 8, tzinfo=UTC)
    cycle = figures.Cycle(
        position_id=7,
        title='Rivers <script>alert("x")</script> & lakes',
        started_at=ready,
        revision=1,
        decision_due=date(2026, 6, 12),
        decisions=(
            figures.Decision(3, ready + timedelta(days=1), "object", 1, "Mo Chief"),
            figures.Decision(3, ready + timedelta(days=3), "approve", 2, "Mo Chief"),
            figures.Decision(1, ready + timedelta(days=2), "approve", 2, "Jo, acting for…"),
        ),
    )
    timeline = figures.timeline(cycle, PARTNERS, ready + timedelta(days=4), MEASURE)
    document = charts.timeline_chart(timeline)
    assert "<script>" not in document
    root = parse(document)
    assert root.find(f"{SVG}title").text == (
        'Sign-off timeline: Rivers <script>alert("x")</script> & lakes'
    )
    labels = [t.text for t in root.findall(f"{SVG}text") if t.text in {p.name for p in PARTNERS}]
    assert labels == ["Harbourside", "Moorland", "Riverbank"]
    marks = root.findall(f".//{SVG}g[@data-partner]")
    assert [(m.get("data-partner"), m.get("class")) for m in marks] == [
        ("harbourside", "decision approve"),
        ("moorland", "decision object"),
        ("moorland", "decision approve"),
    ]
    # An objection is a diamond, an approval a circle: not told by colour alone.
    assert marks[1].find(f"{SVG}polygon") is not None and marks[0].find(f"{SVG}circle") is not None
    assert root.find(f".//{SVG}line[@class='due']") is not None
    assert "2 of 3 partners have decided" in root.find(f"{SVG}desc").text


def test_a_round_axis_top():
    assert [charts.nice_ceiling(v) for v in (0, 0.3, 1, 4.2, 7, 11, 55)] == [
        1,
        0.5,
        1,
        5,
        10,
        20,
        100,
    ]
