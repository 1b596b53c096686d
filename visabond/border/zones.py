"""The zones a border officer scans or types at the port: the passport's and the visa's.

Plain Python, no Django. The passport is a book (TD3, Doc 9303-4) and the visa a machine
readable visa (MRV-A or MRV-B, Doc 9303-7); each is read strictly by the project's reader
(`documents.mrz.parse_mrz`) and must pass every check: a border post acts only on a zone
whose check digits hold (Doc 9303-3 §4.9). The visa's zone repeats its holder's birth date
and nationality (Doc 9303-7 §4.2), so a visa that is not the passport holder's is refused
before anything is recorded. Refusals name the page's field (`passport_mrz`, `visa_mrz`);
their templates are in the French catalogue (`gettext_noop`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from visabond.border.records import Traveller, traveller
from visabond.core.errors import InvalidInput, gettext_noop
from visabond.documents.mrz import MrzError, MrzFormat, MrzResult, parse_mrz

PASSPORT_FIELD = "passport_mrz"
VISA_FIELD = "visa_mrz"
VISA_LAYOUTS = (MrzFormat.MRVA, MrzFormat.MRVB)


@dataclass(frozen=True, slots=True)
class ScannedZones:
    """The passport's zone and, when scanned, the visa's, both read and checked."""

    passport: MrzResult
    visa: MrzResult | None = None

    @property
    def visa_number(self) -> str:
        return "" if self.visa is None else self.visa.document_number

    def traveller(self) -> Traveller:
        """Who the records are about: the passport (number, issuing state, birth date) and
        the visa's number, the keys matching uses (never names)."""
        return traveller(
            document_number=self.passport.document_number,
            document_issuing_state=self.passport.issuing_state,
            birth_date=self.passport.birth_date,
            nationality=self.passport.nationality,
            visa_number=self.visa_number,
        )


def zones_read(*, passport: str, visa: str, today: dt.date) -> ScannedZones:
    """Read the passport's zone (TD3) and, unless `visa` is blank, the visa's (MRV-A/B).

    `today` anchors the zones' two-digit years. Raises `InvalidInput` naming `passport_mrz`
    or `visa_mrz`: `mrz_unreadable` (not a Doc 9303 zone: line, column and rule),
    `mrz_check_failed` (a check digit or code fails), `mrz_not_passport` / `mrz_not_visa`
    (another layout), `mrz_birth_date_unknown`, `visa_not_holders` (the visa's birth date or
    nationality is not the passport's).
    """
    book = _zone(passport, field=PASSPORT_FIELD, today=today)
    if book.format is not MrzFormat.TD3 or not book.document_code.startswith("P"):
        raise InvalidInput(
            gettext_noop("this is a %(layout)s zone, not a passport book's (TD3)"),
            code="mrz_not_passport",
            field=PASSPORT_FIELD,
            params={"layout": book.format.value},
        )
    if book.birth_date is None:
        raise InvalidInput(
            gettext_noop("the passport's zone leaves the birth date unknown: it is the key"),
            code="mrz_birth_date_unknown",
            field=PASSPORT_FIELD,
        )
    if not visa.strip():
        return ScannedZones(passport=book)
    foil = _zone(visa, field=VISA_FIELD, today=today)
    if foil.format not in VISA_LAYOUTS:
        raise InvalidInput(
            gettext_noop("this is a %(layout)s zone, not a visa's (MRV-A or MRV-B)"),
            code="mrz_not_visa",
            field=VISA_FIELD,
            params={"layout": foil.format.value},
        )
    if foil.birth_date != book.birth_date or foil.nationality != book.nationality:
        raise InvalidInput(
            gettext_noop(
                "this visa is not the passport holder's: its holder was born on %(visa_born)s, "
                "a national of %(visa_nationality)s; the passport's on %(born)s, of "
                "%(nationality)s"
            ),
            code="visa_not_holders",
            field=VISA_FIELD,
            params={
                "visa_born": foil.birth_date,
                "visa_nationality": foil.nationality,
                "born": book.birth_date,
                "nationality": book.nationality,
            },
        )
    return ScannedZones(passport=book, visa=foil)


def _zone(text: str, *, field: str, today: dt.date) -> MrzResult:
    try:
        zone = parse_mrz(text, today=today)
    except MrzError as error:
        raise InvalidInput(
            gettext_noop("the zone does not read: line %(line)s, column %(column)s (%(rule)s)"),
            code="mrz_unreadable",
            field=field,
            params={"line": error.line or 1, "column": error.column or 1, "rule": error.rule},
        ) from None
    if not zone.valid:
        raise InvalidInput(
            gettext_noop("the zone fails its checks: %(checks)s"),
            code="mrz_check_failed",
            field=field,
            params={"checks": zone.failed_checks()},
        )
    return zone
