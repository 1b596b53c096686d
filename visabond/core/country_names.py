"""Country names as a sentence needs them: with the article and preposition each language uses.

The names themselves are ISO 3166's, translated by the iso-codes catalogues that pycountry
ships (French: "États-Unis", "Gambie"); the common name is preferred where ISO has one
("Tanzania" over "Tanzania, United Republic of"). No library carries the grammar of those
names, so the articles follow the languages' own rules, with the exceptions listed here:

- English takes "the" before names of unions and plurals: "the United States", "the Gambia",
  "the Netherlands", "the Central African Republic".
- French gives every country an article by gender and number ("le Mali", "la Gambie",
  "les États-Unis", "l'Ouganda"), except most islands and city-states ("Cuba", "Malte"); the
  preposition "de" contracts with it ("du Mali", "des États-Unis", "de la Gambie", "d'Oman").
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import cache

import pycountry

# Inverted ISO names ("Micronesia, Federated States of", "Salomon, Îles") read in the
# natural order in a sentence; a list keeps ISO's order so that it sorts by the country.
_INVERTED = re.compile(
    r"^(?P<head>[^,]+), (?P<tail>(?:.* (?:of|of the|de|du|de la|d')|Îles|Île|Île de la|British|U\.S\.))$"
)

_ENGLISH_THE_WORDS = {
    "Republic",
    "Kingdom",
    "States",
    "Islands",
    "Emirates",
    "Federation",
    "Union",
    "Territory",
    "Territories",
    "Isle",
    "Holy",
    "State",
}
_ENGLISH_THE_NAMES = {"Gambia", "Bahamas", "Netherlands", "Philippines", "Comoros", "Maldives"}
_ENGLISH_THE_NAMES |= {"Seychelles", "Congo"}
# ISO's order that the inversion below cannot restore.
_RUNNING = {"Îles Vierges, États-Unis": "Îles Vierges des États-Unis"}

# French: names used without an article (islands, city-states and a few others by usage).
_FRENCH_NO_ARTICLE = {
    "ABW", "AIA", "ATG", "BHR", "BLM", "BES", "BRN", "CUB", "CUW", "CYP", "DJI", "GGY", "GIB",
    "GUM", "HKG", "HTI", "ISR", "JEY", "KIR", "KNA", "LCA", "MAC", "MAF", "MCO", "MDG", "MLT",
    "MSR", "MUS", "MYT", "NIU", "NRU", "OMN", "PLW", "PRI", "SGP", "SHN", "SMR", "SPM", "STP",
    "SXM", "TKL", "TON", "TTO", "TUV", "TWN", "VCT", "VUT", "WLF", "WSM",
}  # fmt: skip
# French names ending in -e that are masculine ("le Mexique", "le Cambodge").
_FRENCH_MASCULINE_E = {"Mexique", "Cambodge", "Mozambique", "Zimbabwe", "Belize", "Territoire"}
_FRENCH_FEMININE = {"Fédération", "Sierra"}
_FRENCH_PLURAL = {"Pays-Bas", "Philippines", "Comores", "Seychelles", "Maldives", "Bahamas"}
_FRENCH_PLURAL |= {"Fidji", "Bermudes", "Samoa américaines", "Terres australes françaises"}
_VOWELS = set("AEIOUÂÉÈÊËÎÏÔÖÛÜÅ")


@dataclass(frozen=True, slots=True)
class CountryName:
    """A country's name in one language, in the forms a sentence needs.

    `name`: as listed ("États-Unis"); `subject`: with its article, as a sentence's subject
    ("les États-Unis", "the United States"), capitalise it at the start of a sentence;
    `of`: after "nationals" ("des États-Unis", "of the United States"); `plural`: whether
    a verb agrees in the plural (French "les États-Unis ont").
    """

    name: str
    subject: str
    of: str
    plural: bool


@cache
def _catalogue(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def _language(language: str | None) -> str:
    return (language or "en").split("-")[0].split("_")[0].lower()


@cache
def listed_name(alpha_3: str, language: str | None) -> str:
    """The name as a list shows it: ISO's common name in `language` (iso-codes translations)."""
    record = pycountry.countries.get(alpha_3=alpha_3)
    if record is None:
        return alpha_3
    english = getattr(record, "common_name", None) or record.name
    code = _language(language)
    return english if code == "en" else _catalogue(code).gettext(english)


def _running(name: str) -> str:
    """'Micronésie, États fédérés de' -> 'États fédérés de Micronésie'."""
    if name in _RUNNING:
        return _RUNNING[name]
    bare, paren, qualifier = name.partition(" (")
    qualifier = f"{paren}{qualifier}" if ", " in bare and qualifier else ""
    found = _INVERTED.match(bare if qualifier else name)
    if found is None:
        return name
    tail, head = found["tail"], found["head"]
    if tail.startswith("The "):
        tail = "the " + tail[4:]
    return (f"{tail}{head}" if tail.endswith("'") else f"{tail} {head}") + qualifier


@cache
def country_name(alpha_3: str, language: str | None) -> CountryName:
    """The forms of a country's name in `language` (English unless French is asked)."""
    listed = listed_name(alpha_3, language)
    running = _running(listed)
    if _language(language) == "fr":
        return _french(alpha_3, running, listed)
    running = running.removeprefix("the ")
    words = set(re.split(r"[\s-]+", running))
    if words & _ENGLISH_THE_WORDS or running in _ENGLISH_THE_NAMES:
        return CountryName(listed, f"the {running}", f"of the {running}", plural=False)
    return CountryName(listed, running, f"of {running}", plural=False)


def _french(alpha_3: str, running: str, listed: str) -> CountryName:
    first = re.split(r"[\s]", running)[0]
    head = first.split("-")[0]
    elides = running[0].upper() in _VOWELS or running.startswith("Haïti")
    if alpha_3 in _FRENCH_NO_ARTICLE:
        return CountryName(listed, running, f"d'{running}" if elides else f"de {running}", False)
    if running in _FRENCH_PLURAL or head in {"Îles", "États", "Émirats", "Terres"}:
        return CountryName(listed, f"les {running}", f"des {running}", plural=True)
    if elides:
        return CountryName(listed, f"l'{running}", f"de l'{running}", plural=False)
    feminine = head.endswith("e") and first not in _FRENCH_MASCULINE_E
    if (feminine and head not in {"Saint", "Royaume"}) or head in _FRENCH_FEMININE:
        return CountryName(listed, f"la {running}", f"de la {running}", plural=False)
    return CountryName(listed, f"le {running}", f"du {running}", plural=False)


def capitalised(text: str) -> str:
    """The first letter in upper case: an article that opens a sentence ("Les États-Unis")."""
    return text[:1].upper() + text[1:]
