"""The cycle figures drawn as SVG documents: pure functions from figures to text, no Flask.

Each chart is served as its own image (pages show it with <img>, so no inline SVG and no script
reaches the page) and carries a <title> and <desc> for whoever opens it on its own; the page
puts a data table beside each one for screen readers. Colours are presentation attributes, not
style rules, so the page's Content-Security-Policy has nothing to allow, and shapes differ as
well as colours (an approval is a circle, an objection a diamond).
"""

import math
from xml.sax.saxutils import escape, quoteattr

from positions.cycle_figures import (
    TARGET_WORKING_DAYS,
    MonthFigures,
    Timeline,
    describe_days,
)

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
INK, MUTED, GRID = "#1f2933", "#52606d", "#d9e2ec"
MEDIAN_FILL, P90_INK = "#2b6cb0", "#1a365d"
APPROVE, OBJECT, DUE, GOAL = "#276749", "#c53030", "#b7791f", "#6b46c1"


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, content: str, *, anchor: str = "start", size: int = 12,
          fill: str = MUTED, cls: str = "") -> str:  # fmt: skip
    klass = f' class="{cls}"' if cls else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{fill}"{klass}>{escape(content)}</text>'
    )


def _document(width: int, height: int, title: str, desc: str, body: list[str]) -> str:
    return "\n".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>',
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="title desc" '
            f"font-family={quoteattr(FONT)}>",
            f'<title id="title">{escape(title)}</title>',
            f'<desc id="desc">{escape(desc)}</desc>',
            f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
            *body,
            "</svg>",
            "",
        ]
    )


def nice_ceiling(value: float) -> float:
    """A round top for an axis: 1, 2, 5 or 10 times a power of ten, at least `value`."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


# ---- cycle times month by month ---------------------------------------------------------------


def cycle_times_chart(months: list[MonthFigures], target: float = TARGET_WORKING_DAYS) -> str:
    """Bars of the median ready-to-unanimous time per month, the 90th percentile as a marker
    above each, and the goal as a dashed line."""
    width, height = 720, 320
    left, right, top, bottom = 52, 16, 40, 52
    plot_w, plot_h = width - left - right, height - top - bottom
    highest = max([target] + [m.to_unanimous.p90 or 0 for m in months])
    y_max = nice_ceiling(highest * 1.1)

    def y(value: float) -> float:
        return top + plot_h - value / y_max * plot_h

    body = [
        _text(left, 20, "Working days from ready to unanimous, by month", size=14, fill=INK),
    ]
    ticks = 5
    for i in range(ticks + 1):
        value = y_max * i / ticks
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_n(y(value))}" y2="{_n(y(value))}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(left - 8, y(value) + 4, _n(value), anchor="end", size=11))
    slot = plot_w / max(len(months), 1)
    bar_w = min(36.0, slot * 0.6)
    for i, month in enumerate(months):
        centre = left + slot * (i + 0.5)
        label = month.month.strftime("%b")
        body.append(_text(centre, height - bottom + 18, label, anchor="middle", size=11))
        if i == 0 or month.month.month == 1:
            body.append(
                _text(centre, height - bottom + 33, str(month.month.year), anchor="middle", size=10)
            )
        spread = month.to_unanimous
        if spread.median is None:
            body.append(_text(centre, y(0) - 4, "–", anchor="middle", size=11, cls="empty-month"))
            continue
        bar_top = y(spread.median)
        body.append(
            f'<rect class="median" data-month="{month.month:%Y-%m}" '
            f'data-value="{spread.median:.2f}" x="{_n(centre - bar_w / 2)}" y="{_n(bar_top)}" '
            f'width="{_n(bar_w)}" '
            f'height="{_n(max(y(0) - bar_top, 1))}" fill="{MEDIAN_FILL}" rx="2">'
            f"<title>{escape(month.label)}: median {describe_days(spread.median)}, "
            f"{spread.count} position{'s' if spread.count != 1 else ''}</title></rect>"
        )
        p90_y = y(spread.p90 or 0)
        body.append(
            f'<g class="p90" data-month="{month.month:%Y-%m}" data-value="{spread.p90:.2f}">'
            f'<line x1="{_n(centre - bar_w / 2)}" x2="{_n(centre + bar_w / 2)}" y1="{_n(p90_y)}" '
            f'y2="{_n(p90_y)}" stroke="{P90_INK}" stroke-width="2"/>'
            f'<circle cx="{_n(centre)}" cy="{_n(p90_y)}" r="3.5" fill="{P90_INK}"/>'
            f"<title>{escape(month.label)}: 90th percentile {describe_days(spread.p90)}</title></g>"
        )
        body.append(_text(centre, p90_y - 8, f"n={spread.count}", anchor="middle", size=10))
    goal_y = y(target)
    body.append(
        f'<line class="goal" x1="{left}" x2="{width - right}" y1="{_n(goal_y)}" y2="{_n(goal_y)}" '
        f'stroke="{GOAL}" stroke-width="1.5" stroke-dasharray="6 4"/>'
    )
    body.append(
        _text(
            width - right,
            goal_y - 5,
            f"Goal: {_n(target)} working days",
            anchor="end",
            size=11,
            fill=GOAL,
        )  # fmt: skip
    )
    legend_y = height - 8
    body += [
        f'<rect x="{left}" y="{legend_y - 9}" width="12" height="10" fill="{MEDIAN_FILL}"/>',
        _text(left + 17, legend_y, "Median", size=11),
        f'<circle cx="{left + 82}" cy="{legend_y - 4}" r="3.5" fill="{P90_INK}"/>',
        _text(left + 90, legend_y, "90th percentile", size=11),
        _text(left + 200, legend_y, "n = positions that became unanimous that month", size=11),
    ]
    shown = [m for m in months if m.to_unanimous.count]
    period = f"{months[0].label} to {months[-1].label}" if months else "no months"
    desc = (
        f"Median and 90th percentile working days from ready for sign-off to unanimous, by the "
        f"month unanimity came, {period}; {len(shown)} of {len(months)} months have positions. "
        f"Goal: {_n(target)} working days."
    )
    return _document(width, height, "Cycle times month by month", desc, body)


# ---- one position's timeline ---------------------------------------------------------------


def timeline_chart(timeline: Timeline) -> str:
    """A lane per partner (alphabetical) along working days since ready: each decision a mark,
    the decision date and unanimity as vertical lines."""
    lane_h, right, top = 30, 24, 34
    # Room for the longest partner name at 12 px (about 6.6 px a character), within reason.
    longest = max((len(lane.partner.name) for lane in timeline.lanes), default=8)
    left = round(min(240, 16 + 6.6 * longest))
    width = 600 + left
    height = top + lane_h * max(len(timeline.lanes), 1) + 48
    plot_w = width - left - right
    span = max(timeline.length, timeline.due_at or 0, 1.0) * 1.05

    def x(days: float) -> float:
        return left + min(days, span) / span * plot_w

    plot_bottom = top + lane_h * len(timeline.lanes)
    body = [
        _text(8, 20, "Working days since ready for sign-off", size=12, fill=INK),
    ]
    for i, lane in enumerate(timeline.lanes):
        mid = top + lane_h * i + lane_h / 2
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{_n(mid)}" y2="{_n(mid)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(left - 8, mid + 4, lane.partner.name, anchor="end", fill=INK))
        for mark in lane.marks:
            cx = x(mark.working_days)
            verb = "approved" if mark.decision == "approve" else "objected to"
            tip = (
                f"{lane.partner.name}: {verb} revision {mark.revision} "
                f"after {describe_days(mark.working_days)}"
                f"{f' ({mark.decided_by})' if mark.decided_by else ''}"
            )
            if mark.decision == "approve":
                shape = f'<circle cx="{_n(cx)}" cy="{_n(mid)}" r="6" fill="{APPROVE}"/>'
            else:
                points = f"{_n(cx)},{_n(mid - 7)} {_n(cx + 7)},{_n(mid)} {_n(cx)},{_n(mid + 7)} {_n(cx - 7)},{_n(mid)}"  # noqa: E501
                shape = f'<polygon points="{points}" fill="{OBJECT}"/>'
            body.append(
                f'<g class="decision {escape(mark.decision)}" data-partner={quoteattr(lane.partner.slug)} '  # noqa: E501
                f'data-days="{mark.working_days:.2f}">{shape}<title>{escape(tip)}</title></g>'
            )
    body.append(
        f'<line class="ready" x1="{left}" x2="{left}" y1="{top - 6}" y2="{plot_bottom}" '
        f'stroke="{INK}" stroke-width="1.5"/>'
    )
    if timeline.due_at is not None:
        due_x = x(timeline.due_at)
        body.append(
            f'<line class="due" x1="{_n(due_x)}" x2="{_n(due_x)}" y1="{top - 6}" '
            f'y2="{plot_bottom}" stroke="{DUE}" stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
        body.append(_text(due_x, top - 10, "Due", anchor="middle", size=11, fill=DUE))
    end_x = x(timeline.length)
    end_label = {"published": "Published", "taken_back": "Taken back"}.get(
        timeline.outcome or "", "Now"
    )
    body.append(
        f'<line class="end" x1="{_n(end_x)}" x2="{_n(end_x)}" y1="{top - 6}" y2="{plot_bottom}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    )
    body.append(_text(end_x, plot_bottom + 14, end_label, anchor="middle", size=11))
    axis_y = plot_bottom + 30
    step = nice_ceiling(span / 6)
    tick = 0.0
    while tick <= span:
        body.append(_text(x(tick), axis_y, _n(tick), anchor="middle", size=10))
        tick += step
    legend_y = height - 4
    body += [
        f'<circle cx="{left + 6}" cy="{legend_y - 4}" r="5" fill="{APPROVE}"/>',
        _text(left + 15, legend_y, "Approved", size=11),
        f'<polygon points="{left + 90},{legend_y - 10} {left + 96},{legend_y - 4} '
        f'{left + 90},{legend_y + 2} {left + 84},{legend_y - 4}" fill="{OBJECT}"/>',
        _text(left + 100, legend_y, "Objected", size=11),
    ]
    decided = sum(1 for lane in timeline.lanes if lane.marks)
    desc = (
        f"From ready for sign-off to each partner's decisions: {decided} of "
        f"{len(timeline.lanes)} partners have decided, over {describe_days(timeline.length)}"
        + (
            f"; unanimous after {describe_days(timeline.unanimous_after)}"
            if timeline.unanimous_at
            else ""
        )
        + "."
    )
    return _document(width, height, f"Sign-off timeline: {timeline.title}", desc, body)
