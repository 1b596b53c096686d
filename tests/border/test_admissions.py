"""The conditions of a visa an admission is checked against (`visabond.border.admissions`):
its issuing state, validity, entries and longest stay, and the traveller's open stay."""

from __future__ import annotations

import datetime as dt

from visabond.border.admissions import (
    EarlierAdmission,
    VisaTerms,
    admission_refusal,
    admission_refusals,
    visa_zone_differences,
)
from visabond.core.errors import Conflict, InvalidInput

PILOT = VisaTerms(
    number="VYKX74WFN",
    issuer="USA",
    valid_from=dt.date(2025, 9, 1),
    valid_until=dt.date(2025, 11, 29),
    entries=1,
    max_stay_days=30,
)
DAY = dt.date(2025, 10, 1)


def refusal(
    visa: VisaTerms = PILOT,
    *,
    state: str = "USA",
    on: dt.date = DAY,
    until: dt.date = dt.date(2025, 10, 30),
    earlier: tuple[EarlierAdmission, ...] = (),
) -> object:
    return admission_refusal(visa, state=state, admitted_on=on, admit_until=until, earlier=earlier)


def test_an_admission_within_every_condition_is_allowed() -> None:
    assert refusal() is None
    assert refusal(until=dt.date(2025, 10, 31)) is None  # the longest stay, to the day


def test_the_admit_until_date_is_bounded_by_the_longest_stay() -> None:
    error = refusal(until=dt.date(9999, 12, 31))
    assert isinstance(error, InvalidInput)
    assert (error.code, error.field) == ("admit_until_beyond_stay", "admit_until")
    assert "30 days from 2025-10-01, so 2025-10-31 at the latest" in error.message
    assert isinstance(refusal(until=dt.date(2025, 11, 1)), InvalidInput)


def test_a_visa_setting_no_longest_stay_bounds_nothing_here() -> None:
    open_ended = VisaTerms("V1", "USA", DAY, dt.date(2026, 10, 1), 99, None)
    assert refusal(open_ended, until=dt.date(2027, 1, 1)) is None


def test_a_visa_admits_only_into_the_state_whose_program_issued_it() -> None:
    malian = VisaTerms("M1", "MLI", PILOT.valid_from, PILOT.valid_until, 1, 30)
    error = refusal(malian, state="USA")
    assert isinstance(error, InvalidInput)
    assert (error.code, error.field) == ("visa_not_for_state", "visa_number")
    assert "MLI's program" in error.message
    assert "not at a port of USA" in error.message
    assert refusal(malian, state="MLI") is None


def test_a_visa_admits_only_within_its_validity() -> None:
    for day in (dt.date(2025, 8, 31), dt.date(2025, 11, 30)):
        error = refusal(on=day, until=day)
        assert isinstance(error, InvalidInput)
        assert (error.code, error.field) == ("visa_not_valid", "visa_number")
    assert refusal(on=PILOT.valid_until, until=PILOT.valid_until) is None


def test_a_single_entry_visa_used_once_admits_no_more_and_names_the_entry() -> None:
    used = EarlierAdmission(7, "JFK", dt.date(2025, 9, 2), departed=True)
    error = refusal(earlier=(used,))
    assert isinstance(error, Conflict)
    assert (error.code, error.field) == ("visa_entries_used", "visa_number")
    assert "admission 7 at JFK on 2025-09-02" in error.message


def test_a_stay_with_no_departure_is_not_opened_again() -> None:
    multiple = VisaTerms("V2", "USA", PILOT.valid_from, PILOT.valid_until, 2, 30)
    still_in = EarlierAdmission(8, "IAD", dt.date(2025, 9, 20), departed=False)
    error = refusal(multiple, earlier=(still_in,))
    assert isinstance(error, Conflict)
    assert (error.code, error.field) == ("admission_open", "visa_number")
    assert "admission 8 at IAD on 2025-09-20 on visa V2 has no departure" in error.message
    left = EarlierAdmission(8, "IAD", dt.date(2025, 9, 20), departed=True)
    assert refusal(multiple, earlier=(left,)) is None


def test_a_later_stay_recorded_first_leaves_an_earlier_one_open_to_record() -> None:
    multiple = VisaTerms("V2", "USA", PILOT.valid_from, PILOT.valid_until, 2, 30)
    later = EarlierAdmission(9, "IAD", dt.date(2025, 10, 20), departed=False)
    assert refusal(multiple, earlier=(later,)) is None


def test_a_visa_zone_is_judged_against_the_visa_on_file_field_by_field() -> None:
    same = visa_zone_differences(
        PILOT, number="vykx74wfn", expiry=dt.date(2025, 11, 29), issuing_state="USA"
    )
    assert same == []
    unknown_expiry = visa_zone_differences(
        PILOT, number="VYKX74WFN", expiry=None, issuing_state="USA"
    )
    assert unknown_expiry == []
    differing = visa_zone_differences(
        PILOT, number="VAAA11111", expiry=dt.date(2026, 1, 31), issuing_state="D<<"
    )
    assert [(e.code, e.field) for e in differing] == [
        ("visa_number_not_on_file", "visa_number"),
        ("visa_expiry_not_on_file", "visa_expiry"),
        ("visa_issuer_not_on_file", "visa_issuing_state"),
    ]
    assert all(isinstance(e, InvalidInput) for e in differing)
    assert "issued by D<<, but visa VYKX74WFN on file" in differing[2].message


def test_a_visa_issued_to_a_traveller_born_on_another_day_is_not_this_travellers() -> None:
    held = VisaTerms(
        "VYKX74WFN", "USA", PILOT.valid_from, PILOT.valid_until, 1, 30, dt.date(1990, 4, 2)
    )
    refused = admission_refusals(
        held,
        state="USA",
        admitted_on=DAY,
        admit_until=None,
        earlier=[],
        birth_date=dt.date(1971, 6, 5),
    )
    assert [(e.code, e.field) for e in refused] == [("visa_holder_differs", "visa_number")]
    assert isinstance(refused[0], Conflict)
    for unknown_or_same in (None, dt.date(1990, 4, 2)):
        assert (
            admission_refusals(
                held,
                state="USA",
                admitted_on=DAY,
                admit_until=None,
                earlier=[],
                birth_date=unknown_or_same,
            )
            == []
        )


def test_a_visa_zone_naming_its_holder_as_the_mrz_writes_or_cuts_the_name_is_no_difference() -> (
    None
):
    held = VisaTerms(
        "VYKX74WFN", "USA", PILOT.valid_from, PILOT.valid_until, 1, 30, None, "Ngozi-Adébáyọ̀"
    )

    def codes(surname: str) -> list[str]:
        found = visa_zone_differences(
            held, number="VYKX74WFN", expiry=None, issuing_state="USA", surname=surname
        )
        return [e.code for e in found]

    assert codes("NGOZI ADEBAYO") == []
    assert codes("NGOZI ADEB") == []  # cut short by the zone's length
    assert codes("MWALE") == ["visa_name_not_on_file"]
