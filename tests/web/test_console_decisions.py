"""Decisions that change public answers: a reason, a second look, errors beside their fields."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.web.console import previewed_digest, signed_in
from visabond.audit.models import AuditEvent
from visabond.policy.models import Program, ReciprocityReview, ReviewStatus, Rule, RuleVersion

pytestmark = pytest.mark.usefixtures("seeded", "people")


def officer() -> Client:
    return signed_in("policy_officer")


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


def card_digest(html: str, review_id: int) -> str:
    """The preview digest in review `review_id`'s card."""
    return previewed_digest(html[html.index(f'id="review-{review_id}"') :])


def test_a_past_effective_date_needs_confirmation_and_is_flagged_in_the_audit() -> None:
    review, client = pending(), officer()
    digest = card_digest(client.get("/console/reciprocity/").content.decode(), review.pk)
    fields = {
        "review_id": str(review.pk),
        "decision": "approve",
        "reason": "Mali lifts",
        "previewed": digest,
    }
    refused = client.post("/console/reciprocity/", fields)
    assert refused.status_code == 422
    assert f'id="id_review{review.pk}_effective_from_error"' in refused.content.decode()
    assert "confirm that the date is meant" in refused.content.decode()
    assert pending().pk == review.pk
    done = client.post("/console/reciprocity/", fields | {"confirm_past": "on"})
    assert done.status_code == 302
    event = AuditEvent.objects.filter(action="reciprocity.mirror_approved").latest("sequence")
    assert event.details["effective_in_past"] is True
    assert event.details["reason"] == "Mali lifts"


def test_approving_dates_not_previewed_shows_their_answer_and_records_nothing() -> None:
    review, client = pending(), officer()
    digest = card_digest(client.get("/console/reciprocity/").content.decode(), review.pk)
    fields = {
        "review_id": str(review.pk),
        "decision": "approve",
        "reason": "Mali lifts its measure in March",
        "effective_from": "2026-03-01",
        "confirm_past": "on",
    }
    unseen = client.post("/console/reciprocity/", fields | {"previewed": digest})
    html = unseen.content.decode()
    assert "From 2026-03-01, for SHORT-STAY: no bond is required" in html
    assert pending().pk == review.pk
    done = client.post(
        "/console/reciprocity/", fields | {"previewed": card_digest(html, review.pk)}
    )
    assert done.status_code == 302
    mirror = RuleVersion.objects.filter(rule__issuer="MLI").latest("recorded_at")
    assert (mirror.action, mirror.effective_from.isoformat()) == ("withdraw", "2026-03-01")


DESIGNATION = {
    "program": "",  # set per test: the pilot's primary key
    "nationality": "KEN",
    "visa_class": "B1/B2",
    "bond_required": "on",
    "amounts": "5000, 10000, 15000",
    "standard_amount": "10000",
    "currency": "USD",
    "entries": "1",
    "validity_days": "90",
    "max_stay_days": "30",
    "ports": "BOS JFK IAD",
    "effective_from": "2026-03-01",
    "announced_on": "2026-02-10",
    "reason": "Kenya added to the pilot",
    "source_title": "Test notice",
}


def designation() -> dict[str, str]:
    return DESIGNATION | {"program": str(Program.objects.get(code="us-visa-bond-pilot").pk)}


def test_designating_shows_the_public_answer_first_and_records_nothing_until_asked() -> None:
    client = officer()
    page = client.post("/console/rules/new/", designation() | {"designate": "preview"})
    html = page.content.decode()
    assert 'id="designate-preview"' in html
    assert (
        "From 2026-03-01, for B1/B2: a bond is required (5,000 USD, 10,000 USD, 15,000 USD) "
        "(today's answer for that day: no bond is required)"
    ) in html
    assert "This date has passed" in html
    assert 'name="confirm_past"' in html
    assert not Rule.objects.filter(nationality="KEN").exists()


def test_a_designation_with_a_past_date_needs_confirmation_and_its_audit_says_so() -> None:
    client = officer()
    html = client.post("/console/rules/new/", designation() | {"designate": "preview"})
    fields = designation() | {
        "designate": "record",
        "previewed": previewed_digest(html.content.decode()),
    }
    refused = client.post("/console/rules/new/", fields).content.decode()
    assert 'id="id_effective_from_error"' in refused
    assert "confirm that the date is meant" in refused
    assert not Rule.objects.filter(nationality="KEN").exists()
    done = client.post("/console/rules/new/", fields | {"confirm_past": "on"})
    assert done.status_code == 302
    event = AuditEvent.objects.filter(action="rule.designated").latest("sequence")
    assert event.details["effective_in_past"] is True


def test_a_designation_changed_after_its_preview_is_previewed_again_not_recorded() -> None:
    client = officer()
    html = client.post("/console/rules/new/", designation() | {"designate": "preview"})
    changed = designation() | {
        "amounts": "15000",
        "standard_amount": "15000",
        "confirm_past": "on",
        "designate": "record",
        "previewed": previewed_digest(html.content.decode()),
    }
    page = client.post("/console/rules/new/", changed).content.decode()
    assert "a bond is required (15,000 USD)" in page
    assert not Rule.objects.filter(nationality="KEN").exists()


@pytest.mark.parametrize(
    ("button", "fields", "audited", "answer"),
    [
        (
            "amend",
            {
                "amend-bond_required": "on",
                "amend-amounts": "15000",
                "amend-standard_amount": "15000",
                "amend-currency": "USD",
                "amend-keep_end": "on",
            },
            "rule.amended",
            "a bond is required (15,000 USD)",
        ),
        ("withdraw", {}, "rule.withdrawn", "no bond is required"),
    ],
)
def test_amending_and_withdrawing_show_the_answer_then_need_confirmation_of_a_past_date(
    button: str, fields: dict[str, str], audited: str, answer: str
) -> None:
    rule = Rule.objects.get(issuer="USA", nationality="ZMB")
    url, client = f"/console/rules/{rule.pk}/", officer()
    fields = fields | {
        f"{button}-effective_from": "2026-03-01",
        f"{button}-announced_on": "2026-02-10",
        f"{button}-reason": "The list changed",
        f"{button}-source_title": "Test notice",
    }
    before = RuleVersion.objects.filter(rule=rule).count()
    html = client.post(url, fields | {button: "preview"}).content.decode()
    assert f'id="{button}-preview"' in html, html[html.index("<main") :]
    assert f"From 2026-03-01, for B1/B2: {answer} (today's answer for that day: a bond" in html
    fields |= {
        button: "record",
        f"{button}-previewed": previewed_digest(html, f"{button}-previewed"),
    }
    refused = client.post(url, fields).content.decode()
    assert f'id="id_{button}-effective_from_error"' in refused
    assert RuleVersion.objects.filter(rule=rule).count() == before
    done = client.post(url, fields | {f"{button}-confirm_past": "on"})
    assert done.status_code == 302
    event = AuditEvent.objects.filter(action=audited).latest("sequence")
    assert event.details["effective_in_past"] is True


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
