"""What reading a machine readable zone yields: frozen, slotted records, cheap to build."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType

NO_FAILURES: Mapping[str, str] = MappingProxyType({})


class MrzFormat(StrEnum):
    """The five zone layouts of Doc 9303 parts 4 to 7."""

    TD1 = "TD1"  # 3 lines of 30: identity cards (Doc 9303-5)
    TD2 = "TD2"  # 2 lines of 36: identity cards, older passports' cards (Doc 9303-6)
    TD3 = "TD3"  # 2 lines of 44: passport books (Doc 9303-4)
    MRVA = "MRVA"  # 2 lines of 44: full-page visas (Doc 9303-7)
    MRVB = "MRVB"  # 2 lines of 36: smaller visas (Doc 9303-7)


@dataclass(frozen=True, slots=True)
class Correction:
    """One character the OCR-tolerant reader changed, at a 1-based line and column."""

    line: int
    column: int
    original: str
    replacement: str
    field: str

    def to_json_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "column": self.column,
            "from": self.original,
            "to": self.replacement,
            "field": self.field,
        }


@dataclass(frozen=True, slots=True)
class MrzResult:
    """The fields of a zone, the verdict of each check, and what a reader should know.

    Codes and numbers have trailing fillers removed ("D<<" is "D"); names have fillers turned
    into single spaces. `optional_data` is the optional field of line 1 for TD1 (line 2
    otherwise) and `optional_data_2` is TD1's second optional field, empty elsewhere.
    `birth_date` is None when the zone marks it (partly) unknown or when no century makes it
    consistent with the expiry date (then the `date_order` check fails); `expiry_date` is
    None when the zone leaves it blank. `sex` is "M", "F" or "X" (unspecified, `<` or `X`).

    `checks` names every check the layout has: its check digits (Doc 9303-3 §4.9), the
    issuing state and nationality codes (§5) and the order of the dates. `failures` says why
    each failed check failed. `valid` is derived from the checks and cannot be set, so a
    result never claims to be clean while a check failed; `checks` and `failures` are
    read-only mappings.
    """

    format: MrzFormat
    document_code: str
    issuing_state: str
    document_number: str
    nationality: str
    birth_date: date | None
    expiry_date: date | None
    sex: str
    surname: str
    given_names: str
    optional_data: str
    optional_data_2: str
    checks: Mapping[str, bool]
    failures: Mapping[str, str]
    warnings: tuple[str, ...]
    corrections: tuple[Correction, ...]
    lines: tuple[str, ...]

    @property
    def valid(self) -> bool:
        """Whether every check passed: the only verdict a border post may act on."""
        return all(self.checks.values())

    def failed_checks(self) -> list[str]:
        return [name for name, passed in self.checks.items() if not passed]

    def to_json_dict(self) -> dict[str, object]:
        """The result as JSON-ready data, with the keys the command line and API promise.

        TD1 has two optional fields; `optional_data` then joins them with one space, which
        cannot occur inside MRZ data, so the split stays recoverable.
        """
        data: dict[str, object] = {
            "format": self.format.value,
            "document_code": self.document_code,
            "issuing_state": self.issuing_state,
            "document_number": self.document_number,
            "nationality": self.nationality,
            "birth_date": _iso(self.birth_date),
            "expiry_date": _iso(self.expiry_date),
            "sex": self.sex,
            "surname": self.surname,
            "given_names": self.given_names,
            "optional_data": self._joined_optional_data(),
            "valid": self.valid,
            "checks": dict(self.checks),
            "failures": dict(self.failures),
            "warnings": list(self.warnings),
        }
        if self.corrections:
            data["corrections"] = [correction.to_json_dict() for correction in self.corrections]
        return data

    def _joined_optional_data(self) -> str:
        if self.optional_data_2:
            return f"{self.optional_data} {self.optional_data_2}"
        return self.optional_data


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
