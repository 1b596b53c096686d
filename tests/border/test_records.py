"""A report is checked before anything is stored: each bad field is named with its rule."""

from __future__ import annotations

import datetime as dt

import pytest

from visabond.border import records
from visabond.border.records import AdmissionReport, StatusKind, differing_field
from visabond.core.errors import InvalidInput

BORN = dt.date(1990, 4, 2)
NEW_YORK = dt.timezone(dt.timedelta(hours=-4))


def grace(**changes: object) -> records.Traveller:
    values: dict[str, object] = {
        "document_number": "MA1234567",
        "document_issuing_state": "MWI",
        "birth_date": BORN,
        "nationality": "MWI",
        "visa_number": "",
    }
    values.update(changes)
    return records.traveller(**values)  # type: ignore[arg-type]


def admission(**changes: object) -> AdmissionReport:
    values: dict[str, object] = {
        "traveller": grace(),
        "port": "jfk",
        "admitted_at": dt.datetime(2025, 10, 1, 15, 0, tzinfo=NEW_YORK),
        "admit_until": dt.date(2025, 10, 30),
        "visa_class": "b2",
    }
    values.update(changes)
    return records.admission_report(**values)  # type: ignore[arg-type]


def refused(call: object, **changes: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        call(**changes)  # type: ignore[operator]
    return caught.value


def test_a_document_is_the_number_the_state_and_the_birth_date_together() -> None:
    traveller = grace(document_number="ma 123 4567<<", document_issuing_state="mwi")
    assert traveller.document is not None
    assert (traveller.document.number, traveller.document.issuing_state) == ("MA1234567", "MWI")
    assert refused(grace, birth_date=None).field == "birth_date"
    assert refused(grace, document_issuing_state="").field == "document_issuing_state"
    assert refused(grace, document_issuing_state="XYZ").code == "state_unknown"
    assert refused(grace, document_number="MA-12").code == "document_number_invalid"


def test_a_traveller_is_named_by_a_document_or_a_visa() -> None:
    by_visa = records.traveller(visa_number="v 1234 abcd")
    assert (by_visa.document, by_visa.visa_number) == (None, "V1234ABCD")
    error = refused(records.traveller)
    assert (error.code, error.field) == ("traveller_unidentified", "document_number")


def test_germany_issues_documents_as_d_under_icao_codes() -> None:
    traveller = grace(document_issuing_state="D<<")
    assert traveller.document is not None
    assert traveller.document.issuing_state == "D"


def test_the_port_is_an_airport_and_the_moment_has_its_offset() -> None:
    assert admission().port == "JFK"
    assert refused(admission, port="XXX").code == "port_unknown"
    naive = refused(admission, admitted_at=dt.datetime(2025, 10, 1, 15, 0))  # noqa: DTZ001
    assert (naive.code, naive.field) == ("moment_without_offset", "admitted_at")


def test_the_admission_day_is_the_day_at_the_port_not_in_utc() -> None:
    late_evening = admission(admitted_at=dt.datetime(2025, 10, 1, 23, 30, tzinfo=NEW_YORK))
    assert late_evening.admitted_at.date() == dt.date(2025, 10, 2)  # already the 2nd in UTC
    assert late_evening.admitted_on == dt.date(2025, 10, 1)


def test_admit_until_cannot_precede_the_admission() -> None:
    error = refused(admission, admit_until=dt.date(2025, 9, 30))
    assert (error.code, error.field) == ("admit_until_before_admission", "admit_until")


def test_admit_until_cannot_lie_beyond_any_stay() -> None:
    error = refused(admission, admit_until=dt.date(9999, 12, 31))
    assert (error.code, error.field) == ("admit_until_too_late", "admit_until")
    extension = refused(
        records.status_report,
        traveller=grace(),
        kind="extension",
        decided_on=dt.date(2025, 10, 20),
        admit_until=dt.date(9999, 12, 31),
    )
    assert (extension.code, extension.field) == ("admit_until_too_late", "admit_until")


def test_an_extension_names_its_new_date_and_nothing_else_does() -> None:
    on = dt.date(2025, 10, 20)
    assert refused(
        records.status_report, traveller=grace(), kind="extension", decided_on=on
    ).field == ("admit_until")
    error = refused(
        records.status_report,
        traveller=grace(),
        kind=StatusKind.ASYLUM,
        decided_on=on,
        admit_until=on,
    )
    assert error.code == "admit_until_unexpected"
    assert refused(
        records.status_report, traveller=grace(), kind="parole", decided_on=on
    ).field == ("kind")


def test_a_renewal_keeps_the_holder_and_changes_the_document() -> None:
    renewal = records.renewal_report(
        traveller=grace(),
        new_document_number="MB7654321",
        new_document_issuing_state="MWI",
        renewed_on=dt.date(2025, 10, 15),
    )
    assert renewal.new_document.birth_date == BORN
    same = refused(
        records.renewal_report,
        traveller=grace(),
        new_document_number="MA1234567",
        new_document_issuing_state="MWI",
        renewed_on=dt.date(2025, 10, 15),
    )
    assert same.code == "renewal_same_document"


def test_the_first_differing_field_is_named() -> None:
    report = admission()
    stored = report.fields()
    assert differing_field(stored, report) is None
    assert (
        differing_field({**stored, "admit_until": dt.date(2025, 10, 29)}, report) == "admit_until"
    )
    assert differing_field({**stored, "port": "IAD"}, report) == "port"
