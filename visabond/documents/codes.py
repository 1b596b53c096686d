"""Issuing-state and nationality codes of Doc 9303-3 §5: ISO 3166-1 alpha-3 plus ICAO's own.

Both readers use them: an MRZ names states in these codes, and PAXLST messages carry the
same codes in NAT (nationality) and LOC+91 (document issuing country), as the WCO/IATA/ICAO
API Guidelines ask for the codes printed in the document's machine readable zone.
"""

from __future__ import annotations

import pycountry

SPECIMEN_STATE = "UTO"

# Codes ICAO assigns outside ISO 3166-1 alpha-3 (Doc 9303-3 §5, its tables B to D). Germany
# is `D` (written `D<<`), not DEU; the organisations issue laissez-passer and similar.
ICAO_ONLY_CODES: dict[str, str] = {
    "D": "Germany",
    "GBD": "British Overseas Territories Citizen",
    "GBN": "British National (Overseas)",
    "GBO": "British Overseas Citizen",
    "GBP": "British Protected Person",
    "GBS": "British Subject",
    "RKS": "Kosovo",
    "EUE": "European Union",
    "UNO": "United Nations Organization",
    "UNA": "Specialized agency of the United Nations",
    "UNK": "United Nations Interim Administration Mission in Kosovo",
    "XBA": "African Development Bank",
    "XIM": "African Export-Import Bank",
    "XCC": "Caribbean Community",
    "XCE": "Council of Europe",
    "XCO": "Common Market for Eastern and Southern Africa",
    "XEC": "Economic Community of West African States",
    "XES": "Organisation of Eastern Caribbean States",
    "XMP": "Parliamentary Assembly of the Mediterranean",
    "XOM": "Sovereign Military Order of Malta",
    "XDC": "Southern African Development Community",
    "XPO": "International Criminal Police Organization (INTERPOL)",
    "XXA": "Stateless person",
    "XXB": "Refugee under the 1951 Convention",
    "XXC": "Refugee, other",
    "XXX": "Unspecified nationality",
    SPECIMEN_STATE: "Utopia (ICAO specimen state)",
}

KNOWN_CODES: frozenset[str] = frozenset(
    {country.alpha_3 for country in pycountry.countries} | ICAO_ONLY_CODES.keys()
)


def code_name(code: str) -> str | None:
    """The state or organisation a code (fillers stripped, e.g. "D") stands for, if known."""
    if code in ICAO_ONLY_CODES:
        return ICAO_ONLY_CODES[code]
    country = pycountry.countries.get(alpha_3=code)
    return None if country is None else str(country.name)


def code_warning(code: str, *, field: str) -> str | None:
    """A warning for a known code a reader should not take at face value (the specimen)."""
    if code == SPECIMEN_STATE:
        return f"{field} UTO is the ICAO specimen state Utopia: a specimen, not a real document"
    return None


def unknown_code_reason(code: str, *, field: str) -> str | None:
    """Why `code` fails the check of `field`, or None when it is a known code.

    Doc 9303-3 §5: a state or organisation is written with its ISO 3166-1 alpha-3 code or a
    code ICAO assigns; any other code is not a nationality or issuing state a border post
    can act on, so the check fails and says which field and code.
    """
    if code in KNOWN_CODES:
        return None
    label = field.replace("_", " ")
    return f"{label} {code!r} is not an ISO 3166-1 alpha-3 or ICAO code (Doc 9303-3 §5)"
