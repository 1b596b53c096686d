"""Countries by ISO 3166 alpha-3 code or by name, case- and accent-insensitive."""

from __future__ import annotations

import difflib
import gettext
import unicodedata
from dataclasses import dataclass
from functools import cache

import pycountry

from visabond.core.errors import InvalidInput, gettext_noop

# Names people use that ISO 3166 spells otherwise (ISO: "Gambia", "Tanzania, United Republic of").
_EXTRA_NAMES = {
    "the gambia": "GMB",
    "united states": "USA",
    "united states of america": "USA",
    "us": "USA",
    "america": "USA",
    "ivory coast": "CIV",
    "cape verde": "CPV",
    "burma": "MMR",
    "swaziland": "SWZ",
    "east timor": "TLS",
    "car": "CAF",
    "drc": "COD",
    "congo-kinshasa": "COD",
    "congo-brazzaville": "COG",
    "russia": "RUS",
    "south korea": "KOR",
    "north korea": "PRK",
    "vatican": "VAT",
    "uk": "GBR",
    "great britain": "GBR",
    "turkey": "TUR",
}


@dataclass(frozen=True, slots=True)
class Country:
    alpha_3: str
    alpha_2: str
    name: str


def fold(text: str) -> str:
    """Lower case without accents or punctuation runs: 'São Tomé' -> 'sao tome'."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = "".join(c if c.isalnum() else " " for c in bare.casefold())
    return " ".join(cleaned.replace("’", " ").split())


@cache
def _countries() -> dict[str, Country]:
    table = {}
    for record in pycountry.countries:
        name = getattr(record, "common_name", None) or record.name
        table[record.alpha_3] = Country(record.alpha_3, record.alpha_2, name)
    return table


@cache
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for record in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(record, attribute, None)
            if value:
                names[fold(value)] = record.alpha_3
                # "Tanzania, United Republic of" is also found as "Tanzania".
                names.setdefault(fold(value.split(",")[0]), record.alpha_3)
    names.update({fold(k): v for k, v in _EXTRA_NAMES.items()})
    return names


def country(code: str) -> Country:
    """The country with this alpha-3 code; raises for an unknown code."""
    found = _countries().get(code.upper())
    if found is None:
        raise InvalidInput(
            gettext_noop("'%(code)s' is not an ISO 3166 country"),
            code="country_unknown",
            field="country",
            params={"code": code},
        )
    return found


def country_by_alpha_2(code: str) -> Country | None:
    record = pycountry.countries.get(alpha_2=code.upper())
    return None if record is None else _countries()[record.alpha_3]


def resolve_country(text: str, *, field: str = "country") -> Country:
    """A country from its alpha-3 code or its name, or an error suggesting close names."""
    cleaned = text.strip()
    if not cleaned:
        raise InvalidInput(
            gettext_noop("a country is required"), code="country_missing", field=field
        )
    if len(cleaned) == 3 and cleaned.isalpha() and cleaned.upper() in _countries():
        return _countries()[cleaned.upper()]
    code = _names().get(fold(cleaned))
    if code is not None:
        return _countries()[code]
    raise InvalidInput(
        f"unknown country {cleaned!r}{_suggestion(cleaned)}", code="country_unknown", field=field
    )


def _suggestion(text: str) -> str:
    folded = fold(text)
    candidates = list(_names()) + [c.lower() for c in _countries()]
    close = difflib.get_close_matches(folded, candidates, n=3, cutoff=0.6)
    labels = []
    for match in close:
        code = _names().get(match) or match.upper()
        label = f"{_countries()[code].name} ({code})"
        if label not in labels:
            labels.append(label)
    return f"; did you mean {', '.join(labels)}?" if labels else ""


def all_countries() -> list[Country]:
    return sorted(_countries().values(), key=lambda c: fold(c.name))


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def localized_name(code: str, language: str | None) -> str:
    """The country's name in `language` (ISO 3166 names as translated by iso-codes)."""
    name = country(code).name
    if not language or language.startswith("en"):
        return name
    return _catalogue(language.split("-")[0]).gettext(name)
