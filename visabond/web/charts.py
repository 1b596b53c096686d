"""The console's charts, drawn with matplotlib: SVG in the page, PNG and CSV to download.

Why matplotlib: it is the most widely kept plotting library in Python, renders on the
server (no script to vendor, nothing fetched from a network, readable with scripts off),
and gives SVG and PNG from one drawing. Every chart carries the table it shows, so the
page prints it beneath and offers it as CSV.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import dates as mdates
from matplotlib import pyplot
from matplotlib.axes import Axes

# Text stays text in the SVG (searchable, scalable, testable); ids are stable between renders.
matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "visabond",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)
INK, ACCENT, MUTED = "#1f3a5f", "#c0392b", "#8a94a6"


@dataclass(frozen=True)
class Chart:
    """A drawing and the table it shows: `columns` name the values of each row of `rows`."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    draw: Callable[[Axes], None] = field(repr=False, compare=False)
    height: float = 2.6

    def _render(self, fmt: str) -> bytes:
        figure, axes = pyplot.subplots(figsize=(7.5, self.height), dpi=110)
        try:
            self.draw(axes)
            figure.tight_layout()
            buffer = io.BytesIO()
            figure.savefig(buffer, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
            return buffer.getvalue()
        finally:
            pyplot.close(figure)

    def svg(self) -> str:
        """The chart as an inline `<svg>` element with a class, a role and the title as label."""
        text = self._render("svg").decode()
        text = text[text.index("<svg") :]
        title = _escape(self.title)
        return text.replace(
            "<svg ", f'<svg class="chart" role="img" aria-label="{title}" ', 1
        ).replace(">", f"><title>{title}</title>", 1)

    def png(self) -> bytes:
        return self._render("png")

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        writer.writerows(["" if v is None else v for v in row] for row in self.rows)
        return out.getvalue()


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def _date_axis(axes: Axes, start: dt.date, end: dt.date) -> None:
    axes.set_xlim(start, end)  # type: ignore[arg-type]
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))


def step_chart(
    points: Sequence[tuple[dt.date, int]], *, start: dt.date, end: dt.date, title: str, label: str
) -> Chart:
    """A count that changes on given days (e.g. designated nationalities), each change labelled."""

    def draw(axes: Axes) -> None:
        days = [day for day, _ in points] + [end]
        values = [count for _, count in points]
        values = values + values[-1:]
        axes.step(days, values, where="post", color=INK, linewidth=1.8)  # type: ignore[arg-type]
        for day, count in points:
            axes.annotate(
                str(count), (day, count), textcoords="offset points", xytext=(2, 4), color=INK
            )
        axes.set_ylim(0, max([c for _, c in points] + [1]) * 1.2)
        axes.set_ylabel(label)
        _date_axis(axes, start, end)

    return Chart(title, ("from", label), tuple((d.isoformat(), c) for d, c in points), draw)


def timeline_chart(
    rows: Sequence[tuple[str, Sequence[tuple[dt.date, dt.date | None]]]],
    *,
    start: dt.date,
    end: dt.date,
    title: str,
) -> Chart:
    """One bar per row (a country) for each stretch of days it was in force; open ends run to `end`."""

    def draw(axes: Axes) -> None:
        for index, (_, stretches) in enumerate(rows):
            for first, last in stretches:
                left = mdates.date2num(max(first, start))
                right = mdates.date2num(min(last or end, end)) + 1
                axes.barh(index, right - left, left=left, height=0.7, color=INK)
        axes.set_yticks(range(len(rows)), [label for label, _ in rows])
        axes.set_ylim(len(rows) - 0.5, -0.5)
        _date_axis(axes, start, end)

    table = tuple(
        (label, first.isoformat(), last.isoformat() if last else "")
        for label, stretches in rows
        for first, last in stretches
    )
    return Chart(
        title, ("country", "from", "until"), table, draw, height=max(1.6, 0.22 * len(rows) + 0.8)
    )


def line_chart(
    points: Sequence[tuple[dt.date, float | int]],
    *,
    title: str,
    label: str,
    columns: tuple[str, str] = ("date", "value"),
) -> Chart:
    """A value across dates (e.g. suspected in-country overstays as the cut-off moves)."""

    def draw(axes: Axes) -> None:
        days = [day for day, _ in points]
        values = [float(value) for _, value in points]
        axes.plot(days, values, marker="o", color=ACCENT, linewidth=1.8)  # type: ignore[arg-type]
        for day, value in points:
            axes.annotate(
                f"{value:,}" if isinstance(value, int) else str(value),
                (day, float(value)),
                textcoords="offset points",
                xytext=(3, 5),
            )
        axes.set_ylim(0, max([*values, 1.0]) * 1.25)
        axes.set_ylabel(label)
        if days:
            pad = dt.timedelta(days=15)
            _date_axis(axes, min(days) - pad, max(days) + pad)

    return Chart(title, columns, tuple((d.isoformat(), v) for d, v in points), draw)


def bar_chart(
    bars: Sequence[tuple[str, float]],
    *,
    title: str,
    label: str,
    threshold: float | None = None,
    highlight: Sequence[str] = (),
    columns: tuple[str, str] = ("group", "value"),
) -> Chart:
    """Horizontal bars, one per group, a dashed line at `threshold`; `highlight`ed bars stand out."""

    def draw(axes: Axes) -> None:
        names = [name for name, _ in bars]
        colors = [ACCENT if name in highlight else MUTED for name in names]
        axes.barh(range(len(bars)), [value for _, value in bars], color=colors, height=0.7)
        axes.set_yticks(range(len(bars)), names)
        # Without a bar (an empty snapshot), one empty row's height: limits that are equal
        # make no axis.
        axes.set_ylim(max(len(bars), 1) - 0.5, -0.5)
        if threshold is not None:
            axes.axvline(threshold, color=INK, linestyle="--", linewidth=1)
        axes.set_xlabel(label)

    return Chart(title, columns, tuple(bars), draw, height=max(1.6, 0.22 * len(bars) + 0.9))
