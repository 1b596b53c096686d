"""Scenarios from the real timeline of the US Visa Bond Pilot Program and Mali's reciprocity.

Each test is one applicant on one day, answered by the seeded registry exactly as the
command line, the API and the public page answer it.
"""

from __future__ import annotations

from typing import Any

import pytest

from visabond.policy.selectors import requirement_lookup

pytestmark = pytest.mark.usefixtures("seeded")


def ask(
    nationality: str,
    on: str,
    *,
    issuer: str = "USA",
    visa_class: str = "B1/B2",
    known_on: str | None = None,
) -> dict[str, Any]:
    return requirement_lookup(
        issuer=issuer, nationality=nationality, visa_class=visa_class, on=on, known_on=known_on
    ).to_json_dict()


def test_malian_before_the_designation_date_needs_no_bond() -> None:
    assert ask("MLI", "2025-10-22")["bond_required"] is False


def test_malian_on_and_after_2025_10_23_needs_no_bond_because_mali_was_dropped() -> None:
    for day in ("2025-10-23", "2025-10-24"):
        answer = ask("MLI", day)
        assert answer["bond_required"] is False
        assert answer["rule_id"] is None


def test_malian_asking_on_2025_10_20_was_told_a_bond_would_be_required_from_2025_10_23() -> None:
    answer = ask("Mali", "2025-10-24", known_on="2025-10-20")
    assert answer["bond_required"] is True
    assert answer["amounts"] == ["5000.00", "10000.00", "15000.00"]
    assert answer["effective_from"] == "2025-10-23"
    assert ask("Mali", "2025-10-22", known_on="2025-10-20")["bond_required"] is False


def test_gambian_needs_a_bond_from_2025_10_11_not_the_day_before() -> None:
    assert ask("The Gambia", "2025-10-10")["bond_required"] is False
    answer = ask("The Gambia", "2025-10-11")
    assert answer["bond_required"] is True
    assert answer["standard_amount"] == "10000.00"
    assert answer["currency"] == "USD"
    assert answer["ports"] == ["BOS", "JFK", "IAD"]
    assert answer["visa"] == {"entries": 1, "validity_days": 90, "max_stay_days": 30}


def test_nigerian_needs_a_bond_from_2026_01_21_not_the_day_before() -> None:
    assert ask("NGA", "2026-01-20")["bond_required"] is False
    answer = ask("NGA", "2026-01-21")
    assert answer["bond_required"] is True
    assert answer["effective_to"] == "2026-08-05"
    assert any("2026-01-06" in s["title"] for s in answer["sources"])


def test_tanzanian_needs_no_bond_after_the_pilot_ends() -> None:
    assert ask("Tanzania", "2026-08-05")["bond_required"] is True
    answer = ask("Tanzania", "2026-08-06")
    assert answer["bond_required"] is False


def test_malawian_f1_student_needs_no_bond_the_pilot_covers_b1_b2_only() -> None:
    assert ask("Malawi", "2025-09-01")["bond_required"] is True
    answer = ask("Malawi", "2025-09-01", visa_class="F-1")
    assert answer["visa_class"] == "F1"
    assert answer["bond_required"] is False


def test_us_national_applying_to_mali_in_november_2025_posts_up_to_ten_thousand() -> None:
    answer = ask("United States", "2025-11-15", issuer="Mali", visa_class="tourist")
    assert answer["bond_required"] is True
    assert answer["amounts"] == ["5000.00", "10000.00"]
    assert answer["standard_amount"] == "10000.00"
    assert answer["ports"] == ["BKO"]
    mirrored = answer["mirrored_from"]
    assert mirrored["source_issuer"] == "USA"
    assert mirrored["source_nationality"] == "MLI"
    assert mirrored["cap"] == {"amount": "10000.00", "currency": "USD"}
    assert mirrored["port_mapping"] == {"BOS": "BKO", "JFK": "BKO", "IAD": "BKO"}


def test_burkinabe_applicant_meets_a_suspension_of_issuance_and_no_bond() -> None:
    answer = ask("Burkina Faso", "2025-11-01")
    assert answer["issuance_suspended"] is True
    assert answer["bond_required"] is False
    assert "Lomé" in answer["notes"][0]
    assert ask("Burkina Faso", "2025-10-09")["issuance_suspended"] is False


def test_thirty_eight_countries_were_designated_at_the_peak() -> None:
    import datetime as dt

    from visabond.policy.selectors import designation_counts

    counts = dict(
        designation_counts(issuer="USA", start=dt.date(2025, 8, 20), end=dt.date(2026, 8, 5))
    )
    assert counts[dt.date(2025, 8, 20)] == 2
    assert counts[dt.date(2025, 10, 11)] == 3
    assert counts[dt.date(2025, 10, 23)] == 6
    assert counts[dt.date(2026, 1, 1)] == 13
    assert counts[dt.date(2026, 1, 21)] == 38


def test_mali_dropped_by_the_us_leaves_a_pending_review_and_malis_measure_in_force() -> None:
    from visabond.policy.selectors import review_queue

    pending = review_queue()
    assert [(r.change, r.directive.issuer) for r in pending] == [("withdraw", "MLI")]
    assert ask("USA", "2026-03-01", issuer="MLI", visa_class="SHORT-STAY")["bond_required"] is True


def test_the_seven_countries_of_2026_01_01_were_known_on_2025_12_22() -> None:
    """The list was revised on 2025-12-17 (Financial Express; Daily Bhutan Times)."""
    answer = ask("Bhutan", "2026-01-01", known_on="2025-12-22")
    assert answer["bond_required"] is True
    assert answer["effective_from"] == "2026-01-01"
    assert answer["announced_on"] == "2025-12-17"
    assert ask("Bhutan", "2026-01-01", known_on="2025-12-16")["bond_required"] is False


def test_no_seeded_rule_warns_of_a_notice_it_did_not_miss() -> None:
    from visabond.policy.models import RuleVersion

    assert (
        list(RuleVersion.objects.exclude(notice_warning="").values_list("rule__nationality")) == []
    )


def test_every_seeded_announcement_date_is_the_date_of_one_of_its_sources() -> None:
    from tests.conftest import shipped_timeline

    timeline = shipped_timeline()
    for step in timeline["steps"]:
        if "sources" not in step:
            continue
        dates = {timeline["sources"][key]["date"] for key in step["sources"]}
        assert step["announced_on"] in dates, step["key"]


def test_a_state_with_no_program_in_the_registry_is_no_information_not_no_bond() -> None:
    from visabond.core.errors import NotFound

    with pytest.raises(NotFound) as refused:
        ask("MLI", "2025-10-24", issuer="FRA", visa_class="ANYTHING")
    assert (refused.value.code, refused.value.field) == ("issuer_not_registered", "issuer")
    with pytest.raises(NotFound):
        ask("NGA", "2026-02-01", issuer="Germany")


@pytest.mark.parametrize(("issuer", "nationality"), [("USA", "USA"), ("MLI", "Mali")])
def test_applying_to_ones_own_state_is_an_input_error(issuer: str, nationality: str) -> None:
    from visabond.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        ask(nationality, "2025-11-01", issuer=issuer, visa_class="*")
    assert (refused.value.code, refused.value.field) == ("nationality_is_issuer", "nationality")
