"""The French console says everything in French: refusals of the services, warnings, the
history table. A test that fails on English text in what the pages show."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from tests.web.console import previewed_digest, signed_in
from tests.web.test_console_decisions import designation
from visabond.policy.models import Rule

pytestmark = pytest.mark.usefixtures("seeded", "people")

# Words of English that French sentences do not have.
ENGLISH = re.compile(
    r"\b(the|is|not|of|and|to|be|has|its|would|before|after|already|cannot|must|amount|"
    r"money|nationals|announced|promises|notice|designate|withdraw|amend|confirm)\b",
    re.IGNORECASE,
)


def said(html: str) -> list[str]:
    """What the page says back to the person: errors beside fields and above forms, and
    messages."""
    lists = re.findall(r'<ul class="(?:errorlist[^"]*|messages)"[^>]*>(.*?)</ul>', html, re.S)
    items = [li for ul in lists for li in re.findall(r"<li[^>]*>(.*?)</li>", ul, re.S)]
    texts = [unescape(re.sub(r"<[^>]+>", " ", li)).strip() for li in items]
    return [" ".join(t.split()) for t in texts if t.strip()]


def assert_french(html: str, *, expected: int = 1) -> list[str]:
    texts = said(html)
    assert len(texts) >= expected, texts
    english = [t for t in texts if ENGLISH.search(t)]
    assert english == [], english
    return texts


def officer() -> Client:
    return signed_in("policy_officer")


NEW = "/fr/console/rules/new/"


@pytest.mark.parametrize(
    ("changes", "french"),
    [
        ({"amounts": "abc, 5000"}, "ce n'est pas un montant"),
        ({"nationality": "USA"}, "un État ne désigne pas ses propres ressortissants"),
        ({"visa_class": "ZZ"}, "l'État USA n'a pas de catégorie de visa « ZZ »"),
        ({"announced_on": "2030-01-01"}, "la date d'annonce du 1 janvier 2030 est dans le futur"),
        ({"nationality": "ZMB"}, "la règle"),
        ({"currency": "USX"}, "ce n'est pas un code de devise ISO 4217"),
    ],
)
def test_the_french_designate_form_refuses_in_french(changes: dict[str, str], french: str) -> None:
    html = officer().post(NEW, designation() | changes | {"designate": "preview"})
    texts = assert_french(html.content.decode())
    assert any(french in t for t in texts), texts


def test_the_past_date_refusal_and_the_notice_warning_are_in_french() -> None:
    client = officer()
    preview = client.post(NEW, designation() | {"designate": "preview"}).content.decode()
    fields = designation() | {"designate": "record", "previewed": previewed_digest(preview)}
    refused = client.post(NEW, fields).content.decode()
    texts = assert_french(refused)
    assert any("la décision prendrait effet le 1 mars 2026" in t for t in texts), texts
    # Announced after it took effect: recorded with a warning, said in French.
    late = fields | {"announced_on": "2026-03-30", "confirm_past": "on"}
    previewed = client.post(NEW, late | {"designate": "preview"}).content.decode()
    done = client.post(
        NEW, late | {"previewed": previewed_digest(previewed)}, follow=True
    ).content.decode()
    texts = assert_french(done, expected=2)
    assert any("annoncée 29 jours après sa prise d'effet" in t for t in texts), texts
    rule = Rule.objects.get(nationality="KEN")
    history = unescape(client.get(f"/fr/console/rules/{rule.pk}/").content.decode())
    assert "annoncée 29 jours après sa prise d'effet" in history


def test_the_french_rule_page_refuses_an_amendment_in_french() -> None:
    rule = Rule.objects.get(issuer="USA", nationality="ZMB")
    html = (
        officer()
        .post(
            f"/fr/console/rules/{rule.pk}/",
            {
                "amend": "preview",
                "amend-bond_required": "on",
                "amend-amounts": "5000",
                "amend-standard_amount": "5000",
                "amend-currency": "USD",
                "amend-keep_end": "on",
                "amend-effective_from": "2027-03-01",
                "amend-announced_on": "2026-02-10",
                "amend-reason": "r",
                "amend-source_title": "Test notice",
            },
        )
        .content.decode()
    )
    texts = assert_french(html)
    assert any("n'est pas en vigueur le 1 mars 2027" in t for t in texts), texts


def test_the_english_detector_finds_english() -> None:
    """The check above would fail on the messages as the services write them."""
    english = '<ul class="errorlist"><li>a state does not designate its own nationals</li></ul>'
    with pytest.raises(AssertionError):
        assert_french(english)
