"""Small server-rendered SVG charts: no script needed to read them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape


def step_chart_svg(
    points: Sequence[tuple[dt.date, int]],
    *,
    start: dt.date,
    end: dt.date,
    title: str,
    width: int = 720,
    height: int = 220,
) -> str:
    """A step line of a count over time (e.g. designated nationalities), with axis labels."""
    left, right, top, bottom = 44, 32, 16, 36
    span = max((end - start).days, 1)
    peak = max([count for _, count in points] + [1])

    def x(day: dt.date) -> float:
        return left + (width - left - right) * (min(max(day, start), end) - start).days / span

    def y(count: int) -> float:
        return top + (height - top - bottom) * (1 - count / peak)

    path, previous = [], None
    for day, count in points:
        if previous is None:
            path.append(f"M{x(day):.1f},{y(count):.1f}")
        else:
            path.append(f"H{x(day):.1f}V{y(count):.1f}")
        previous = count
    path.append(f"H{x(end):.1f}")
    labels = "".join(
        f'<text x="{x(day):.1f}" y="{y(count) - 4:.1f}" class="chart-value">{count}</text>'
        for day, count in points
    )
    ticks = "".join(
        f'<text x="{x(day):.1f}" y="{height - 12}" class="chart-tick" text-anchor="middle">{day:%Y-%m}</text>'
        for day in _month_ticks(start, end, room=width - left - right)
    )
    return (
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" class="chart">'
        f"<title>{escape(title)}</title>"
        f'<line x1="{left}" y1="{y(0):.1f}" x2="{width - right}" y2="{y(0):.1f}" class="chart-axis"/>'
        f'<path d="{"".join(path)}" class="chart-line"/>{labels}{ticks}</svg>'
    )


def _month_ticks(start: dt.date, end: dt.date, *, room: float) -> list[dt.date]:
    """First days of months to label, no closer than 60 pixels apart in `room` pixels."""
    months = []
    day = dt.date(start.year, start.month, 1)
    while day <= end:
        if day >= start:
            months.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    step = max(1, -(-len(months) * 60 // int(room)))
    return months[::step]


def timeline_svg(
    rows: Sequence[tuple[str, Sequence[tuple[dt.date, dt.date | None]]]],
    *,
    start: dt.date,
    end: dt.date,
    title: str,
    width: int = 720,
) -> str:
    """One bar per row (a country) for each stretch of days its rule was in force."""
    left, right, row_height, top = 170, 32, 16, 8
    height = top + row_height * len(rows) + 28
    span = max((end - start).days, 1)

    def x(day: dt.date) -> float:
        return left + (width - left - right) * (min(max(day, start), end) - start).days / span

    parts = []
    for index, (label, stretches) in enumerate(rows):
        y = top + index * row_height
        parts.append(
            f'<text x="{left - 6}" y="{y + 11}" class="chart-label" text-anchor="end">{escape(label)}</text>'
        )
        for first, last in stretches:
            x1, x2 = x(first), x(last or end) + 1
            parts.append(
                f'<rect x="{x1:.1f}" y="{y + 2}" width="{max(x2 - x1, 2):.1f}" height="{row_height - 5}" class="chart-bar">'
                f"<title>{escape(label)}: {first} – {last or '…'}</title></rect>"
            )
    ticks = "".join(
        f'<text x="{x(day):.1f}" y="{height - 8}" class="chart-tick" text-anchor="middle">{day:%Y-%m}</text>'
        for day in _month_ticks(start, end, room=width - left - right)
    )
    return (
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" class="chart">'
        f"<title>{escape(title)}</title>{''.join(parts)}{ticks}</svg>"
    )
