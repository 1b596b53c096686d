"""Who may reach what in casework and bonds: every role against every page and endpoint.

One case at post A (Lilongwe), applied for by applicant A, bond posted and visa issued, so
every page and document exists. Every cell of the matrix is asserted: 200 (or the status of
the write's own refusal, which proves the caller got through), 302 to sign in, 401, 403, 404.
A 404 must be the very answer a case that does not exist gets, so nobody learns that
another's case exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.casework_world import PASSWORD, officer_at, person, posted_case, world
from tests.pages import comparable
from visabond.accounts.roles import Role
from visabond.casework.services import case_issue_visa, post_assign

pytestmark = pytest.mark.usefixtures("pilot")

MISSING = "C-0000-0000"
ROLES = (
    "anonymous",
    "policy_officer",
    "officer_a",
    "officer_b",
    "cashier_a",
    "finance_officer",
    "bond_adjudicator",
    "auditor",
    "applicant_a",
    "applicant_b",
)

# Expected answers, in the order of ROLES.
CONSOLE_LIST = (302, 403, 200, 200, 403, 403, 403, 403, 403, 403)
CONSOLE_CASE = (302, 403, 200, 404, 403, 403, 403, 403, 403, 403)
PORTAL_HOME = (302, 403, 403, 403, 403, 403, 403, 403, 200, 200)
PORTAL_CASE = (302, 403, 403, 403, 403, 403, 403, 403, 200, 404)
DOCUMENT = (302, 403, 200, 404, 200, 200, 200, 200, 200, 404)
API_LIST = (401, 403, 200, 200, 200, 200, 200, 200, 200, 200)
API_CASE = (401, 403, 200, 404, 200, 200, 200, 200, 200, 404)
# An application with an empty body: the applicant gets through to the body's validation.
API_SUBMIT = (401, 403, 403, 403, 403, 403, 403, 403, 422, 422)
# A write on an issued case: the post's officer gets through to the state's refusal (409).
API_OFFICER_WRITE = (401, 403, 409, 404, 403, 403, 403, 403, 403, 403)

DECISION = {
    "outcome": "direct_bond",
    "amount": "10000",
    "currency": "USD",
    "reason": "standard",
    "explanation": "x",
}


Call = Callable[[Client, str], Any]


def cells() -> list[tuple[str, Call, tuple[int, ...]]]:
    """(name, request for a reference, expected statuses) for every page and endpoint."""

    def get(path: str) -> Call:
        return lambda client, ref: client.get(path.format(ref=ref))

    def post(path: str, body: dict[str, object]) -> Call:
        return lambda client, ref: client.post(
            path.format(ref=ref), body, content_type="application/json"
        )

    return [
        ("console: cases", get("/console/cases/"), CONSOLE_LIST),
        ("console: case", get("/console/cases/{ref}/"), CONSOLE_CASE),
        ("console: decision", get("/console/cases/{ref}/decision/"), CONSOLE_CASE),
        ("portal: home", get("/portal/"), PORTAL_HOME),
        ("portal: apply", get("/portal/apply/"), PORTAL_HOME),
        ("portal: case", get("/portal/cases/{ref}/"), PORTAL_CASE),
        ("portal: refund account", get("/portal/cases/{ref}/refund-account/"), PORTAL_CASE),
        ("print: visa foil", get("/cases/{ref}/visa/"), DOCUMENT),
        ("print: visa foil PDF", get("/cases/{ref}/visa.pdf"), DOCUMENT),
        ("print: bond notice", get("/cases/{ref}/bond-notice/"), DOCUMENT),
        ("print: bond notice PDF", get("/cases/{ref}/bond-notice.pdf"), DOCUMENT),
        ("api: list", get("/api/v1/cases"), API_LIST),
        ("api: get", get("/api/v1/cases/{ref}"), API_CASE),
        ("api: submit", post("/api/v1/cases", {}), API_SUBMIT),
        (
            "api: interview",
            post("/api/v1/cases/{ref}/interview", {"notes": "x"}),
            API_OFFICER_WRITE,
        ),
        ("api: decision", post("/api/v1/cases/{ref}/decision", DECISION), API_OFFICER_WRITE),
        ("api: visa", post("/api/v1/cases/{ref}/visa", {}), API_OFFICER_WRITE),
        (
            "api: refusal",
            post("/api/v1/cases/{ref}/refusal", {"explanation": "x"}),
            API_OFFICER_WRITE,
        ),
    ]


def clients() -> tuple[dict[str, Client], str]:
    """A signed-in client per role, and the reference of applicant A's issued case."""
    people = world()  # applicant A ("grace") and the officer at post A (Lilongwe)
    cashier = person("cashier-a", Role.CASHIER)
    post_assign(user=cashier, post_code="lilongwe", actor="test setup")
    users = {
        "policy_officer": person("policy", Role.POLICY_OFFICER),
        "officer_a": people.officer,
        "officer_b": officer_at("lusaka"),
        "cashier_a": cashier,
        "finance_officer": person("finance", Role.FINANCE_OFFICER),
        "bond_adjudicator": person("adjudicator", Role.BOND_ADJUDICATOR),
        "auditor": person("auditor", Role.AUDITOR),
        "applicant_a": people.applicant,
        "applicant_b": person("amina", Role.APPLICANT),
    }
    signed = {"anonymous": Client()}
    for name, user in users.items():
        client = Client()
        assert client.login(username=user.get_username(), password=PASSWORD)
        signed[name] = client
    case = posted_case(people)
    case_issue_visa(reference=case.reference, actor=people.officer)
    return signed, case.reference


def test_every_role_against_every_casework_page_and_endpoint() -> None:
    signed, reference = clients()
    wrong: list[str] = []
    checked = 0
    for name, call, expected in cells():
        for role, status in zip(ROLES, expected, strict=True):
            response = call(signed[role], reference)
            checked += 1
            got = response.status_code
            if got != status:
                wrong.append(f"{name} as {role}: {got}, expected {status}")
            elif status == 302 and not response["Location"].startswith("/accounts/login/"):
                wrong.append(f"{name} as {role}: redirected to {response['Location']}")
            elif status == 404:
                missing = call(signed[role], MISSING)
                same = comparable(
                    response.content.decode(), reference=reference, placeholder=MISSING
                ) == comparable(missing.content.decode(), reference=MISSING)
                if missing.status_code != 404 or not same:
                    wrong.append(f"{name} as {role}: a 404 unlike a missing case's")
    assert wrong == []
    assert checked == len(ROLES) * len(cells())
