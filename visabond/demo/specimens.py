"""Specimen passports for the demonstration: the two lines of a TD3 zone (ICAO Doc 9303-4)
with every check digit right, for people who do not exist.

Plain Python, no Django.
"""

from __future__ import annotations

import datetime as dt

from visabond.documents.mrz import check_digit
from visabond.documents.mrz.writer import mrz_name_part

NAME_WIDTH = 39
OPTIONAL_WIDTH = 14


def specimen_passport(
    *,
    surname: str,
    given_names: str,
    number: str,
    nationality: str,
    birth: dt.date,
    sex: str,
    expiry: dt.date,
) -> str:
    """A passport's zone, two lines of 44 joined by a newline (Doc 9303-4 §4.2: names, then
    number, nationality, birth date, sex, expiry, optional data, each with its check digit,
    and the composite check digit over them)."""
    given = mrz_name_part(given_names, field="given_names")
    names = f"{mrz_name_part(surname, field='surname')}<<{given}"[:NAME_WIDTH]
    line1 = f"P<{nationality}{names.ljust(NAME_WIDTH, '<')}"
    number_field = number.upper().ljust(9, "<")[:9]
    birth_text, expiry_text = birth.strftime("%y%m%d"), expiry.strftime("%y%m%d")
    optional = "<" * OPTIONAL_WIDTH
    parts = (
        number_field
        + check_digit(number_field)
        + nationality
        + birth_text
        + check_digit(birth_text)
        + sex
        + expiry_text
        + check_digit(expiry_text)
        + optional
        + check_digit(optional)
    )
    # Doc 9303-4 §4.2.2.2: the composite covers number, birth, expiry and optional data.
    composite = parts[0:10] + parts[13:20] + parts[21:43]
    return f"{line1}\n{parts}{check_digit(composite)}"
