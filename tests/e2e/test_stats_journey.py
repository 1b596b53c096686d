"""An analyst reads the cut-off curve in a real browser and downloads its table as CSV."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import INSTALLATION, screenshot
from tests.installation import run_visabond
from visabond.stats.synthetic import generate_year

pytestmark = pytest.mark.e2e
ANALYST_PASSWORD = "e2e-analyst-password-3"


def test_analyst_sees_the_cut_off_curve_and_downloads_it(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    data = tmp_path / "year"
    generate_year(data, admissions=3_000, seed=3)
    created = run_visabond(
        INSTALLATION,
        "user",
        "create",
        "analyst",
        "--role",
        "analyst",
        "--password-stdin",
        stdin=ANALYST_PASSWORD + "\n",
    )
    assert created.returncode == 0, created.stderr
    for as_of in ("2025-10-15", "2025-12-31", "2026-03-31"):
        taken = run_visabond(
            INSTALLATION,
            "report",
            "snapshot",
            "--data",
            str(data),
            "--fiscal-year",
            "2025",
            "--as-of",
            as_of,
            "--by-user",
            "analyst",
        )
        assert taken.returncode == 0, taken.stderr

    page.goto(app_url + "/console/stats/")
    page.fill("#id_username", "analyst")
    page.fill("#id_password", ANALYST_PASSWORD)
    page.click("button[type=submit]")
    page.goto(app_url + "/console/stats/?fy=2025")
    chart = page.locator("svg.chart").first
    expect(chart).to_be_visible()
    expect(page.locator(".chart-card h2").first).to_contain_text(
        "suspected in-country overstays by cut-off"
    )
    screenshot(page, "06-stats-cut-off-curve")

    with page.expect_download() as download_info:
        page.click("text=Download CSV")
    target = tmp_path / "cutoff.csv"
    download_info.value.save_as(target)
    lines = target.read_text().splitlines()
    assert lines[0] == "as_of,suspected_in_country_overstays"
    assert [line.split(",")[0] for line in lines[1:]] == ["2025-10-15", "2025-12-31", "2026-03-31"]
    suspected = [int(line.split(",")[1]) for line in lines[1:]]
    assert suspected[0] >= suspected[1] >= suspected[2]
