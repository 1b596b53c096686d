"""The public requirements page as a traveller meets it, in English and French."""

from __future__ import annotations

import re
from html import unescape

import pycountry
import pytest
from django.test import Client

from visabond.core.country_names import listed_name

pytestmark = pytest.mark.usefixtures("seeded")


def page(path: str = "/requirements/", **query: str) -> str:
    response = Client().get(path, query)
    assert response.status_code == 200
    return response.content.decode()


def options(html: str, select_id: str) -> list[tuple[str, str]]:
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    return [
        (value, unescape(label))
        for value, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select[1])
    ]


def test_a_state_with_no_program_gets_no_information_not_no_bond() -> None:
    html = page(issuer="FRA", nationality="MLI", visa_class="*", on="2025-10-24")
    assert "No information for this state" in html
    assert "visabond has no information about the visa rules of France" in html
    assert "No bond is required" not in html


def test_the_states_the_registry_knows_are_listed_first() -> None:
    html = page()
    groups = re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', html, re.S)
    assert groups[0][0] == "States in the registry"
    assert re.findall(r'value="([A-Z]{3})"', groups[0][1]) == ["MLI", "USA"]
    assert 'value="FRA"' in groups[1][1]


def test_the_visa_classes_offered_are_the_destinations_own() -> None:
    mali = options(
        page(issuer="MLI", nationality="USA", visa_class="SHORT-STAY", on="2025-11-15"),
        "id_visa_class",
    )
    assert [code for code, _ in mali] == ["SHORT-STAY", "LONG-STAY", "TRANSIT"]
    us = options(page(), "id_visa_class")
    assert us[0] == ("B1/B2", "Visitor for business or pleasure (B-1/B-2)")
    assert "SHORT-STAY" not in {code for code, _ in us}


def test_the_french_page_contains_no_english_name_of_the_countries_it_lists() -> None:
    html = page("/fr/requirements/")
    listed = {code for code, _ in options(html, "id_nationality") if code}
    assert len(listed) > 240
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    # An English name may be a word of a French one ("Congo" in "République du Congo").
    for code in listed:
        text = text.replace(listed_name(code, "fr"), " ")
    leaked = [
        listed_name(code, "en")
        for code in listed
        if listed_name(code, "en") != listed_name(code, "fr")
        and re.search(rf"(?<![\w-]){re.escape(listed_name(code, 'en'))}(?![\w-])", text)
    ]
    assert leaked == []
    assert ("DEU", "Allemagne (DEU)") in options(html, "id_nationality")


def test_the_french_page_lists_the_visa_classes_in_french() -> None:
    labels = [label for _, label in options(page("/fr/requirements/"), "id_visa_class")]
    assert "Visiteur d'affaires ou de tourisme (B-1/B-2)" in labels


def test_the_french_answer_uses_articles_and_translated_conditions() -> None:
    html = unescape(
        page(
            "/fr/requirements/",
            issuer="USA",
            nationality="GMB",
            visa_class="B1/B2",
            on="2025-10-11",
        )
    )
    assert "exigée des ressortissants de la Gambie" in html
    assert "Formulaire I-352, à payer sur Pay.gov" in html
    assert "paid through Pay.gov" not in html
    suspended = unescape(
        page(
            "/fr/requirements/",
            issuer="USA",
            nationality="BFA",
            visa_class="B1/B2",
            on="2025-11-01",
        )
    )
    assert (
        "Les États-Unis ont suspendu la délivrance ordinaire des visas aux ressortissants du Burkina Faso"
        in suspended
    )
    mali = unescape(
        page(
            "/fr/requirements/",
            issuer="MLI",
            nationality="USA",
            visa_class="SHORT-STAY",
            on="2025-11-15",
        )
    )
    assert "ressortissants des États-Unis" in mali
    assert "les conditions que les États-Unis appliquent" in mali


def test_the_english_answer_uses_the_article_before_the_united_states() -> None:
    html = unescape(page(issuer="MLI", nationality="USA", visa_class="SHORT-STAY", on="2025-11-15"))
    assert "A visa bond is required of nationals of the United States" in html
    suspended = unescape(page(issuer="USA", nationality="BFA", visa_class="B1/B2", on="2025-11-01"))
    assert (
        "The United States has suspended routine visa issuance for nationals of Burkina Faso"
        in suspended
    )


def test_date_inputs_hold_iso_dates_in_french() -> None:
    html = page(
        "/fr/requirements/",
        issuer="USA",
        nationality="NGA",
        visa_class="B1/B2",
        on="2026-11-30",
        known_on="2026-01-07",
    )
    assert 'name="on" value="2026-11-30"' in html
    assert 'name="known_on" value="2026-01-07"' in html
    assert "30/11/2026" not in html


def test_switching_language_keeps_the_question() -> None:
    html = page(issuer="USA", nationality="NGA", visa_class="B1/B2", on="2026-02-01")
    link = re.search(r'<a href="([^"]*)" hreflang="fr"', html)
    assert link is not None
    assert (
        unescape(link[1])
        == "/fr/requirements/?issuer=USA&nationality=NGA&visa_class=B1%2FB2&on=2026-02-01"
    )
    back = re.search(r'<a href="([^"]*)" hreflang="en"', page("/fr/requirements/", issuer="USA"))
    assert back is not None
    assert unescape(back[1]) == "/requirements/?issuer=USA"


def test_accept_language_french_on_the_home_page_gives_french() -> None:
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert response.status_code == 302
    assert response["Location"] == "/fr/requirements/"
    followed = Client().get(response["Location"])
    assert 'lang="fr"' in followed.content.decode()
    assert Client().get("/", HTTP_ACCEPT_LANGUAGE="en")["Location"] == "/requirements/"


def test_every_country_of_the_iso_list_is_offered() -> None:
    listed = {code for code, _ in options(page(), "id_nationality") if code}
    assert listed == {c.alpha_3 for c in pycountry.countries}


def test_an_address_past_the_ceiling_gets_a_page_that_says_so(settings: object) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.LOOKUP_THROTTLE_RATE = "2/m"  # type: ignore[attr-defined]
    client = Client()
    assert [client.get("/fr/requirements/").status_code for _ in range(2)] == [200, 200]
    refused = client.get("/fr/requirements/")
    assert refused.status_code == 429
    assert "Trop de tentatives en peu de temps" in refused.content.decode()
    assert int(refused["Retry-After"]) >= 1


@pytest.mark.django_db
def test_a_source_address_in_another_scheme_is_shown_as_text_not_linked() -> None:
    """An address recorded before addresses were checked cannot become a script link."""
    from visabond.policy import answers
    from visabond.policy.models import RuleVersion

    RuleVersion.objects.filter(rule__issuer="USA", rule__nationality="MWI").update(
        sources=[{"title": "Hostile notice", "url": "javascript:alert(1)", "date": ""}]
    )
    answers.forget()
    html = page(issuer="USA", nationality="MWI", visa_class="B1/B2", on="2025-10-24")
    assert "<li>Hostile notice</li>" in html
    assert 'href="javascript:' not in html


@pytest.mark.parametrize("method", ["options", "trace", "post", "put", "delete"])
def test_the_page_answers_get_and_head_only(method: str) -> None:
    # As a browser sends them, with the CSRF check: 405, not a refusal of a form it never had.
    response = getattr(Client(enforce_csrf_checks=True), method)("/requirements/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_a_no_bond_answer_because_mali_was_dropped_cites_the_withdrawal_and_its_sources() -> None:
    """The page promises that the answer cites the rule and its source; "no bond" too."""
    for path, said in (
        ("/requirements/", "was withdrawn before it took effect, by version 2"),
        ("/fr/requirements/", "a été retirée avant de prendre effet, par la version 2"),
    ):
        html = unescape(
            page(path, issuer="USA", nationality="MLI", visa_class="B1/B2", on="2025-10-24")
        )
        assert said in html
        sources = re.search(r'<div class="sources">(.*?)</div>', html, re.S)
        assert sources is not None
        assert "<li>" in sources[1]


def test_nationals_asking_their_own_state_get_a_sentence_in_the_pages_language_above_the_form() -> (
    None
):
    question = {
        "issuer": "MLI",
        "nationality": "MLI",
        "visa_class": "SHORT-STAY",
        "on": "2026-01-02",
    }
    french = unescape(page("/fr/requirements/", **question))
    assert "Les ressortissants du Mali n'ont pas besoin de visa de leur propre État" in french
    assert "need no visa" not in french
    english = unescape(page(**question))
    # A whole sentence, above the fields (beside one field it broke the row of fields).
    above = re.search(r'<ul class="errorlist nonfield">(.*?)</ul>', english, re.S)
    assert above is not None
    assert "Nationals of Mali need no visa of their own state" in above[1]
