"""Visa classes each issuing state names, with the spellings applicants use for them."""

from __future__ import annotations

import re

from visabond.core.errors import InvalidInput
from visabond.policy.rules import WILDCARD_CLASS


def gettext_noop(text: str) -> str:
    """Marks a label for the message catalogue; pages translate it when they show it."""
    return text


# canonical code -> (label, aliases). States without a table accept any class token.
CLASSES: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "USA": {
        "B1/B2": (
            gettext_noop("Visitor for business or pleasure (B-1/B-2)"),
            ("B1", "B2", "B1B2", "B"),
        ),
        "C1/D": (gettext_noop("Transit and crew (C-1/D)"), ("C1", "D", "C1D")),
        "F1": (gettext_noop("Academic student (F-1)"), ("F",)),
        "M1": (gettext_noop("Vocational student (M-1)"), ("M",)),
        "J1": (gettext_noop("Exchange visitor (J-1)"), ("J",)),
        "H1B": (gettext_noop("Specialty occupation worker (H-1B)"), ("H1",)),
        "O1": (gettext_noop("Extraordinary ability (O-1)"), ()),
        "I": (gettext_noop("Representative of foreign media (I)"), ()),
    },
    "MLI": {
        "SHORT-STAY": (
            gettext_noop(
                "Short-stay visa (visa de court séjour): tourism, business, family visits"
            ),
            ("COURTSEJOUR", "SHORTSTAY", "TOURIST", "BUSINESS", "VISITOR"),
        ),
        "LONG-STAY": (
            gettext_noop("Long-stay visa (visa de long séjour)"),
            ("LONGSEJOUR", "LONGSTAY"),
        ),
        "TRANSIT": (gettext_noop("Transit visa"), ()),
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
    """The issuer's classes as (code, English label); none for a state without a table."""
    return [(code, label) for code, (label, _) in CLASSES.get(issuer, {}).items()]
