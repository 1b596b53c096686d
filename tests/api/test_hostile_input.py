"""Hostile input to the JSON API over real HTTP: refused with 422 (or 413) naming the field
and the rule, the registry unchanged; never a server error."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.api.test_policy_api import DESIGNATION, as_role, assert_error_shape
from tests.http_client import Response, Session
from visabond.audit.models import AuditEvent
from visabond.policy.models import ReciprocityDirective, RuleVersion

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(live_server: Any, seeded: None, people: dict[str, object]) -> str:
    return str(live_server.url)


def _terms(**changes: object) -> dict[str, object]:
    return DESIGNATION | {"terms": DESIGNATION["terms"] | changes}  # type: ignore[operator]


def _designate(server: str, payload: dict[str, object]) -> Response:
    return as_role(server, "policy_officer").post_json("/api/v1/policy/rules", payload)


def _refused(response: Response, code: str, field: str, before: tuple[int, int]) -> None:
    assert_error_shape(response, 422, code, field)
    assert (RuleVersion.objects.count(), AuditEvent.objects.count()) == before


def _counts() -> tuple[int, int]:
    return RuleVersion.objects.count(), AuditEvent.objects.count()


@pytest.mark.parametrize(
    ("payload", "code", "field"),
    [
        # A source's address is linked on the public page: only http(s) is an address.
        (
            DESIGNATION | {"sources": [{"title": "t", "url": "javascript:alert(1)"}]},
            "address_scheme",
            "sources[0].url",
        ),
        (
            DESIGNATION | {"sources": [{"title": "t", "url": "data:text/html,<script>"}]},
            "address_scheme",
            "sources[0].url",
        ),
        (
            DESIGNATION | {"sources": [{"title": "t", "date": "notadate"}]},
            "source_date_invalid",
            "sources[0].date",
        ),
        (
            DESIGNATION | {"sources": [{"title": "t", "date": "2099-01-01"}]},
            "source_date_invalid",
            "sources[0].date",
        ),
        # Money: ASCII digits and an optional point; no grouping, exponent, float or boolean.
        (_terms(amounts=["1,00"]), "amount_not_decimal", "amounts[0]"),
        (_terms(amounts=["1e3"]), "amount_not_decimal", "amounts[0]"),
        (_terms(amounts=["1_000"]), "amount_not_decimal", "amounts[0]"),
        (_terms(amounts=["١٠٠٠"]), "amount_not_decimal", "amounts[0]"),
        (_terms(amounts=[True]), "invalid", "terms.amounts.0.str"),
        (_terms(amounts=[5000.0]), "invalid", "terms.amounts.0.str"),
        # Visa conditions beyond any visa (an OverflowError on SQLite, out of range on PG).
        (_terms(max_stay_days=10**20), "invalid", "terms.max_stay_days"),
        (_terms(entries=10**20), "invalid", "terms.entries"),
        (_terms(validity_days=40000), "invalid", "terms.validity_days"),
        # Sent as it is meant: no coercion, no unknown fields.
        (_terms(max_stay_days="30"), "invalid", "terms.max_stay_days"),
        (DESIGNATION | {"confirm_past": "yes"}, "invalid", "confirm_past"),
        (DESIGNATION | {"effective_from": "2026-07-01T00:00:00"}, "invalid", "effective_from"),
        (DESIGNATION | {"extra_field": 1}, "invalid", "extra_field"),
        (_terms(extra=1), "invalid", "terms.extra"),
        # Text without control characters (PostgreSQL cannot store NUL) and not blank.
        (DESIGNATION | {"reason": "a\x00b"}, "text_control_character", "reason"),
        (_terms(notes="\x1b[31m"), "text_control_character", "terms.notes"),
        (
            DESIGNATION | {"sources": [{"title": "t\x00"}]},
            "text_control_character",
            "sources.0.title",
        ),
        (DESIGNATION | {"reason": "\u200b"}, "reason_missing", "reason"),
        (DESIGNATION | {"effective_from": "9999-12-31"}, "effective_too_far", "effective_from"),
        (_terms(standard_amount=None), "standard_missing", "standard_amount"),
    ],
)
def test_hostile_designations_are_refused_naming_the_field_and_change_nothing(
    server: str, payload: dict[str, object], code: str, field: str
) -> None:
    before = _counts()
    _refused(_designate(server, payload), code, field, before)


def _post_raw(server: str, body: bytes, content_type: str) -> Response:
    session = as_role(server, "policy_officer")
    headers = {
        "Content-Type": content_type,
        "X-CSRFToken": session.csrf_token(),
        "Referer": server + "/",
    }
    return session.request("POST", "/api/v1/policy/rules", data=body, headers=headers)


def test_a_multipart_body_is_refused_as_not_json(server: str) -> None:
    before = _counts()
    body = b'--x\r\nContent-Disposition: form-data; name="reason"\r\n\r\nr\r\n--x--\r\n'
    response = _post_raw(server, body, "multipart/form-data; boundary=x")
    _refused(response, "body_not_json", "body", before)


def test_a_body_beyond_the_upload_limit_is_413_saying_so(server: str) -> None:
    response = _post_raw(server, b'{"reason": "' + b"x" * 3_000_000 + b'"}', "application/json")
    assert_error_shape(response, 413, "body_too_large", "body")


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"null", "body_not_object"),
        (b"[1, 2]", "body_not_object"),
        (b'{"terms": {"entries": ' + b"9" * 5000 + b"}}", "number_too_large"),
    ],
)
def test_a_body_that_is_no_json_object_says_so(server: str, body: bytes, code: str) -> None:
    before = _counts()
    _refused(_post_raw(server, body, "application/json"), code, "body", before)


def test_a_query_parameter_with_nul_is_refused_naming_it(server: str) -> None:
    response = as_role(server, "auditor").get("/api/v1/policy/rules", issuer="US\x00")
    assert_error_shape(response, 422, "text_control_character", "issuer")


def test_registry_codes_are_read_in_any_case(server: str) -> None:
    session = as_role(server, "auditor")
    upper = session.get("/api/v1/policy/rules", issuer="USA").json()
    assert upper
    assert session.get("/api/v1/policy/rules", issuer="usa").json() == upper


def test_a_repeated_query_parameter_is_refused(server: str) -> None:
    response = Session(server).request(
        "GET",
        "/api/v1/requirements?issuer=USA&issuer=MLI&nationality=NGA&visa_class=B1/B2",
    )
    assert_error_shape(response, 422, "parameter_repeated", "issuer")


@pytest.mark.parametrize("name", ["query", "request", "return"])
def test_argument_names_are_not_query_parameters(server: str, name: str) -> None:
    response = Session(server).get(
        "/api/v1/requirements", issuer="USA", nationality="NGA", visa_class="B1/B2", **{name: "x"}
    )
    assert_error_shape(response, 422, "parameter_unknown", name)


def test_the_every_class_key_is_not_a_class_to_ask_about(server: str) -> None:
    """`*` keys a rule for every class; asked as a class it would answer "no bond"."""
    response = Session(server).get(
        "/api/v1/requirements", issuer="USA", nationality="MWI", visa_class="*", on="2025-10-24"
    )
    assert_error_shape(response, 422, "visa_class_wildcard", "visa_class")


def test_head_answers_like_get_without_a_body(server: str) -> None:
    response = Session(server).request(
        "HEAD", "/api/v1/requirements?issuer=USA&nationality=NGA&visa_class=B1/B2&on=2026-01-21"
    )
    assert response.status == 200
    assert response.body == b""


def test_the_lookup_ceiling_keys_on_the_peer_not_on_x_forwarded_for(
    server: str, settings: Any
) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.LOOKUP_THROTTLE_RATE = "3/m"
    query = "/api/v1/requirements?issuer=USA&nationality=NGA&visa_class=B1/B2&on=2026-01-21"
    statuses = [
        Session(server).request("GET", query, headers={"X-Forwarded-For": f"198.51.100.{n}"}).status
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_key(
    server: str, settings: Any
) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.LOOKUP_THROTTLE_RATE = "1/m"
    settings.TRUSTED_PROXIES = 1
    query = "/api/v1/requirements?issuer=USA&nationality=NGA&visa_class=B1/B2&on=2026-01-21"
    statuses = [
        Session(server)
        .request("GET", query, headers={"X-Forwarded-For": f"spoofed, 198.51.100.{n}"})
        .status
        for n in (1, 2, 2)
    ]
    assert statuses == [200, 200, 429]


def test_every_response_carries_a_content_security_policy(server: str) -> None:
    for path in ("/requirements/", "/api/v1/requirements"):
        policy = Session(server).get(path).headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in policy, path
        assert "object-src 'none'" in policy, path


MALI_DIRECTIVE = {
    "program": "mli-reciprocal-visa-bond",
    "counterpart": "United States",
    "visa_class_mapping": {"B1/B2": "SHORT-STAY"},
    "port_mapping": {"BOS": "BKO"},
    "mode": "adopted",
    "effective_from": "2026-03-01",
    "announced_on": "2026-02-15",
    "reason": "reciprocity",
    "sources": [{"title": "Gazette"}],
}


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"announced_on": "2099-01-01"}, "announced_in_future", "announced_on"),
        ({"effective_from": "1900-01-01"}, "before_program", "effective_from"),
        ({"effective_from": "9999-12-31"}, "effective_too_far", "effective_from"),
        ({"port_mapping": {"<s>": "BKO"}}, "port_unknown", "port_mapping"),
        ({"cap": "1,00", "cap_currency": "USD"}, "amount_not_decimal", "cap"),
    ],
)
def test_bad_directives_are_refused_naming_the_field(
    server: str, change: dict[str, object], code: str, field: str
) -> None:
    before = ReciprocityDirective.objects.count()
    response = as_role(server, "policy_officer").post_json(
        "/api/v1/policy/reciprocity/directives", MALI_DIRECTIVE | change
    )
    assert_error_shape(response, 422, code, field)
    assert ReciprocityDirective.objects.count() == before


def test_the_same_amendment_sent_twice_is_recorded_once(server: str) -> None:
    session = as_role(server, "policy_officer")
    rule_id = session.post_json("/api/v1/policy/rules", DESIGNATION).json()["rule"]["id"]
    amend = {
        "effective_from": "2026-05-01",
        "announced_on": "2026-04-01",
        "reason": "raise",
        "sources": [{"title": "Notice 2"}],
        "terms": DESIGNATION["terms"] | {"amounts": ["15000"], "standard_amount": "15000"},  # type: ignore[operator]
        "confirm_past": True,
    }
    first = session.post_json(f"/api/v1/policy/rules/{rule_id}/amendments", amend)
    assert first.status == 201, first.text
    again = session.post_json(f"/api/v1/policy/rules/{rule_id}/amendments", amend)
    assert_error_shape(again, 409, "amendment_repeated", "effective_from")
    assert RuleVersion.objects.filter(rule_id=rule_id).count() == 2
    assert json.loads(first.text)["rule"]["versions"][-1]["action"] == "amend"


@pytest.mark.parametrize("body", [None, b""], ids=["no-content-length", "empty"])
def test_a_multipart_body_without_its_boundary_is_400_naming_the_body(
    server: str, body: bytes | None
) -> None:
    # An operation without a body of its own: only the CSRF check reads the form.
    session = as_role(server, "consular_officer")
    before = _counts()
    headers = {
        "Content-Type": "multipart/form-data",
        "X-CSRFToken": session.csrf_token(),
        "Referer": server + "/",
    }
    api = session.request("POST", "/api/v1/cases/X-1/visa", data=body, headers=headers)
    assert_error_shape(api, 400, "body_unparsable", "body")
    # A page gets the 400 page in the visitor's language, not the 500 one.
    page = session.request("POST", "/accounts/login/", data=body, headers=headers)
    assert page.status == 400
    assert _counts() == before
