"""Reading every field and check digit of the five Doc 9303 zone layouts (TD1, TD2, TD3, MRV-A/B).

We wrote our own parser rather than use the PyPI `mrz` package: that package is GPL-licensed,
which this Apache-2.0 project cannot take on, and it rejects ICAO's own examples of document
numbers longer than nine characters (continued in the optional data, Doc 9303-5 and -6).

Fields are cut by slicing at fixed positions and check digits are computed on bytes, since a
border post reads many zones a second; see benchmarks/bench_mrz.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from visabond.documents.mrz import fields
from visabond.documents.mrz.checkdigit import check_passes
from visabond.documents.mrz.model import NO_FAILURES, MrzFormat, MrzResult
from visabond.documents.mrz.zone import zone_bytes, zone_format

# The checks beyond the check digits, in the order they are listed after them.
_FIELD_CHECKS = ("issuing_state_code", "nationality_code", "date_order")
CHECK_DIGIT_FAILURE = "the check digit does not match its data (Doc 9303-3 §4.9)"

# The first letter of the document code each layout is issued with (Doc 9303-4 to -7).
_USUAL_DOCUMENT_LETTERS = {
    MrzFormat.TD1: "ACI",
    MrzFormat.TD2: "ACI",
    MrzFormat.TD3: "P",
    MrzFormat.MRVA: "V",
    MrzFormat.MRVB: "V",
}


def parse_rows(rows: tuple[str, ...], *, today: date) -> MrzResult:
    """The fields of a zone given as stripped rows; raises MrzError if it is not a zone."""
    layout = zone_format(rows)
    data = zone_bytes(rows)
    if layout is MrzFormat.TD1:
        return _parse_td1(rows, data, today=today)
    return _parse_two_lines(layout, rows, data, today=today)


def _parse_td1(rows: tuple[str, ...], data: tuple[bytes, ...], *, today: date) -> MrzResult:
    """TD1, Doc 9303-5: number and optional data on line 1, dates on line 2, name on line 3."""
    row1, row2, row3 = rows
    bytes1, bytes2, _ = data
    warnings: list[str] = []
    failures: dict[str, str] = {}
    document_code = _document_code(row1, MrzFormat.TD1, warnings)
    issuing_state = fields.state_code(
        row1[2:5], line=1, column=3, field="issuing_state", warnings=warnings, failures=failures
    )
    if row1[14] == "<":
        number, number_passes, optional_data = _long_document_number(row1[5:14], row1[15:30])
    else:
        number, number_passes = row1[5:14].rstrip("<"), check_passes(bytes1[5:14], row1[14])
        optional_data = row1[15:30].rstrip("<")
    birth, expiry = _dates(
        row2, birth_at=0, expiry_at=8, today=today, warnings=warnings, failures=failures
    )
    sex = fields.sex(row2[7], line=2, column=8)
    nationality = fields.state_code(
        row2[15:18], line=2, column=16, field="nationality", warnings=warnings, failures=failures
    )
    surname, given_names = fields.names(row3, line=3, column=1, warnings=warnings)
    composite = bytes1[5:30] + bytes2[0:7] + bytes2[8:15] + bytes2[18:29]
    checks = {
        "document_number": number_passes,
        "birth_date": check_passes(bytes2[0:6], row2[6]),
        "expiry_date": check_passes(bytes2[8:14], row2[14]),
        "composite": check_passes(composite, row2[29]),
    }
    all_checks, reasons = _verdicts(checks, failures)
    return MrzResult(
        format=MrzFormat.TD1,
        document_code=document_code,
        issuing_state=issuing_state,
        document_number=number,
        nationality=nationality,
        birth_date=birth,
        expiry_date=expiry,
        sex=sex,
        surname=surname,
        given_names=given_names,
        optional_data=optional_data,
        optional_data_2=row2[18:29].rstrip("<"),
        checks=all_checks,
        failures=reasons,
        warnings=tuple(warnings),
        corrections=(),
        lines=rows,
    )


def _parse_two_lines(
    layout: MrzFormat, rows: tuple[str, ...], data: tuple[bytes, ...], *, today: date
) -> MrzResult:
    """TD2, TD3, MRV-A and MRV-B share line 1 and the first 28 columns of line 2."""
    row1, row2 = rows
    bytes2 = data[1]
    warnings: list[str] = []
    failures: dict[str, str] = {}
    document_code = _document_code(row1, layout, warnings)
    issuing_state = fields.state_code(
        row1[2:5], line=1, column=3, field="issuing_state", warnings=warnings, failures=failures
    )
    surname, given_names = fields.names(row1[5:], line=1, column=6, warnings=warnings)
    nationality = fields.state_code(
        row2[10:13], line=2, column=11, field="nationality", warnings=warnings, failures=failures
    )
    birth, expiry = _dates(
        row2, birth_at=13, expiry_at=21, today=today, warnings=warnings, failures=failures
    )
    sex = fields.sex(row2[20], line=2, column=21)
    checks = {
        "document_number": False,  # set below: where the number ends depends on the layout
        "birth_date": check_passes(bytes2[13:19], row2[19]),
        "expiry_date": check_passes(bytes2[21:27], row2[27]),
    }
    number, optional_data = _LINE_TWO_ENDINGS[layout](row2, bytes2, checks)
    all_checks, reasons = _verdicts(checks, failures)
    return MrzResult(
        format=layout,
        document_code=document_code,
        issuing_state=issuing_state,
        document_number=number,
        nationality=nationality,
        birth_date=birth,
        expiry_date=expiry,
        sex=sex,
        surname=surname,
        given_names=given_names,
        optional_data=optional_data,
        optional_data_2="",
        checks=all_checks,
        failures=reasons,
        warnings=tuple(warnings),
        corrections=(),
        lines=rows,
    )


def _dates(
    row2: str,
    *,
    birth_at: int,
    expiry_at: int,
    today: date,
    warnings: list[str],
    failures: dict[str, str],
) -> tuple[date | None, date | None]:
    """Birth and expiry dates of line 2 (0-based offsets): the expiry is read first, since
    the century of the birth date depends on it (`visabond.documents.centuries`)."""
    expiry = fields.expiry_date(
        row2[expiry_at : expiry_at + 6],
        line=2,
        column=expiry_at + 1,
        today=today,
        warnings=warnings,
    )
    birth = fields.birth_date(
        row2[birth_at : birth_at + 6],
        line=2,
        column=birth_at + 1,
        today=today,
        expiry=expiry,
        warnings=warnings,
        failures=failures,
    )
    return birth, expiry


def _verdicts(
    digit_checks: dict[str, bool], failures: dict[str, str]
) -> tuple[Mapping[str, bool], Mapping[str, str]]:
    """Every check with its verdict (check digits first), and why each failed one failed."""
    checks = digit_checks
    for name in _FIELD_CHECKS:
        checks[name] = name not in failures
    if all(checks.values()):
        return MappingProxyType(checks), NO_FAILURES
    for name, passed in checks.items():
        if not passed and name not in failures:
            failures[name] = CHECK_DIGIT_FAILURE
    return MappingProxyType(checks), MappingProxyType(failures)


def _td2_number_and_optional(row2: str, bytes2: bytes, checks: dict[str, bool]) -> tuple[str, str]:
    """TD2, Doc 9303-6: optional data 29-35, composite check digit in column 36."""
    if row2[9] == "<":
        number, checks["document_number"], optional_data = _long_document_number(
            row2[0:9], row2[28:35]
        )
    else:
        number, optional_data = row2[0:9].rstrip("<"), row2[28:35].rstrip("<")
        checks["document_number"] = check_passes(bytes2[0:9], row2[9])
    composite = bytes2[0:10] + bytes2[13:20] + bytes2[21:35]
    checks["composite"] = check_passes(composite, row2[35])
    return number, optional_data


def _td3_number_and_optional(row2: str, bytes2: bytes, checks: dict[str, bool]) -> tuple[str, str]:
    """TD3, Doc 9303-4: personal number 29-42 with its own check digit, composite in 44."""
    checks["document_number"] = check_passes(bytes2[0:9], row2[9])
    optional_data = row2[28:42].rstrip("<")
    # An empty personal number may carry `<` instead of its check digit 0 (Doc 9303-4).
    empty_with_filler = not optional_data and row2[42] == "<"
    checks["optional_data"] = empty_with_filler or check_passes(bytes2[28:42], row2[42])
    composite = bytes2[0:10] + bytes2[13:20] + bytes2[21:43]
    checks["composite"] = check_passes(composite, row2[43])
    return row2[0:9].rstrip("<"), optional_data


def _visa_number_and_optional(row2: str, bytes2: bytes, checks: dict[str, bool]) -> tuple[str, str]:
    """MRV-A and MRV-B, Doc 9303-7: optional data to the end of line 2, no composite."""
    checks["document_number"] = check_passes(bytes2[0:9], row2[9])
    return row2[0:9].rstrip("<"), row2[28:].rstrip("<")


_LINE_TWO_ENDINGS = {
    MrzFormat.TD2: _td2_number_and_optional,
    MrzFormat.TD3: _td3_number_and_optional,
    MrzFormat.MRVA: _visa_number_and_optional,
    MrzFormat.MRVB: _visa_number_and_optional,
}


def _long_document_number(head: str, optional: str) -> tuple[str, bool, str]:
    """A number over nine characters: the rest and its check digit open the optional data.

    Doc 9303-5 and -6: the check digit column holds `<`; the optional data starts with the
    remaining characters, then the check digit of the whole number, then a filler.
    Returns the number, whether its check digit passes, and the optional data after it.
    """
    end = optional.find("<")
    if end == -1:
        end = len(optional)
    if end == 0:
        return head.rstrip("<"), False, optional.rstrip("<")
    number = head + optional[: end - 1]
    passes = check_passes(number.encode("ascii"), optional[end - 1])
    return number, passes, optional[end + 1 :].rstrip("<")


def _document_code(row1: str, layout: MrzFormat, warnings: list[str]) -> str:
    code = fields.document_code(row1[0:2])
    if code[0] not in _USUAL_DOCUMENT_LETTERS[layout]:
        warnings.append(f"document code {code} is unusual for the {layout.value} layout")
    return code
