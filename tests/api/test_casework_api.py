"""The casework API over real HTTP against the running app: application, interview, decision,
visa, refusal; roles checked before the body; every error {code, field, message}."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.casework_world import (
    PASSWORD,
    World,
    application,
    officer_at,
    pay,
    person,
    td3,
    world,
)
from tests.http_client import Response, Session
from visabond.accounts.roles import Role
from visabond.audit.models import AuditEvent
from visabond.casework.models import Case
from visabond.documents.mrz import parse_mrz

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("pilot")]


@pytest.fixture
def server(live_server: Any) -> str:
    return str(live_server.url)


def signed_in(server: str, user: object) -> Session:
    session = Session(server)
    session.login(user.get_username(), PASSWORD)  # type: ignore[attr-defined]
    return session


def application_json(**changes: object) -> dict[str, object]:
    values = application(**changes).__dict__.copy()
    for name in ("birth_date", "intended_arrival", "intended_departure"):
        values[name] = values[name].isoformat()
    return values


def submit(server: str, people: World, **changes: object) -> dict[str, Any]:
    response = signed_in(server, people.applicant).post_json(
        "/api/v1/cases", application_json(**changes)
    )
    assert response.status == 201, response.text
    return dict(response.json())


def assert_error(response: Response, status: int, code: str, field: str | None) -> None:
    body = response.json()
    assert response.status == status, response.text
    assert (body["code"], body["field"]) == (code, field)
    assert body["message"]


STANDARD = {
    "outcome": "direct_bond",
    "amount": "10000",
    "currency": "USD",
    "reason": "standard",
    "explanation": "standard bond",
}


def test_an_applicant_submits_and_the_identity_is_read_from_the_zone(server: str) -> None:
    people = world()
    case = submit(server, people, surname="banda")
    assert case["state"] == "submitted"
    assert (case["surname"], case["given_names"], case["nationality"]) == ("BANDA", "GRACE", "MWI")
    assert case["passport_mrz"] == td3().splitlines()
    assert case["events"][0]["after"] == "submitted"


def test_a_typed_field_that_differs_from_the_zone_is_named_and_nothing_is_created(
    server: str,
) -> None:
    people = world()
    response = signed_in(server, people.applicant).post_json(
        "/api/v1/cases", application_json(given_names="Gracie")
    )
    assert_error(response, 422, "identity_mismatch", "given_names")
    assert Case.objects.count() == 0


def test_the_role_is_checked_before_the_body(server: str) -> None:
    """A caller without the role learns nothing from the body's validation."""
    people = world()
    officer = signed_in(server, people.officer)
    assert_error(officer.post_json("/api/v1/cases", {"nonsense": 1}), 403, "role_required", None)
    applicant = signed_in(server, people.applicant)
    assert_error(
        applicant.post_json("/api/v1/cases/C-0000-0000/decision", {"outcome": 7}),
        403,
        "role_required",
        None,
    )
    assert_error(
        Session(server).post_json("/api/v1/cases", {"nonsense": 1}), 401, "not_authenticated", None
    )


def test_a_malformed_body_is_refused_naming_the_field(server: str) -> None:
    people = world()
    reference = submit(server, people)["reference"]
    officer = signed_in(server, people.officer)
    officer.post_json(f"/api/v1/cases/{reference}/interview", {"notes": "seen"})
    response = officer.post_json(
        f"/api/v1/cases/{reference}/decision", {**STANDARD, "outcome": "maybe"}
    )
    assert_error(response, 422, "invalid", "outcome")


def test_the_officer_takes_a_case_from_interview_to_the_visa(server: str) -> None:
    people = world()
    reference = submit(server, people)["reference"]
    officer = signed_in(server, people.officer)
    interviewed = officer.post_json(f"/api/v1/cases/{reference}/interview", {"notes": "seen"})
    assert interviewed.json()["state"] == "interviewed"
    decided = officer.post_json(f"/api/v1/cases/{reference}/decision", STANDARD).json()
    assert decided["state"] == "bond_directed"
    assert decided["decision"]["rule"]["amounts"] == ["5000.00", "10000.00", "15000.00"]
    assert "22 CFR 41.11(c)" in decided["decision"]["rule"]["legal_basis"]
    assert decided["decision"]["rule"]["reference"].startswith("us-visa-bond-pilot rule ")
    assert (decided["bond"]["amount"], decided["bond"]["state"]) == ("10000.00", "directed")
    pay(Case.objects.get(reference=reference).bond)
    issued = officer.post_json(f"/api/v1/cases/{reference}/visa", {})
    assert issued.status == 201
    visa = issued.json()["visa"]
    read = parse_mrz(visa["mrz"], today=dt.date(2025, 9, 1))
    assert read.valid
    assert (read.format, read.document_number) == ("MRVA", visa["number"])
    assert issued.json()["bond"]["state"] == "active"
    events = issued.json()["events"]
    # The clock stands still in this test: each subject's transitions keep their order.
    assert [e["after"] for e in events if e["subject"] == "case"] == [
        "submitted",
        "interviewed",
        "bond_directed",
        "bond_posted",
        "issued",
    ]
    assert [e["after"] for e in events if e["subject"] == "bond"] == [
        "directed",
        "posted",
        "active",
    ]


@pytest.mark.parametrize(
    ("changes", "status", "code", "field"),
    [
        ({"amount": "12000"}, 422, "amount_not_allowed", "amount"),
        ({"currency": "EUR"}, 422, "currency_not_allowed", "currency"),
        ({"amount": "ten"}, 422, "amount_not_decimal", "amount"),
        ({"reason": "unable_to_pay_standard"}, 422, "amount_reason_mismatch", "reason"),
        ({"outcome": "approve", "amount": None, "waiver_ground": "x"}, 422, None, "waiver_ground"),
    ],
)
def test_a_refused_decision_names_the_field_and_changes_nothing(
    server: str, changes: dict[str, object], status: int, code: str | None, field: str
) -> None:
    people = world()
    reference = submit(server, people)["reference"]
    officer = signed_in(server, people.officer)
    officer.post_json(f"/api/v1/cases/{reference}/interview", {"notes": "seen"})
    response = officer.post_json(f"/api/v1/cases/{reference}/decision", {**STANDARD, **changes})
    body = response.json()
    assert response.status == status
    assert body["field"] == field
    if code is not None:
        assert body["code"] == code
    case = Case.objects.get(reference=reference)
    assert (case.state, case.captured_rule) == ("interviewed", None)


def test_an_illegal_transition_is_a_409_naming_the_state(server: str) -> None:
    people = world()
    reference = submit(server, people)["reference"]
    response = signed_in(server, people.officer).post_json(f"/api/v1/cases/{reference}/visa", {})
    assert_error(response, 409, "case_state", "state")
    assert "the case is submitted" in response.json()["message"]


def test_a_refusal_after_posting_cancels_the_bond(server: str) -> None:
    people = world()
    reference = submit(server, people)["reference"]
    officer = signed_in(server, people.officer)
    officer.post_json(f"/api/v1/cases/{reference}/interview", {"notes": "seen"})
    officer.post_json(f"/api/v1/cases/{reference}/decision", STANDARD)
    pay(Case.objects.get(reference=reference).bond)
    refused = officer.post_json(
        f"/api/v1/cases/{reference}/refusal", {"explanation": "new information"}
    ).json()
    assert (refused["state"], refused["bond"]["state"]) == ("refused", "cancelled")


def test_another_posts_officer_and_another_applicant_find_nothing_like_a_missing_case(
    server: str,
) -> None:
    people = world()
    reference = submit(server, people)["reference"]
    stranger = world_stranger()
    for session in (signed_in(server, officer_at("lusaka")), signed_in(server, stranger)):
        theirs = session.get(f"/api/v1/cases/{reference}")
        missing = session.get("/api/v1/cases/C-0000-0000")
        assert theirs.status == missing.status == 404
        assert theirs.text.replace(reference, "C-0000-0000") == missing.text
    lusaka = signed_in(server, officer_at("lusaka", "second-lusaka-officer"))
    assert_error(
        lusaka.post_json(f"/api/v1/cases/{reference}/interview", {"notes": "x"}),
        404,
        "case_not_found",
        "reference",
    )


def world_stranger() -> object:
    return person("stranger", Role.APPLICANT)


def test_the_list_holds_the_callers_cases_only(server: str) -> None:
    people = world()
    ours = submit(server, people)["reference"]
    zambian = submit(
        server,
        people,
        post="lusaka",
        passport_mrz=td3(nationality="ZMB", number="ZN0000001"),
        passport_number="ZN0000001",
    )["reference"]
    officer = signed_in(server, people.officer)
    listed = [c["reference"] for c in officer.get("/api/v1/cases").json()]
    assert listed == [ours]
    mine = [c["reference"] for c in signed_in(server, people.applicant).get("/api/v1/cases").json()]
    assert sorted(mine) == sorted([ours, zambian])
    assert signed_in(server, world_stranger()).get("/api/v1/cases").json() == []
    assert officer.get("/api/v1/cases", state="issued").json() == []
    assert [c["reference"] for c in officer.get("/api/v1/cases", q="grace").json()] == [ours]


def test_a_write_without_the_csrf_token_is_refused(server: str) -> None:
    people = world()
    reference = submit(server, people)["reference"]
    session = signed_in(server, people.officer)
    response = session.request(
        "POST",
        f"/api/v1/cases/{reference}/interview",
        data=b'{"notes": "x"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status == 403
    assert Case.objects.get(reference=reference).state == "submitted"


def test_the_openapi_document_describes_the_casework_endpoints(server: str) -> None:
    document = Session(server).get("/api/v1/openapi.json").json()
    paths = document["paths"]
    assert set(paths["/api/v1/cases"]) == {"get", "post"}
    for action in ("interview", "decision", "visa", "refusal"):
        assert "post" in paths[f"/api/v1/cases/{{reference}}/{action}"]
    schemas = document["components"]["schemas"]
    assert {"decision", "bond", "visa", "events"} <= set(schemas["CaseOut"]["properties"])
    assert set(schemas["DecisionIn"]["properties"]["outcome"]["enum"]) == {
        "direct_bond",
        "approve",
        "refuse",
    }
    assert {"code", "field", "message"} <= set(schemas["ErrorOut"]["properties"])


def test_an_officer_opens_a_walk_in_case_and_the_answer_holds_no_claim_code(server: str) -> None:
    people = world()
    officer = signed_in(server, people.officer)
    response = officer.post_json("/api/v1/cases/walk-in", application_json())
    assert response.status == 201, response.text
    case = response.json()
    assert (case["state"], case["post"], case["surname"]) == ("submitted", "lilongwe", "BANDA")
    assert "claim" not in response.text.lower()
    assert Case.objects.get(reference=case["reference"]).applicant_id is None
    # Its officer reads it like any case of the post; no applicant account sees it.
    assert officer.get(f"/api/v1/cases/{case['reference']}").status == 200
    applicant = signed_in(server, people.applicant)
    assert applicant.get(f"/api/v1/cases/{case['reference']}").status == 404


def test_a_walk_in_case_is_refused_naming_the_field_and_the_rule(server: str) -> None:
    people = world()
    officer = signed_in(server, people.officer)
    assert_error(
        officer.post_json("/api/v1/cases/walk-in", application_json(given_names="Gracie")),
        422,
        "identity_mismatch",
        "given_names",
    )
    assert_error(
        officer.post_json("/api/v1/cases/walk-in", application_json(post="lusaka")),
        403,
        "post_not_assigned",
        "post",
    )
    assert_error(
        officer.post_json("/api/v1/cases/walk-in", {**application_json(), "birth_date": "x"}),
        422,
        "invalid",
        "birth_date",
    )
    assert Case.objects.count() == 0


def test_a_walk_in_case_refused_for_another_post_is_on_the_trail(server: str) -> None:
    people = world()
    officer = signed_in(server, people.officer)
    assert_error(
        officer.post_json("/api/v1/cases/walk-in", application_json(post="lusaka")),
        403,
        "post_not_assigned",
        "post",
    )
    entry = AuditEvent.objects.get(action="case.walk_in_refused")
    assert (entry.actor_name, entry.details["post"], entry.details["assigned_post"]) == (
        people.officer.username,
        "lusaka",
        "lilongwe",
    )
    assert Case.objects.count() == 0


def test_a_second_walk_in_case_for_an_open_passport_is_a_conflict_naming_the_case(
    server: str,
) -> None:
    people = world()
    officer = signed_in(server, people.officer)
    first = officer.post_json("/api/v1/cases/walk-in", application_json())
    assert first.status == 201, first.text
    again = officer.post_json("/api/v1/cases/walk-in", application_json(purpose="Another trip"))
    assert_error(again, 409, "case_already_open", "passport_number")
    assert first.json()["reference"] in again.json()["message"]
    assert Case.objects.count() == 1


def test_only_a_consular_officer_opens_a_walk_in_case_over_the_api(server: str) -> None:
    people = world()
    applicant = signed_in(server, people.applicant)
    assert_error(
        applicant.post_json("/api/v1/cases/walk-in", application_json()), 403, "role_required", None
    )
    assert_error(
        Session(server).post_json("/api/v1/cases/walk-in", application_json()),
        401,
        "not_authenticated",
        None,
    )
    assert Case.objects.count() == 0
