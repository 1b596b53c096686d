"""The JSON API over real HTTP against the running app: answers, errors, roles, writes."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import PASSWORD
from tests.http_client import Session
from visabond.audit.models import AuditEvent
from visabond.policy.models import RuleVersion

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(live_server: Any, seeded: None, people: dict[str, object]) -> str:
    return str(live_server.url)


def as_role(server: str, role: str) -> Session:
    session = Session(server)
    session.login(role, PASSWORD)
    return session


def test_requirements_endpoint_answers_anonymously(server: str) -> None:
    response = Session(server).get(
        "/api/v1/requirements",
        issuer="USA",
        nationality="Nigeria",
        visa_class="B1/B2",
        on="2026-01-21",
    )
    assert response.status == 200
    body = response.json()
    assert body["bond_required"] is True
    assert body["amounts"] == ["5000.00", "10000.00", "15000.00"]


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"nationality": "Narnia"}, "nationality", "country_unknown"),
        ({"on": "2026-02-30"}, "on", "date_impossible"),
        ({"visa_class": "XX"}, "visa_class", "visa_class_unknown"),
    ],
)
def test_requirements_errors_name_the_field(
    server: str, params: dict[str, str], field: str, code: str
) -> None:
    query = {
        "issuer": "USA",
        "nationality": "NGA",
        "visa_class": "B1/B2",
        "on": "2026-01-21",
    } | params
    response = Session(server).get("/api/v1/requirements", **query)
    assert response.status == 422
    assert response.json()["field"] == field
    assert response.json()["code"] == code


def test_openapi_document_describes_the_requirements_endpoint(server: str) -> None:
    document = Session(server).get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/requirements"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "issuer",
        "nationality",
        "visa_class",
        "on",
        "known_on",
    }
    schema = document["components"]["schemas"]["RequirementOut"]
    assert {"bond_required", "amounts", "mirrored_from", "sources"} <= set(schema["properties"])


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 401),
        ("nobody", 403),
        ("applicant", 403),
        ("consular_officer", 403),
        ("auditor", 200),
        ("policy_officer", 200),
    ],
)
def test_reading_the_registry_needs_the_policy_officer_or_auditor_role(
    server: str, role: str | None, status: int
) -> None:
    session = as_role(server, role) if role else Session(server)
    assert session.get("/api/v1/policy/rules").status == status
    assert session.get("/api/v1/policy/reciprocity/reviews").status == status


DESIGNATION = {
    "program": "us-visa-bond-pilot",
    "nationality": "Kenya",
    "visa_class": "B-1/B-2",
    "effective_from": "2026-03-01",
    "announced_on": "2026-02-01",
    "reason": "test designation",
    "sources": [{"title": "Test notice", "url": "https://example.org/notice"}],
    # The pilot ends on 2026-08-05: every designation in it takes effect before today.
    "confirm_past": True,
    "terms": {
        "bond_required": True,
        "amounts": ["5000", "10000", "15000"],
        "standard_amount": "10000",
        "currency": "USD",
        "entries": 1,
        "validity_days": 90,
        "max_stay_days": 30,
        "ports": ["BOS", "JFK", "IAD"],
    },
}


@pytest.mark.parametrize("role", ["auditor", "consular_officer", "applicant"])
def test_only_a_policy_officer_may_designate(server: str, role: str) -> None:
    response = as_role(server, role).post_json("/api/v1/policy/rules", DESIGNATION)
    assert response.status == 403
    assert not RuleVersion.objects.filter(rule__nationality="KEN").exists()


def test_a_policy_officer_designates_then_the_lookup_answers_and_the_audit_records_it(
    server: str,
) -> None:
    session = as_role(server, "policy_officer")
    response = session.post_json("/api/v1/policy/rules", DESIGNATION)
    assert response.status == 201, response.text
    rule = response.json()["rule"]
    assert rule["nationality"] == "KEN"
    assert rule["timeline"] == [{"start": "2026-03-01", "end": "2026-08-05", "version": 1}]
    answer = session.get(
        "/api/v1/requirements", issuer="USA", nationality="KEN", visa_class="B1/B2", on="2026-03-01"
    ).json()
    assert answer["bond_required"] is True
    assert (
        AuditEvent.objects.filter(action="rule.designated", actor_name="policy_officer").count()
        == 1
    )


def test_amending_and_withdrawing_through_the_api_keeps_every_version(server: str) -> None:
    session = as_role(server, "policy_officer")
    rule_id = session.post_json("/api/v1/policy/rules", DESIGNATION).json()["rule"]["id"]
    amend = {
        "effective_from": "2026-05-01",
        "announced_on": "2026-04-01",
        "reason": "raise",
        "sources": [{"title": "Notice 2"}],
        "terms": DESIGNATION["terms"] | {"amounts": ["15000"], "standard_amount": "15000"},
        "confirm_past": True,
    }
    assert session.post_json(f"/api/v1/policy/rules/{rule_id}/amendments", amend).status == 201
    withdraw = {
        "effective_from": "2026-06-01",
        "announced_on": "2026-05-15",
        "reason": "lifted",
        "sources": [{"title": "Notice 3"}],
        "confirm_past": True,
    }
    response = session.post_json(f"/api/v1/policy/rules/{rule_id}/withdrawals", withdraw)
    assert response.status == 201
    rule = response.json()["rule"]
    assert [v["action"] for v in rule["versions"]] == ["designate", "amend", "withdraw"]
    assert rule["timeline"] == [
        {"start": "2026-03-01", "end": "2026-04-30", "version": 1},
        {"start": "2026-05-01", "end": "2026-05-31", "version": 2},
    ]


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"nationality": "Mali", "effective_from": "2025-10-23"}, 201, None),
        ({"nationality": "Malawi"}, 409, "effective_from"),
        ({"nationality": "Kenia"}, 422, "nationality"),
        ({"terms": DESIGNATION["terms"] | {"amounts": [5000.5]}}, 422, "terms.amounts.0.str"),
        ({"terms": DESIGNATION["terms"] | {"amounts": ["5,000.001"]}}, 422, "amounts[0]"),
        ({"terms": DESIGNATION["terms"] | {"amounts": ["ten"]}}, 422, "amounts[0]"),
        ({"terms": DESIGNATION["terms"] | {"currency": "USX"}}, 422, "currency"),
        ({"terms": DESIGNATION["terms"] | {"standard_amount": "7000"}}, 422, "standard_amount"),
        ({"effective_from": "2026-02-30"}, 422, "effective_from"),
        ({"program": "nope"}, 404, "program"),
    ],
)
def test_bad_designations_are_refused_naming_the_field(
    server: str, change: dict[str, object], status: int, field: str | None
) -> None:
    before = RuleVersion.objects.count()
    response = as_role(server, "policy_officer").post_json(
        "/api/v1/policy/rules", DESIGNATION | change
    )
    assert response.status == status, response.text
    if status != 201:
        assert response.json()["field"] == field
        assert RuleVersion.objects.count() == before


def test_a_write_without_the_csrf_token_is_refused(server: str) -> None:
    session = as_role(server, "policy_officer")
    response = session.request(
        "POST", "/api/v1/policy/rules", data=b"{}", headers={"Content-Type": "application/json"}
    )
    assert response.status in (401, 403)
    assert not RuleVersion.objects.filter(rule__nationality="KEN").exists()


def test_the_pending_mali_review_can_be_rejected_keeping_malis_measure(server: str) -> None:
    session = as_role(server, "policy_officer")
    reviews = session.get("/api/v1/policy/reciprocity/reviews").json()
    assert [(r["change"], r["issuer"], r["status"]) for r in reviews] == [
        ("withdraw", "MLI", "pending")
    ]
    response = session.post_json(
        f"/api/v1/policy/reciprocity/reviews/{reviews[0]['id']}/reject",
        {"reason": "Mali keeps its measure"},
    )
    assert response.status == 200
    assert response.json()["status"] == "rejected"
    answer = session.get(
        "/api/v1/requirements",
        issuer="MLI",
        nationality="USA",
        visa_class="SHORT-STAY",
        on="2026-02-01",
    ).json()
    assert answer["bond_required"] is True


def test_a_policy_officer_adopts_reciprocity_and_the_counterparts_rules_await_review(
    server: str,
) -> None:
    session = as_role(server, "policy_officer")
    session.post_json("/api/v1/policy/rules", DESIGNATION)
    from visabond.policy import services
    from visabond.policy.decisions import Author, Source

    services.program_register(
        code="ken-reciprocity",
        issuer="KEN",
        name="Kenya reciprocity",
        legal_basis="reciprocity",
        notice_days=0,
        effective_from=None,
        effective_to=None,
        sources=[Source("Kenya gazette")],
        author=Author("test"),
    )
    directive = {
        "program": "ken-reciprocity",
        "counterpart": "United States",
        "visa_class_mapping": {"B1/B2": "VISITOR"},
        "port_mapping": {"BOS": "NBO", "JFK": "NBO", "IAD": "NBO"},
        "cap": "10000",
        "cap_currency": "USD",
        "mode": "adopted",
        "effective_from": "2026-03-01",
        "announced_on": "2026-02-15",
        "reason": "reciprocity",
        "sources": [{"title": "Kenya gazette"}],
    }
    response = session.post_json("/api/v1/policy/reciprocity/directives", directive)
    assert response.status == 201, response.text
    assert response.json()["pending_reviews"] == 1
    reviews = [
        r for r in session.get("/api/v1/policy/reciprocity/reviews").json() if r["issuer"] == "KEN"
    ]
    assert reviews[0]["proposal"]["terms"]["amounts"] == ["5000.00", "10000.00"]
    assert reviews[0]["proposal"]["terms"]["ports"] == ["NBO"]
    again = session.post_json("/api/v1/policy/reciprocity/directives", directive)
    assert again.status == 409
    bad = session.post_json(
        "/api/v1/policy/reciprocity/directives",
        directive | {"counterpart": "GBR", "port_mapping": {"LHR": "LHR"}},
    )
    assert bad.status == 422
    assert bad.json()["field"] == "port_mapping"


def assert_error_shape(response: Any, status: int, code: str, field: str | None = None) -> None:
    assert response.status == status, response.text
    body = response.json()
    assert {"code", "field", "message"} <= set(body)
    assert (body["code"], body["field"]) == (code, field)
    assert body["message"]


def test_a_state_with_no_program_is_404_and_ones_own_state_422(server: str) -> None:
    session = Session(server)
    base = {"nationality": "MLI", "visa_class": "ANYTHING", "on": "2025-10-24"}
    no_program = session.get("/api/v1/requirements", issuer="FRA", **base)
    assert_error_shape(no_program, 404, "issuer_not_registered", "issuer")
    own = session.get("/api/v1/requirements", issuer="USA", nationality="USA", visa_class="B1/B2")
    assert_error_shape(own, 422, "nationality_is_issuer", "nationality")


def test_a_csrf_failure_has_the_error_shape(server: str) -> None:
    response = as_role(server, "policy_officer").request(
        "POST", "/api/v1/policy/rules", data=b"{}", headers={"Content-Type": "application/json"}
    )
    assert_error_shape(response, 403, "csrf_failed")


def test_an_unparsable_body_has_the_error_shape(server: str) -> None:
    session = as_role(server, "policy_officer")
    headers = {"Content-Type": "application/json", "X-CSRFToken": session.csrf_token()}
    response = session.request("POST", "/api/v1/policy/rules", data=b"{not json", headers=headers)
    assert_error_shape(response, 400, "body_unparsable", "body")


def test_an_auditors_write_is_403_before_its_body_is_read(server: str) -> None:
    response = as_role(server, "auditor").post_json("/api/v1/policy/rules", {"nonsense": True})
    assert_error_shape(response, 403, "role_required")
    anonymous = Session(server).get("/api/v1/policy/rules")
    assert_error_shape(anonymous, 401, "not_authenticated")


def test_an_unknown_query_parameter_is_refused(server: str) -> None:
    response = Session(server).get(
        "/api/v1/requirements",
        issuer="USA",
        nationality="NGA",
        visa_class="B1/B2",
        onn="2026-01-21",
    )
    assert_error_shape(response, 422, "parameter_unknown", "onn")
    listed = as_role(server, "auditor").get("/api/v1/policy/rules", country="NGA")
    assert_error_shape(listed, 422, "parameter_unknown", "country")


def test_schema_errors_list_every_field_and_an_empty_issuer_breaks_the_schema(server: str) -> None:
    response = Session(server).get(
        "/api/v1/requirements", issuer="", nationality="", visa_class="B1/B2"
    )
    assert_error_shape(response, 422, "invalid", "issuer")
    assert [e["field"] for e in response.json()["errors"]] == ["issuer", "nationality"]


def test_errors_outside_the_handlers_keep_the_shape(server: str) -> None:
    assert_error_shape(
        Session(server).request("DELETE", "/api/v1/requirements"), 405, "method_not_allowed"
    )
    assert_error_shape(Session(server).get("/api/v1/nothing-here"), 404, "not_found")


def test_the_documentation_page_loads_its_assets_from_our_static_files(server: str) -> None:
    session = Session(server)
    page = session.get("/api/v1/docs").text
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page)
    assert assets
    assert all(a.startswith("/static/") for a in assets), assets
    assert all(session.get(a).status == 200 for a in assets)


def test_every_declared_error_status_uses_the_error_shape(server: str) -> None:
    document = Session(server).get("/api/v1/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    # ErrorOut, or an answer that is the error shape and more (a quarantined
                    # manifest is the error and the manifest kept), or either of them.
                    for each in schema.get("anyOf", [schema]):
                        name = each["$ref"].rsplit("/", 1)[-1]
                        fields = set(document["components"]["schemas"][name]["properties"])
                        assert {"code", "field", "message"} <= fields, (path, method, name)
            if path.startswith("/api/v1/policy"):
                assert "401" in operation["responses"], (path, method)


def test_the_lookup_is_throttled_per_address_with_the_error_shape(
    server: str, settings: Any
) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.LOOKUP_THROTTLE_RATE = "3/m"
    session = Session(server)
    query = {"issuer": "USA", "nationality": "NGA", "visa_class": "B1/B2", "on": "2026-01-21"}
    statuses = [session.get("/api/v1/requirements", **query).status for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = session.get("/api/v1/requirements", **query)
    assert_error_shape(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) >= 1


def test_an_announcement_date_in_the_future_is_refused(server: str) -> None:
    import datetime as dt

    tomorrow = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()
    response = as_role(server, "policy_officer").post_json(
        "/api/v1/policy/rules", DESIGNATION | {"announced_on": tomorrow}
    )
    assert_error_shape(response, 422, "announced_in_future", "announced_on")


def test_a_designation_effective_before_today_needs_confirm_past(server: str) -> None:
    session = as_role(server, "policy_officer")
    unconfirmed = {k: v for k, v in DESIGNATION.items() if k != "confirm_past"}
    response = session.post_json("/api/v1/policy/rules", unconfirmed)
    assert_error_shape(response, 422, "effective_in_past_unconfirmed", "effective_from")
    assert not RuleVersion.objects.filter(rule__nationality="KEN").exists()
    confirmed = session.post_json("/api/v1/policy/rules", DESIGNATION)
    assert confirmed.status == 201, confirmed.text
    event = AuditEvent.objects.filter(action="rule.designated").latest("sequence")
    assert event.details["effective_in_past"] is True


def test_a_reason_longer_than_the_limit_is_refused_by_the_schema(server: str) -> None:
    response = as_role(server, "policy_officer").post_json(
        "/api/v1/policy/rules", DESIGNATION | {"reason": "x" * 200_000}
    )
    assert_error_shape(response, 422, "invalid", "reason")
    assert not RuleVersion.objects.filter(rule__nationality="KEN").exists()


def test_acknowledging_and_rejecting_need_a_reason(server: str) -> None:
    session = as_role(server, "policy_officer")
    review = session.get("/api/v1/policy/reciprocity/reviews").json()[0]
    rejected = session.post_json(f"/api/v1/policy/reciprocity/reviews/{review['id']}/reject", {})
    assert_error_shape(rejected, 422, "invalid", "reason")
    approved = session.post_json(
        f"/api/v1/policy/reciprocity/reviews/{review['id']}/approve", {"reason": "follow"}
    )
    assert_error_shape(approved, 422, "effective_in_past_unconfirmed", "effective_from")


@pytest.mark.parametrize("decision", ["approve", "reject", "acknowledge"])
def test_deciding_a_review_that_does_not_exist_is_a_404_naming_the_review(
    server: str, decision: str
) -> None:
    response = as_role(server, "policy_officer").post_json(
        f"/api/v1/policy/reciprocity/reviews/999999/{decision}", {"reason": "r"}
    )
    assert response.status == 404, response.text
    assert (response.json()["code"], response.json()["field"]) == ("review_not_found", "review_id")


def test_acknowledging_a_pending_review_is_refused_with_409(server: str) -> None:
    session = as_role(server, "policy_officer")
    pending = session.get("/api/v1/policy/reciprocity/reviews").json()[0]
    response = session.post_json(
        f"/api/v1/policy/reciprocity/reviews/{pending['id']}/acknowledge", {"reason": "seen"}
    )
    assert response.status == 409
    assert response.json()["code"] == "review_not_applied"
