"""The console's charts: drawn from the data by matplotlib, each with its table and downloads."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.web.console import signed_in
from visabond.web.charts import bar_chart, step_chart, timeline_chart

D = dt.date


def test_step_chart_labels_every_change_of_count_and_keeps_its_table() -> None:
    chart = step_chart(
        [(D(2025, 8, 20), 2), (D(2025, 10, 11), 3), (D(2026, 1, 21), 38)],
        start=D(2025, 8, 20),
        end=D(2026, 8, 5),
        title="designations",
        label="nationalities",
    )
    svg = chart.svg()
    assert svg.startswith('<svg class="chart" role="img" aria-label="designations"')
    labels = re.findall(r">(\d+)</text>", svg)
    assert [v for v in labels if v in {"2", "3", "38"}][-3:] == ["2", "3", "38"]
    assert chart.csv().splitlines() == [
        "from,nationalities",
        "2025-08-20,2",
        "2025-10-11,3",
        "2026-01-21,38",
    ]
    assert chart.png().startswith(b"\x89PNG")


def test_timeline_has_one_row_per_stretch_and_escapes_labels() -> None:
    chart = timeline_chart(
        [("Côte d'Ivoire <x>", [(D(2026, 1, 21), None)]), ("Mali", [])],
        start=D(2025, 8, 20),
        end=D(2026, 8, 5),
        title="by country <all>",
    )
    svg = chart.svg()
    assert "&lt;x&gt;" in svg
    assert "<x>" not in svg
    assert 'aria-label="by country &lt;all&gt;"' in svg
    assert chart.rows == (("Côte d'Ivoire <x>", "2026-01-21", ""),)


def test_bar_chart_table_holds_every_bar() -> None:
    chart = bar_chart(
        [("MLI", 12.5), ("GMB", 3.0)], title="rates", label="%", threshold=10.0, highlight=["MLI"]
    )
    assert chart.csv().splitlines()[1:] == ["MLI,12.5", "GMB,3.0"]


@pytest.mark.usefixtures("seeded", "people")
def test_policy_console_shows_each_chart_with_its_table_and_downloads() -> None:
    client = signed_in("policy_officer")
    page = client.get("/console/").content.decode()
    assert page.count('class="chart-table"') == page.count('<svg class="chart"') >= 2
    assert "/console/charts/policy/us-visa-bond-pilot/designations.csv" in page
    csv_reply = client.get("/console/charts/policy/us-visa-bond-pilot/designations.csv")
    assert csv_reply["Content-Type"].startswith("text/csv")
    assert csv_reply.content.decode().splitlines()[0] == "from,nationalities"
    png = client.get("/console/charts/policy/us-visa-bond-pilot/countries.png")
    assert png.content.startswith(b"\x89PNG")


@pytest.mark.usefixtures("seeded", "people")
def test_policy_chart_downloads_check_the_role() -> None:
    client = signed_in("applicant")
    assert (
        client.get("/console/charts/policy/us-visa-bond-pilot/designations.csv").status_code == 403
    )
