"""Decisions that change public answers: a reason, a second look, errors beside their fields."""

from __future__ import annotations

import re

import pytest
from django.test import Client, RequestFactory

from tests.conftest import PASSWORD
from visabond.audit.models import AuditEvent
from visabond.policy.models import ReciprocityReview, ReviewStatus, Rule, RuleVersion

pytestmark = pytest.mark.usefixtures("seeded", "people")


def officer() -> Client:
    client = Client()
    request = RequestFactory().post("/accounts/login/")
    assert client.login(request=request, username="policy_officer", password=PASSWORD)
    return client


def pending() -> ReciprocityReview:
    return ReciprocityReview.objects.get(status=ReviewStatus.PENDING)


def test_approving_needs_a_reason_shown_beside_its_field() -> None:
    review = pending()
    page = officer().post(
        "/console/reciprocity/", {"review_id": str(review.pk), "decision": "approve", "reason": ""}
    )
    html = page.content.decode()
    assert page.status_code == 422
    assert reason_error(html, review.pk) == "Say why: a reason is required."
    assert pending().pk == review.pk


def reason_error(html: str, review_id: int) -> str:
    """The text of the error list beside review `review_id`'s reason field."""
    found = re.search(
        rf'<div class="field invalid"><label for="id_review{review_id}_reason">.*?'
        rf'<ul class="errorlist" id="id_review{review_id}_reason_error"><li>(.*?)</li>',
        html,
        re.S,
    )
    assert found, "no error beside the reason field"
    return found.group(1)


def test_a_past_effective_date_needs_confirmation_and_is_flagged_in_the_audit() -> None:
    review = pending()
    fields = {"review_id": str(review.pk), "decision": "approve", "reason": "Mali lifts"}
    refused = officer().post("/console/reciprocity/", fields)
    assert f'id="id_review{review.pk}_effective_from_error"' in refused.content.decode()
    assert "confirm that the date is meant" in refused.content.decode()
    assert pending().pk == review.pk
    done = officer().post("/console/reciprocity/", fields | {"confirm_past": "on"})
    assert done.status_code == 302
    event = AuditEvent.objects.filter(action="reciprocity.mirror_approved").latest("sequence")
    assert event.details["effective_in_past"] is True
    assert event.details["reason"] == "Mali lifts"


def test_the_queue_shows_the_public_answer_the_approval_would_give() -> None:
    review = pending()
    html = officer().get("/console/reciprocity/").content.decode()
    assert f'id="preview-{review.pk}"' in html
    assert "From 2025-10-23, for SHORT-STAY: no bond is required" in html
    assert "a bond is required (5,000 USD, 10,000 USD)" in html
    previewed = (
        officer()
        .post(
            "/console/reciprocity/",
            {
                "review_id": str(review.pk),
                "decision": "preview",
                "reason": "x",
                "effective_from": "2026-03-01",
            },
        )
        .content.decode()
    )
    assert "From 2026-03-01, for SHORT-STAY: no bond is required" in previewed
    assert pending().pk == review.pk


def test_a_withdrawn_rule_offers_neither_amend_nor_withdraw() -> None:
    rule = Rule.objects.get(issuer="USA", nationality="MLI")
    client = officer()
    html = client.get(f"/console/rules/{rule.pk}/").content.decode()
    assert "amend-form" not in html
    assert "withdraw-form" not in html
    assert 'id="withdrawn-note"' in html
    assert client.post(f"/console/rules/{rule.pk}/", {"withdraw": "1"}).status_code == 403


def test_the_amend_form_starts_from_the_current_terms() -> None:
    rule = Rule.objects.get(issuer="USA", nationality="ZMB")
    html = officer().get(f"/console/rules/{rule.pk}/").content.decode()
    assert 'name="amend-amounts" value="5000.00, 10000.00, 15000.00"' in html
    assert 'name="amend-ports" value="BOS JFK IAD"' in html


def test_several_bad_fields_each_show_their_error_beside_the_field() -> None:
    rule = Rule.objects.get(issuer="USA", nationality="ZMB")
    before = RuleVersion.objects.count()
    page = officer().post(
        f"/console/rules/{rule.pk}/",
        {
            "amend": "1",
            "amend-bond_required": "on",
            "amend-amounts": "5000, ten",
            "amend-standard_amount": "5000",
            "amend-currency": "USX",
            "amend-ports": "BOS XXQ",
            "amend-effective_from": "2026-03-01",
            "amend-announced_on": "2026-02-10",
            "amend-reason": "r" * 2001,
            "amend-source_title": "Test notice",
        },
    )
    html = page.content.decode()
    for field in ("amounts", "currency", "ports", "reason"):
        assert f'id="id_amend-{field}_error"' in html, field
    assert RuleVersion.objects.count() == before


def test_the_designate_form_points_aria_describedby_at_help_texts_that_exist() -> None:
    import re

    html = officer().get("/console/rules/new/").content.decode()
    described = re.findall(r'aria-describedby="([^"]+)"', html)
    assert described
    for ids in described:
        for target in ids.split():
            assert f'id="{target}"' in html, target
