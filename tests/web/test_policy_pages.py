"""Pages: the public requirements page in English and French, the console behind its roles."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from tests.web.console import preview_then_record, signed_in
from visabond.core.countries import fold
from visabond.policy.models import ReciprocityReview, ReviewStatus, Rule, RuleVersion

PASSWORD_FOR_ADMIN = "an-admin-password-for-tests-1"

pytestmark = pytest.mark.usefixtures("seeded", "people")


def test_requirements_page_answers_in_plain_english_with_the_source() -> None:
    page = Client().get(
        "/requirements/",
        {"issuer": "USA", "nationality": "GMB", "visa_class": "B1/B2", "on": "2025-10-11"},
    )
    answer = answer_section(page.content.decode())
    assert page.status_code == 200
    assert "A bond is required" in answer
    assert "5,000 USD, 10,000 USD, 15,000 USD" in answer
    assert "John F Kennedy International Airport (JFK)" in answer
    assert "Visa Bond Pilot Program" in answer


def answer_section(text: str) -> str:
    """The answer alone: the form's options name every country in English on every page."""
    start = text.index('id="answer"')
    return text[start : text.index("</section>", start)]


def test_requirements_page_answers_in_french() -> None:
    page = Client().get(
        "/fr/requirements/",
        {"issuer": "USA", "nationality": "GMB", "visa_class": "B1/B2", "on": "2025-10-11"},
    )
    text = page.content.decode()
    answer = answer_section(text)
    assert 'lang="fr"' in text
    assert "Une caution est exigée" in answer
    assert "ressortissants de la Gambie" in answer
    assert "A bond is required" not in answer


def test_requirements_page_says_when_no_bond_is_needed() -> None:
    page = Client().get(
        "/requirements/",
        {"issuer": "USA", "nationality": "MLI", "visa_class": "B1/B2", "on": "2025-10-24"},
    )
    answer = answer_section(page.content.decode())
    assert "No bond is required" in answer
    assert "A bond is required" not in answer


def test_requirements_page_shows_an_impossible_date_beside_its_field() -> None:
    page = Client().get(
        "/requirements/",
        {"issuer": "USA", "nationality": "MLI", "visa_class": "B1/B2", "on": "2025-02-30"},
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert 'class="errorlist' in text
    assert 'id="answer"' not in text


def test_a_visa_class_the_issuer_does_not_have_is_explained() -> None:
    page = Client().get(
        "/requirements/",
        {"issuer": "USA", "nationality": "MLI", "visa_class": "SHORT-STAY", "on": "2025-10-24"},
    )
    assert "USA has no visa class" in page.content.decode()


@pytest.mark.parametrize("path", ["/console/", "/console/reciprocity/", "/console/rules/new/"])
def test_console_sends_anonymous_visitors_to_sign_in(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("role", "path", "status"),
    [
        ("nobody", "/console/", 403),
        ("applicant", "/console/", 403),
        ("consular_officer", "/console/", 403),
        ("auditor", "/console/", 200),
        ("policy_officer", "/console/", 200),
        ("auditor", "/console/reciprocity/", 200),
        ("applicant", "/console/reciprocity/", 403),
        ("auditor", "/console/rules/new/", 403),
        ("policy_officer", "/console/rules/new/", 200),
    ],
)
def test_console_pages_check_the_role(role: str, path: str, status: int) -> None:
    assert signed_in(role).get(path).status_code == status


def test_console_lists_every_rule_with_its_status_and_the_designation_chart() -> None:
    text = signed_in("policy_officer").get("/console/").content.decode()
    assert text.count("<tr data-nationality=") == Rule.objects.count()
    assert "<svg" in text
    assert "1 reciprocity review is waiting" in text


def test_a_rules_history_shows_each_versions_amounts_and_standard() -> None:
    rule = Rule.objects.get(issuer="USA", nationality="ZMB")
    page = signed_in("auditor").get(f"/console/rules/{rule.pk}/").content.decode()
    versions = page[page.index('id="versions"') : page.index("</table>")]
    assert "5,000 USD, 10,000 USD, 15,000 USD (standard 10,000 USD)" in versions
    assert "BOS JFK IAD" in versions


def test_the_french_console_writes_amounts_and_actions_in_french() -> None:
    """Amounts as the public page writes them ("5 000 USD"), actions and statuses in French."""
    rule = Rule.objects.get(issuer="USA", nationality="ZMB")
    client = signed_in("auditor")
    page = client.get(f"/fr/console/rules/{rule.pk}/").content.decode().replace("\xa0", " ")
    versions = page[page.index('id="versions"') : page.index("</table>")]
    assert "5 000 USD, 10 000 USD, 15 000 USD (standard : 10 000 USD)" in versions
    assert "<td>désignation" in versions
    assert ">designate<" not in versions
    home = client.get("/fr/console/").content.decode()
    assert "terminée</span>" in home
    assert ">ended<" not in home


def test_the_rules_are_listed_by_the_name_shown_in_the_pages_language() -> None:
    """Sorted by the nationality's displayed name in the page's language, not by its ISO
    code (accents folded)."""
    for path in ("/console/", "/fr/console/"):
        html = signed_in("auditor").get(path).content.decode()
        start = html.index('id="rules"')
        table = html[start : html.index("</table>", start)]  # the charts' tables come first
        rows = re.findall(
            r'<td>(USA|MLI)</td>\s*<td><a href="[^"]+">([^<]+) \(([A-Z]{3})\)</a>', table
        )
        us = [unescape(name) for issuer, name, _ in rows if issuer == "USA"]
        assert len(us) > 10
        assert us == sorted(us, key=fold)
        codes = [code for issuer, _, code in rows if issuer == "USA"]
        assert codes != sorted(codes), "names and codes order differently in this registry"


def test_an_auditor_may_read_a_rule_but_not_amend_it() -> None:
    rule = Rule.objects.get(issuer="USA", nationality="MLI")
    client = signed_in("auditor")
    page = client.get(f"/console/rules/{rule.pk}/")
    assert page.status_code == 200
    assert "amend-form" not in page.content.decode()
    response = client.post(f"/console/rules/{rule.pk}/", {"withdraw": "1"})
    assert response.status_code == 403


def test_a_policy_officer_withdraws_from_the_console_with_a_reason() -> None:
    rule = Rule.objects.get(issuer="USA", nationality="ZMB")
    response = preview_then_record(
        signed_in("policy_officer"),
        f"/console/rules/{rule.pk}/",
        {
            "withdraw-effective_from": "2026-03-01",
            "withdraw-announced_on": "2026-02-10",
            "withdraw-reason": "Zambia removed from the list",
            "withdraw-source_title": "Test notice",
            "withdraw-confirm_past": "on",
        },
        button="withdraw",
        prefix="withdraw-",
    )
    assert response.status_code == 302
    latest = RuleVersion.objects.filter(rule=rule).latest("version")
    assert (latest.action, latest.author_name) == ("withdraw", "policy_officer")


def test_a_console_amendment_with_a_bad_amount_shows_the_error_and_writes_nothing() -> None:
    rule = Rule.objects.get(issuer="USA", nationality="ZMB")
    before = RuleVersion.objects.count()
    page = signed_in("policy_officer").post(
        f"/console/rules/{rule.pk}/",
        {
            "amend": "1",
            "amend-bond_required": "on",
            "amend-amounts": "5000, ten thousand",
            "amend-standard_amount": "5000",
            "amend-currency": "USD",
            "amend-effective_from": "2026-03-01",
            "amend-announced_on": "2026-02-10",
            "amend-reason": "test",
            "amend-source_title": "Test notice",
            "amend-keep_end": "on",
        },
    )
    assert page.status_code == 200
    assert "&#x27;ten&#x27; is not an amount" in page.content.decode()
    assert RuleVersion.objects.count() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        # "12,500" is twelve thousand five hundred to one reader and 12.5 to another.
        ("amend-amounts", "5000, 12,500", "&#x27;12,500&#x27; is not an amount"),
        ("amend-max_stay_days", str(10**20), "less than or equal to 3653"),
        ("amend-entries", "100", "less than or equal to 99"),
    ],
)
def test_a_console_amendment_with_an_ambiguous_or_huge_number_writes_nothing(
    field: str, value: str, message: str
) -> None:
    rule = Rule.objects.get(issuer="USA", nationality="ZMB")
    before = RuleVersion.objects.count()
    fields = {
        "amend": "1",
        "amend-bond_required": "on",
        "amend-amounts": "5000",
        "amend-standard_amount": "5000",
        "amend-currency": "USD",
        "amend-effective_from": "2026-03-01",
        "amend-announced_on": "2026-02-10",
        "amend-reason": "test",
        "amend-source_title": "Test notice",
        "amend-keep_end": "on",
    }
    page = signed_in("policy_officer").post(f"/console/rules/{rule.pk}/", fields | {field: value})
    assert page.status_code == 200
    assert message in page.content.decode()
    assert RuleVersion.objects.count() == before


def test_the_review_queue_decides_the_pending_mali_review() -> None:
    review = ReciprocityReview.objects.get(status=ReviewStatus.PENDING)
    response = signed_in("policy_officer").post(
        "/console/reciprocity/",
        {"review_id": str(review.pk), "decision": "reject", "reason": "Mali keeps its measure"},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.REJECTED
    assert review.decided_by_name == "policy_officer"


def test_a_policy_officer_adopts_reciprocity_from_the_console() -> None:
    from visabond.policy import services
    from visabond.policy.decisions import Author, Source

    program = services.program_register(
        code="mrt-reciprocity",
        issuer="MRT",
        name="Mauritania reciprocity",
        legal_basis="reciprocity",
        notice_days=0,
        effective_from=None,
        effective_to=None,
        sources=[Source("Journal officiel")],
        author=Author("test"),
    )
    fields = {
        "program": str(program.pk),
        "counterpart": "USA",
        "visa_class_mapping": "B1/B2=VISITOR",
        "port_mapping": "BOS=NKC JFK=NKC IAD=NKC",
        "cap": "",
        "cap_currency": "",
        "mode": "adopted",
        "effective_from": "2025-11-01",
        "announced_on": "2025-10-25",
        "reason": "reciprocity",
        "source_title": "Journal officiel",
    }
    client = signed_in("policy_officer")
    malformed = client.post(
        "/console/reciprocity/directives/new/", fields | {"port_mapping": "BOS NKC"}
    )
    assert "write each pair as SOURCE=TARGET" in malformed.content.decode()
    response = client.post("/console/reciprocity/directives/new/", fields)
    assert response.status_code == 302
    review = ReciprocityReview.objects.get(directive__issuer="MRT")
    assert review.status == ReviewStatus.PENDING
    assert review.proposal["terms"]["ports"] == ["NKC"]
    assert signed_in("auditor").get("/console/reciprocity/directives/new/").status_code == 403


@pytest.mark.parametrize("decision", ["approve", "reject", "acknowledge"])
def test_deciding_a_review_that_does_not_exist_is_a_404_and_changes_nothing(decision: str) -> None:
    before = list(ReciprocityReview.objects.values_list("pk", "status"))
    response = signed_in("policy_officer").post(
        "/console/reciprocity/", {"review_id": "999999", "decision": decision, "reason": "r"}
    )
    assert response.status_code == 404
    assert "there is no review 999999" in response.content.decode()
    assert list(ReciprocityReview.objects.values_list("pk", "status")) == before


@pytest.mark.parametrize("review_id", ["abc", "", "0", "-3"])
def test_a_malformed_review_id_in_the_console_form_is_a_422(review_id: str) -> None:
    response = signed_in("policy_officer").post(
        "/console/reciprocity/", {"review_id": review_id, "decision": "acknowledge"}
    )
    assert response.status_code == 422
    assert "review_id" in response.content.decode()


def test_a_rule_that_does_not_exist_is_a_404_page_naming_it() -> None:
    response = signed_in("auditor").get("/console/rules/999999/")
    assert response.status_code == 404
    assert "there is no rule 999999" in response.content.decode()


def test_a_program_cannot_be_changed_in_the_admin() -> None:
    """Registry changes go through the audited services (and the kept answers rely on it)."""
    from visabond.accounts.models import User
    from visabond.policy.models import Program

    User.objects.create_superuser("root", password=PASSWORD_FOR_ADMIN)
    client = signed_in("root", PASSWORD_FOR_ADMIN)
    program = Program.objects.get(code="us-visa-bond-pilot")
    url = f"/admin/policy/program/{program.pk}/change/"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"code": program.code, "issuer": "USA", "name": "Renamed"})
    assert refused.status_code == 403
    assert Program.objects.get(pk=program.pk).name == program.name
