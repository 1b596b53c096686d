"""Writing the MRV-A zone (Doc 9303-7, 2 lines of 44) of a visa the system issues."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from visabond.documents.codes import KNOWN_CODES
from visabond.documents.mrz.checkdigit import check_digit
from visabond.documents.mrz.errors import MrzError

LINE_WIDTH = 44
NAME_WIDTH = LINE_WIDTH - 5
NUMBER_WIDTH = 9
OPTIONAL_WIDTH = 16
TRANSLITERATION_RULE = "Doc 9303-3 §6 transliteration"
VISA_RULE = "Doc 9303-7 MRV-A data structure"
_SEX_CHARACTERS = {"M": "M", "F": "F", "X": "<"}
# Doc 9303-3 §6 writes these as two letters; other marks are simply dropped (É is E).
_MULTI_LETTER = str.maketrans(
    {"Æ": "AE", "Œ": "OE", "Ø": "OE", "Þ": "TH", "Ð": "D", "Đ": "D", "Ł": "L", "Ħ": "H",
     "Ä": "AE", "Ö": "OE", "Ü": "UE", "Å": "AA", "Ĳ": "IJ", "Ŀ": "L", "ı": "I"}
)  # fmt: skip
_SEPARATORS = str.maketrans({" ": "<", "-": "<", ",": "<", "'": None, "’": None, ".": None})


@dataclass(frozen=True, slots=True)
class VisaZoneData:
    """What a visa's zone states. `sex` is "M", "F" or "X"; `birth_date` None if unknown."""

    issuing_state: str
    document_number: str
    surname: str
    given_names: str
    nationality: str
    birth_date: date | None
    sex: str
    expiry_date: date
    optional_data: str = ""
    visa_type: str = "<"


def mrva_zone(visa: VisaZoneData) -> tuple[str, str]:
    """The two 44-character lines of the visa's machine readable zone.

    Raises MrzError naming the field for data the zone cannot hold, and for a birth date
    not before the expiry date (a reader would take it for another century).
    """
    if visa.birth_date is not None and visa.birth_date >= visa.expiry_date:
        message = (
            f"birth date {visa.birth_date.isoformat()} is not before the expiry date "
            f"{visa.expiry_date.isoformat()}"
        )
        raise MrzError(message, rule="Doc 9303-3 dates in the MRZ", field="birth_date")
    line1 = (
        "V"
        + _visa_type(visa.visa_type)
        + _code(visa.issuing_state, field="issuing_state")
        + _name_field(visa.surname, visa.given_names)
    )
    number = _padded(visa.document_number, NUMBER_WIDTH, field="document_number")
    birth = "<<<<<<" if visa.birth_date is None else _yymmdd(visa.birth_date)
    expiry = _yymmdd(visa.expiry_date)
    line2 = (
        number
        + check_digit(number)
        + _code(visa.nationality, field="nationality")
        + birth
        + check_digit(birth)
        + _sex(visa.sex)
        + expiry
        + check_digit(expiry)
        + _padded(visa.optional_data, OPTIONAL_WIDTH, field="optional_data", empty_ok=True)
    )
    return line1, line2


def mrz_name_part(text: str, *, field: str) -> str:
    """A name as MRZ letters: upper case, transliterated, spaces and hyphens as one `<`."""
    upper = text.strip().upper().translate(_MULTI_LETTER)
    decomposed = unicodedata.normalize("NFKD", upper)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    written = "<".join(filter(None, plain.translate(_SEPARATORS).split("<")))
    for char in written:
        if not ("A" <= char <= "Z" or char == "<"):
            message = f"{char!r} has no MRZ transliteration"
            raise MrzError(message, rule=TRANSLITERATION_RULE, field=field)
    return written


def _name_field(surname: str, given_names: str) -> str:
    primary = mrz_name_part(surname, field="surname")
    if not primary:
        raise MrzError("surname is empty", rule=VISA_RULE, field="surname")
    secondary = mrz_name_part(given_names, field="given_names").split("<")
    while len(_joined(primary, secondary)) > NAME_WIDTH and _shorten_to_initial(secondary):
        pass
    full = _joined(primary, secondary)
    if len(full) <= NAME_WIDTH:
        return full.ljust(NAME_WIDTH, "<")
    if full[NAME_WIDTH - 1] == "<":
        message = f"name {full!r} cannot be truncated to end in a letter; shorten it"
        raise MrzError(message, rule="Doc 9303-3 name truncation", field="surname")
    # A truncated name fills the field and ends in a letter, so a reader can tell it is cut.
    return full[:NAME_WIDTH]


def _joined(primary: str, secondary: list[str]) -> str:
    given = "<".join(part for part in secondary if part)
    return f"{primary}<<{given}" if given else primary


def _shorten_to_initial(parts: list[str]) -> bool:
    """Doc 9303-3 truncation shortens given names to initials, the last one first."""
    for index in range(len(parts) - 1, -1, -1):
        if len(parts[index]) > 1:
            parts[index] = parts[index][0]
            return True
    return False


def _visa_type(value: str) -> str:
    if len(value) == 1 and ("A" <= value <= "Z" or value == "<"):
        return value
    message = f"visa type {value!r} is not one letter or <"
    raise MrzError(message, rule=VISA_RULE, field="visa_type")


def _code(value: str, *, field: str) -> str:
    if value not in KNOWN_CODES:
        message = f"{value!r} is not an ISO 3166-1 or ICAO code"
        raise MrzError(message, rule="Doc 9303-3 §5 three-letter codes", field=field)
    return value.ljust(3, "<")


def _padded(value: str, width: int, *, field: str, empty_ok: bool = False) -> str:
    if not value and not empty_ok:
        raise MrzError(f"{field.replace('_', ' ')} is empty", rule=VISA_RULE, field=field)
    if len(value) > width or not all("A" <= c <= "Z" or "0" <= c <= "9" for c in value):
        message = f"{value!r} is not at most {width} characters A-Z and 0-9"
        raise MrzError(message, rule=VISA_RULE, field=field)
    return value.ljust(width, "<")


def _sex(value: str) -> str:
    try:
        return _SEX_CHARACTERS[value]
    except KeyError:
        raise MrzError(f"sex {value!r} is not M, F or X", rule=VISA_RULE, field="sex") from None


def _yymmdd(value: date) -> str:
    return value.strftime("%y%m%d")
