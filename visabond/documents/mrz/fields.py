"""Reading one field of a zone: codes, names, sex and dates, each located for its error.

Every reader takes the field's raw characters and its 1-based line and column, so a field
that breaks its rule raises `MrzError` pointing at the character at fault. A field that reads
but fails a check (an unknown state code, dates no century reconciles) records why in
`failures`, under the name of the check.
"""

from __future__ import annotations

from datetime import date

from visabond.documents import centuries
from visabond.documents.codes import (
    KNOWN_CODES,
    SPECIMEN_STATE,
    code_warning,
    unknown_code_reason,
)
from visabond.documents.mrz import dates
from visabond.documents.mrz.errors import MrzError

CODE_RULE = "Doc 9303-3 §5 three-letter codes"
NAME_RULE = "Doc 9303-3 name of the holder in the MRZ"
SEX_RULE = "Doc 9303-4 to -7 sex: F, M, or X/< unspecified"
DATE_RULE = "Doc 9303-3 dates in the MRZ: YYMMDD"
DOCUMENT_CODE_RULE = "Doc 9303-4 to -7 document code"

_DATE_CHARACTERS = "0123456789<"
_SEXES = {"M": "M", "F": "F", "X": "X", "<": "X"}


def document_code(raw: str) -> str:
    """The document code of line 1, columns 1-2: a letter, then a letter or filler."""
    if not raw[0].isalpha():
        raise _not_letter(raw, 0, line=1, column=1, rule=DOCUMENT_CODE_RULE, field="document_code")
    if not (raw[1].isalpha() or raw[1] == "<"):
        raise _not_letter(raw, 1, line=1, column=1, rule=DOCUMENT_CODE_RULE, field="document_code")
    return raw.rstrip("<")


def state_code(
    raw: str,
    *,
    line: int,
    column: int,
    field: str,
    warnings: list[str],
    failures: dict[str, str],
) -> str:
    """A three-letter code, right-padded with fillers ("D<<" is Germany's "D").

    A code outside ISO 3166-1 alpha-3 and ICAO's own fails the check `<field>_code`
    (Doc 9303-3 §5); the specimen state UTO reads with a warning.
    """
    code = raw.rstrip("<")
    if not code.isalpha():
        raise _bad_code(raw, line=line, column=column, field=field)
    if code not in KNOWN_CODES:
        failures[f"{field}_code"] = unknown_code_reason(code, field=field) or code
    elif code == SPECIMEN_STATE:
        warnings.append(code_warning(code, field=field) or code)
    return code


def _bad_code(raw: str, *, line: int, column: int, field: str) -> MrzError:
    label = field.replace("_", " ")
    for offset, char in enumerate(raw):
        if char.isdigit():
            return _not_letter(raw, offset, line=line, column=column, rule=CODE_RULE, field=field)
    if raw.startswith("<"):
        return MrzError(f"{label} is blank", rule=CODE_RULE, line=line, column=column, field=field)
    message = f"{label} {raw!r} has a filler between letters"
    return MrzError(message, rule=CODE_RULE, line=line, column=column, field=field)


def names(raw: str, *, line: int, column: int, warnings: list[str]) -> tuple[str, str]:
    """Surname and given names: `<<` separates them, `<` separates their parts."""
    letters = raw.replace("<", "")
    if not letters.isalpha():
        if letters:
            offset = next(i for i, char in enumerate(raw) if char.isdigit())
            raise _not_letter(raw, offset, line=line, column=column, rule=NAME_RULE, field="name")
        warnings.append("the name field is empty")
        return "", ""
    if raw[-1] != "<":
        # Doc 9303-3 truncation leaves no filler at the end of a shortened name.
        warnings.append("the name fills its field and may have been truncated")
    surname, _, given_names = raw.rstrip("<").partition("<<")
    return _spaced(surname), _spaced(given_names)


def _spaced(part: str) -> str:
    spaced = part.replace("<", " ")
    return " ".join(spaced.split()) if "  " in spaced or spaced[:1] == " " else spaced


def sex(raw: str, *, line: int, column: int) -> str:
    try:
        return _SEXES[raw]
    except KeyError:
        message = f"sex {raw!r} is not F, M, X or <"
        raise MrzError(message, rule=SEX_RULE, line=line, column=column, field="sex") from None


def birth_date(
    raw: str,
    *,
    line: int,
    column: int,
    today: date,
    expiry: date | None,
    warnings: list[str],
    failures: dict[str, str],
) -> date | None:
    """The birth date, in the century `centuries.birth_date` gives against today and expiry.

    None when the zone leaves parts unknown (a warning) or when no century puts the birth
    before the expiry within a lifetime (the check `date_order` fails and says so).
    """
    try:
        digits = dates.birth_digits(raw)
        value = (
            None if digits is None else centuries.birth_date(digits, reference=today, expiry=expiry)
        )
    except ValueError as error:
        raise _not_a_date(error, raw, line=line, column=column, field="birth_date") from None
    if digits is None:
        warnings.append(f"birth date is unknown in part or whole ({raw})")
    elif value is None:
        after = f"before the expiry date {expiry.isoformat()} " if expiry else ""
        failures["date_order"] = (
            f"birth date {raw} falls {after}in no century within "
            f"{centuries.OLDEST_AGE_YEARS} years of {today.isoformat()}: the dates contradict "
            "each other (a document is issued to a living person)"
        )
    return value


def expiry_date(
    raw: str, *, line: int, column: int, today: date, warnings: list[str]
) -> date | None:
    """The expiry date, from 80 years before to 20 years after today (`centuries`)."""
    try:
        digits = dates.expiry_digits(raw)
        value = None if digits is None else centuries.expiry_date(digits, reference=today)
    except ValueError as error:
        raise _not_a_date(error, raw, line=line, column=column, field="expiry_date") from None
    if value is None:
        warnings.append("expiry date is not given")
    elif value < today:
        warnings.append(f"the document expired on {value.isoformat()}")
    return value


def _not_a_date(error: ValueError, raw: str, *, line: int, column: int, field: str) -> MrzError:
    """The error for a date field, at its first character that is no digit or filler."""
    message = f"{field.replace('_', ' ')} is not a date: {error}"
    offset = next((i for i, char in enumerate(raw) if char not in _DATE_CHARACTERS), 0)
    return MrzError(message, rule=DATE_RULE, line=line, column=column + offset, field=field)


def _not_letter(
    raw: str, offset: int, *, line: int, column: int, rule: str, field: str
) -> MrzError:
    message = f"{field.replace('_', ' ')} has {raw[offset]!r} where a letter belongs"
    return MrzError(message, rule=rule, line=line, column=column + offset, field=field)
