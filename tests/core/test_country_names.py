"""Country names in sentences: the library's translations, with each language's articles."""

from __future__ import annotations

import pytest

from visabond.core.country_names import capitalised, country_name, listed_name


@pytest.mark.parametrize(
    ("code", "language", "subject", "of", "plural"),
    [
        ("USA", "fr", "les États-Unis", "des États-Unis", True),
        ("MLI", "fr", "le Mali", "du Mali", False),
        ("GMB", "fr", "la Gambie", "de la Gambie", False),
        ("UGA", "fr", "l'Ouganda", "de l'Ouganda", False),
        ("CUB", "fr", "Cuba", "de Cuba", False),
        ("OMN", "fr", "Oman", "d'Oman", False),
        ("MEX", "fr", "le Mexique", "du Mexique", False),
        ("PHL", "fr", "les Philippines", "des Philippines", True),
        ("RUS", "fr", "la Fédération de Russie", "de la Fédération de Russie", False),
        ("USA", "en", "the United States", "of the United States", False),
        ("GMB", "en", "the Gambia", "of the Gambia", False),
        ("MLI", "en", "Mali", "of Mali", False),
        ("CAF", "en", "the Central African Republic", "of the Central African Republic", False),
        (
            "FSM",
            "en",
            "the Federated States of Micronesia",
            "of the Federated States of Micronesia",
            False,
        ),
        ("TZA", "en", "Tanzania", "of Tanzania", False),
    ],
)
def test_a_country_takes_the_article_and_preposition_of_its_language(
    code: str, language: str, subject: str, of: str, plural: bool
) -> None:
    name = country_name(code, language)
    assert (name.subject, name.of, name.plural) == (subject, of, plural)


def test_names_come_from_the_iso_codes_translations_not_a_table_of_our_own() -> None:
    assert listed_name("DEU", "fr") == "Allemagne"
    assert listed_name("DEU", "en") == "Germany"
    assert listed_name("TZA", "fr") == "Tanzanie"


def test_a_sentence_opens_with_a_capital_article() -> None:
    assert capitalised(country_name("USA", "fr").subject) == "Les États-Unis"
