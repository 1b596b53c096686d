"""Visa classes each issuing state names, with the spellings applicants use for them."""

from __future__ import annotations

import re

from visabond.core.errors import InvalidInput
from visabond.policy.rules import WILDCARD_CLASS

# canonical code -> (label, aliases). States without a table accept any class token.
CLASSES: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "USA": {
        "B1/B2": ("Visitor for business or pleasure (B-1/B-2)", ("B1", "B2", "B1B2", "B")),
        "C1/D": ("Transit and crew (C-1/D)", ("C1", "D", "C1D")),
        "F1": ("Academic student (F-1)", ("F",)),
        "M1": ("Vocational student (M-1)", ("M",)),
        "J1": ("Exchange visitor (J-1)", ("J",)),
        "H1B": ("Specialty occupation worker (H-1B)", ("H1",)),
        "O1": ("Extraordinary ability (O-1)", ()),
        "I": ("Representative of foreign media (I)", ()),
    },
    "MLI": {
        "SHORT-STAY": (
            "Short-stay visa (visa de court séjour): tourism, business, family visits",
            ("COURTSEJOUR", "SHORTSTAY", "TOURIST", "BUSINESS", "VISITOR"),
        ),
        "LONG-STAY": ("Long-stay visa (visa de long séjour)", ("LONGSEJOUR", "LONGSTAY")),
        "TRANSIT": ("Transit visa", ()),
    },
}


def _squash(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def normalise_visa_class(issuer: str, text: str, *, field: str = "visa_class") -> str:
    """The issuer's canonical code for a class as typed ('B-1/B-2', 'b1b2' -> 'B1/B2')."""
    cleaned = text.strip()
    if cleaned == WILDCARD_CLASS:
        return WILDCARD_CLASS
    if not cleaned:
        raise InvalidInput("a visa class is required", code="visa_class_missing", field=field)
    table = CLASSES.get(issuer)
    if table is None:
        token = re.sub(r"[^A-Z0-9/-]", "", cleaned.upper())
        if not token:
            raise InvalidInput(
                f"{text!r} is not a visa class", code="visa_class_unknown", field=field
            )
        return token
    squashed = _squash(cleaned)
    for code, (_, aliases) in table.items():
        if squashed == _squash(code) or squashed in aliases:
            return code
    known = ", ".join(table)
    raise InvalidInput(
        f"{issuer} has no visa class {text!r}; known classes: {known}",
        code="visa_class_unknown",
        field=field,
    )


def visa_classes(issuer: str) -> list[tuple[str, str]]:
    return [(code, label) for code, (label, _) in CLASSES.get(issuer, {}).items()]
