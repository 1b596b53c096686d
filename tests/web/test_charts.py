"""The console's charts: drawn from the data, readable without a script."""

from __future__ import annotations

import datetime as dt
import itertools
import re

from visabond.web.charts import step_chart_svg, timeline_svg

D = dt.date


def test_step_chart_labels_every_change_of_count() -> None:
    svg = step_chart_svg(
        [(D(2025, 8, 20), 2), (D(2025, 10, 11), 3), (D(2026, 1, 21), 38)],
        start=D(2025, 8, 20),
        end=D(2026, 8, 5),
        title="designations",
    )
    assert re.findall(r'class="chart-value">(\d+)<', svg) == ["2", "3", "38"]
    assert 'aria-label="designations"' in svg


def test_timeline_draws_one_bar_per_stretch_and_escapes_labels() -> None:
    svg = timeline_svg(
        [("Côte d'Ivoire <x>", [(D(2026, 1, 21), D(2026, 8, 5))]), ("Mali", [])],
        start=D(2025, 8, 20),
        end=D(2026, 8, 5),
        title="by country",
    )
    assert svg.count("<rect") == 1
    assert "&lt;x&gt;" in svg
    assert "<x>" not in svg


def test_month_labels_do_not_crowd() -> None:
    svg = timeline_svg([("A", [])], start=D(2025, 8, 20), end=D(2026, 8, 5), title="t", width=400)
    positions = [
        float(x) for x in re.findall(r'<text x="([\d.]+)" y="[\d.]+" class="chart-tick"', svg)
    ]
    assert len(positions) >= 2
    assert min(b - a for a, b in itertools.pairwise(positions)) >= 55
