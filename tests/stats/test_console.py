"""The statistics console: figures that say what they came from, the cut-off curve, the assistant."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from tests.conftest import PASSWORD
from tests.stats.conftest import write_case
from tests.web import console
from visabond.accounts.roles import Role
from visabond.accounts.services import user_create
from visabond.audit.models import AuditEvent
from visabond.stats.method import FiscalYear
from visabond.stats.models import OverstaySnapshot
from visabond.stats.services import overstay_snapshot_take

pytestmark = pytest.mark.usefixtures("seeded", "people")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """Gambia: 4 expected, one leaves late in January (known from a cut-off in February),
    one never leaves; Mali: 2 expected, both on time. Bonded travellers marked."""
    write_case(
        tmp_path,
        admissions=[
            ("A1", "T1", "GMB", "B1/B2", "JFK", "2024-11-01T10:00:00Z", "2024-12-01"),
            ("A2", "T2", "GMB", "B1/B2", "JFK", "2024-11-01T10:00:00Z", "2024-12-01"),
            ("A3", "T3", "GMB", "B1/B2", "JFK", "2024-11-01T10:00:00Z", "2024-12-01"),
            ("A4", "T4", "GMB", "B1/B2", "JFK", "2024-11-01T10:00:00Z", "2024-12-01"),
            ("A5", "T5", "MLI", "B1/B2", "IAD", "2024-11-01T10:00:00Z", "2024-12-01"),
            ("A6", "T6", "MLI", "B1/B2", "IAD", "2024-11-01T10:00:00Z", "2024-12-01"),
        ],
        departures=[
            ("D1", "T1", "2024-11-20T10:00:00Z"),
            ("D2", "T2", "2024-11-21T10:00:00Z"),
            ("D3", "T3", "2025-01-20T10:00:00Z"),
            ("D5", "T5", "2024-11-20T10:00:00Z"),
            ("D6", "T6", "2024-11-20T10:00:00Z"),
        ],
    )
    admissions = (tmp_path / "admissions.csv").read_text().splitlines()
    bonded = ["true", "true", "false", "false", "false", "false"]
    rows = [admissions[0] + ",bonded"] + [
        f"{line},{flag}" for line, flag in zip(admissions[1:], bonded, strict=True)
    ]
    (tmp_path / "admissions.csv").write_text("\n".join(rows) + "\n")
    return tmp_path


def take(data: Path, as_of: str) -> OverstaySnapshot:
    return overstay_snapshot_take(
        data_dir=data,
        fiscal_year=FiscalYear(2025),
        as_of=dt.date.fromisoformat(as_of),
        actor="analyst",
    )


def signed_in(role: str) -> Client:
    if role == "analyst":
        user_create(username="analyst", password=PASSWORD, roles=[Role.ANALYST])
    return console.signed_in(role)


def test_a_snapshot_records_what_it_was_computed_from_and_is_audited(data: Path) -> None:
    snapshot = take(data, "2025-02-01")
    assert snapshot.by == "nationality,bonded"
    assert len(snapshot.data_fingerprint) == 64
    assert (snapshot.engine, snapshot.rules_version) == ("duckdb", "dhs-overstay-1")
    event = AuditEvent.objects.get(action="stats.overstay_snapshot_saved")
    assert event.details["data_fingerprint"] == snapshot.data_fingerprint


@pytest.mark.parametrize(
    ("role", "status"),
    [("analyst", 200), ("auditor", 200), ("policy_officer", 403), ("applicant", 403)],
)
def test_statistics_pages_are_for_analysts_and_auditors(data: Path, role: str, status: int) -> None:
    snapshot = take(data, "2025-02-01")
    client = signed_in(role)
    for path in (
        "/console/stats/",
        f"/console/stats/snapshots/{snapshot.pk}/",
        f"/console/stats/snapshots/{snapshot.pk}/designation/",
        "/console/stats/charts/cutoff.csv",
    ):
        assert client.get(path).status_code == status, path


def test_figures_state_their_fingerprint_cut_off_engine_and_rules(data: Path) -> None:
    snapshot = take(data, "2025-02-01")
    page = signed_in("analyst").get(f"/console/stats/snapshots/{snapshot.pk}/").content.decode()
    assert snapshot.data_fingerprint[:12] in page
    assert "as of 2025-02-01" in page
    assert "rules dhs-overstay-1, engine duckdb" in page
    assert "6 expected departures; 1 out-of-country and 1 suspected in-country overstays" in page


def test_the_cut_off_curve_shows_the_suspected_count_shrinking(data: Path) -> None:
    take(data, "2025-01-10")
    take(data, "2025-02-01")
    client = signed_in("analyst")
    page = client.get("/console/stats/?fy=2025").content.decode()
    assert "suspected in-country overstays by cut-off" in page
    csv_text = client.get("/console/stats/charts/cutoff.csv", {"fy": "2025"}).content.decode()
    assert csv_text.splitlines() == [
        "as_of,suspected_in_country_overstays",
        "2025-01-10,2",
        "2025-02-01,1",
    ]


def test_designation_assistant_what_if_and_registry_side_by_side(data: Path) -> None:
    snapshot = take(data, "2025-02-01")
    client = signed_in("analyst")
    url = f"/console/stats/snapshots/{snapshot.pk}/designation/"
    strict = client.get(
        url, {"threshold": "60", "min_expected": "1", "on": "2025-10-11"}
    ).content.decode()
    assert "0 nationalities over the threshold" in strict
    loose = client.get(
        url, {"threshold": "10", "min_expected": "1", "on": "2025-10-11"}
    ).content.decode()
    assert "1 nationality over the threshold" in loose
    gambia = loose[loose.index('data-nationality="GMB"') :].split("</tr>")[0]
    assert "<td>yes</td><td>yes</td>" in gambia  # over the threshold, and designated that day
    assert "2 / 0.000000" in gambia  # bonded: both left on time
    assert "2 / 1.000000" in gambia  # unbonded: both overstayed
    too_few = client.get(url, {"threshold": "10", "min_expected": "5"}).content.decode()
    assert "0 nationalities over the threshold" in too_few


def test_a_bad_threshold_is_explained_kept_in_the_form_and_no_review_is_shown(
    data: Path,
) -> None:
    """A review computed at the default threshold beside the value typed would pass for
    the what-if asked for."""
    snapshot = take(data, "2025-02-01")
    answer = signed_in("analyst").get(
        f"/console/stats/snapshots/{snapshot.pk}/designation/",
        {"threshold": "abc", "min_expected": "1", "on": "2025-10-11"},
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "threshold: a percentage between 0 and 100" in page
    assert '<input name="threshold" value="abc"' in page
    assert 'id="no-review"' in page
    assert 'id="summary"' not in page
    assert 'data-nationality="GMB"' not in page


def test_a_malformed_registry_day_is_explained_with_its_form(data: Path) -> None:
    snapshot = take(data, "2025-02-01")
    answer = signed_in("analyst").get(
        f"/console/stats/snapshots/{snapshot.pk}/designation/", {"on": "2025-13-45"}
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "on: a date in the form YYYY-MM-DD" in page
    assert '<input name="on" value="2025-13-45"' in page


def test_a_malformed_fiscal_year_is_said_not_replaced_by_the_latest(data: Path) -> None:
    take(data, "2025-02-01")
    client = signed_in("analyst")
    answer = client.get("/console/stats/", {"fy": "twenty25"})
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "fy: a fiscal year in four digits, such as 2026" in page
    assert "suspected in-country overstays by cut-off" not in page
    assert 'id="snapshots"' in page  # the page stays usable
    chart = client.get("/console/stats/charts/cutoff.csv", {"fy": "twenty25"})
    assert chart.status_code == 400
    assert "fy: a fiscal year in four digits" in chart.content.decode()


def test_a_rates_chart_with_a_bad_threshold_is_refused_not_drawn_at_the_default(
    data: Path,
) -> None:
    snapshot = take(data, "2025-02-01")
    answer = signed_in("analyst").get(
        "/console/stats/charts/rates.csv", {"snapshot": snapshot.pk, "min_expected": "-3"}
    )
    assert answer.status_code == 400
    assert "min_expected: a whole number of expected departures" in answer.content.decode()


def test_the_statistics_pages_speak_french(data: Path) -> None:
    snapshot = take(data, "2025-02-01")
    client = signed_in("analyst")
    page = client.get(f"/fr/console/stats/snapshots/{snapshot.pk}/").content.decode()
    assert "Départs attendus" in page
    assert "Expected departures" not in page
    assistant = client.get(f"/fr/console/stats/snapshots/{snapshot.pk}/designation/").content
    assert "Aide à la désignation" in assistant.decode()


def test_an_empty_snapshot_says_no_rate_was_computed_not_none(tmp_path: Path) -> None:
    write_case(tmp_path, admissions=[], departures=[])
    snapshot = take(tmp_path, "2025-02-01")
    page = signed_in("analyst").get(f"/console/stats/snapshots/{snapshot.pk}/").content.decode()
    totals = page[page.index('id="totals"') : page.index("</p>", page.index('id="totals"'))]
    assert "0 expected departures" in totals
    assert "not computed (no expected departures)" in totals
    assert "None" not in page.split("<main", 1)[-1]


@pytest.mark.parametrize(
    ("parameters", "said"),
    [
        ({"threshold": "1e999999999"}, "threshold: a percentage between 0 and 100"),
        ({"threshold": "1_0"}, "threshold: a percentage between 0 and 100"),
        ({"threshold": "\u0661\u0660"}, "threshold: a percentage between 0 and 100"),
        ({"min_expected": "1_0"}, "min_expected: a whole number of expected departures"),
        ({"min_expected": "\uff15"}, "min_expected: a whole number of expected departures"),
        ({"on": "20250302"}, "on: a date in the form YYYY-MM-DD"),
        ({"on": "2025-W10-1"}, "on: a date in the form YYYY-MM-DD"),
    ],
)
def test_numbers_and_days_python_would_read_but_the_form_does_not_allow_are_refused(
    data: Path, parameters: dict[str, str], said: str
) -> None:
    """Decimal and int read exponents, underscores and other scripts' digits, and
    date.fromisoformat reads 20250302 and week dates: each is a 400 naming the parameter,
    on the page and on the chart's download (an exponent once overflowed into a 500)."""
    snapshot = take(data, "2025-02-01")
    client = signed_in("analyst")
    page = client.get(f"/console/stats/snapshots/{snapshot.pk}/designation/", parameters)
    assert page.status_code == 400
    assert said in page.content.decode()
    if "on" not in parameters:
        chart = client.get(
            "/console/stats/charts/rates.csv", {"snapshot": snapshot.pk, **parameters}
        )
        assert chart.status_code == 400
        assert said in chart.content.decode()


@pytest.mark.parametrize("year", ["1900", "2031"])
def test_a_year_with_no_snapshot_says_so_instead_of_an_empty_page(data: Path, year: str) -> None:
    take(data, "2025-02-01")
    page = signed_in("analyst").get("/console/stats/", {"fy": year})
    assert page.status_code == 200
    html = page.content.decode()
    assert f"No snapshot of fiscal year {int(year)} has been taken" in html
    assert 'id="snapshots"' in html
    assert "suspected in-country overstays by cut-off" not in html


def test_a_year_zero_is_no_fiscal_year() -> None:
    page = signed_in("analyst").get("/console/stats/", {"fy": "0000"})
    assert page.status_code == 400
    assert "fy: a fiscal year in four digits, such as 2026" in page.content.decode()
