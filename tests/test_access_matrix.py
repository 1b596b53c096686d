"""Who may reach what in casework, bonds, payments, refunds and the border and adjudication
consoles: every role against every page and endpoint.

One case at post A (Lilongwe), applied for by applicant A, bond posted and visa issued, so
every page and document exists. Every cell of the matrix is asserted: 200 (or the status of
the write's own refusal, which proves the caller got through), 302 to sign in, 401, 403, 404.
A 404 must be the very answer a case that does not exist gets, so nobody learns that
another's case exists.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tests.casework_world import officer_at, person, posted_case, world
from tests.pages import comparable, signed_in
from visabond.accounts.roles import Role
from visabond.casework.services import case_issue_visa, post_assign
from visabond.ledger.models import LedgerVerification

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
# A new claim code for a case an account follows already: the post's officer gets through
# to the refusal (409).
CONSOLE_CLAIM_CODE = (302, 403, 409, 404, 403, 403, 403, 403, 403, 403)
PORTAL_HOME = (302, 403, 403, 403, 403, 403, 403, 403, 200, 200)
PORTAL_CASE = (302, 403, 403, 403, 403, 403, 403, 403, 200, 404)
DOCUMENT = (302, 403, 200, 404, 200, 200, 200, 200, 200, 404)
API_LIST = (401, 403, 200, 200, 200, 200, 200, 200, 200, 200)
API_CASE = (401, 403, 200, 404, 200, 200, 200, 200, 200, 404)
# An application with an empty body: the applicant gets through to the body's validation.
API_SUBMIT = (401, 403, 403, 403, 403, 403, 403, 403, 422, 422)
# A walk-in case with an empty body: a consular officer gets through to its validation.
API_WALK_IN = (401, 403, 422, 422, 403, 403, 403, 403, 403, 403)
# A write on an issued case: the post's officer gets through to the state's refusal (409).
API_OFFICER_WRITE = (401, 403, 409, 404, 403, 403, 403, 403, 403, 403)
# Money: the cashier at post A (an empty receipt reaches its validation, 422); finance and
# auditors read; finance decides (a payment or refund that does not exist: 404).
API_CASHIER_READ = (401, 403, 403, 403, 200, 403, 403, 403, 403, 403)
API_CASHIER_WRITE = (401, 403, 403, 403, 422, 403, 403, 403, 403, 403)
API_FINANCE_READ = (401, 403, 403, 403, 403, 200, 403, 200, 403, 403)
API_FINANCE_WRITE = (401, 403, 403, 403, 403, 404, 403, 403, 403, 403)
API_FINANCE_LOOKUP = (401, 403, 403, 403, 403, 404, 403, 404, 403, 403)
# The provider's webhook is signed, not signed in: a session is no signature.
API_WEBHOOK = (401,) * 10
# Recording a refund account (an empty form reaches its validation, 422) on a bond held.
PORTAL_WRITE = (302, 403, 403, 403, 403, 403, 403, 403, 422, 404)
# Claiming a walk-in case: any applicant (an empty form reaches its validation, 422).
PORTAL_CLAIM = (302, 403, 403, 403, 403, 403, 403, 403, 422, 422)

ACCOUNT = {"holder_name": "John Payer", "country": "GB", "iban": "GB82WEST12345698765432"}
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

    def form(path: str) -> Call:
        return lambda client, ref: client.post(path.format(ref=ref), {})

    return [
        ("console: cases", get("/console/cases/"), CONSOLE_LIST),
        ("console: walk-in case", get("/console/cases/walk-in/"), CONSOLE_LIST),
        ("console: case", get("/console/cases/{ref}/"), CONSOLE_CASE),
        ("console: decision", get("/console/cases/{ref}/decision/"), CONSOLE_CASE),
        (
            "console: new claim code",
            lambda client, ref: client.post(f"/console/cases/{ref}/", {"action": "claim_code"}),
            CONSOLE_CLAIM_CODE,
        ),
        ("portal: home", get("/portal/"), PORTAL_HOME),
        ("portal: apply", get("/portal/apply/"), PORTAL_HOME),
        ("portal: claim", get("/portal/claim/"), PORTAL_HOME),
        ("portal: claim a case", form("/portal/claim/"), PORTAL_CLAIM),
        ("portal: case", get("/portal/cases/{ref}/"), PORTAL_CASE),
        ("portal: refund account", get("/portal/cases/{ref}/refund-account/"), PORTAL_CASE),
        (
            "portal: record refund account",
            form("/portal/cases/{ref}/refund-account/"),
            PORTAL_WRITE,
        ),
        ("print: visa foil", get("/cases/{ref}/visa/"), DOCUMENT),
        ("print: visa foil PDF", get("/cases/{ref}/visa.pdf"), DOCUMENT),
        ("print: bond notice", get("/cases/{ref}/bond-notice/"), DOCUMENT),
        ("print: bond notice PDF", get("/cases/{ref}/bond-notice.pdf"), DOCUMENT),
        ("api: list", get("/api/v1/cases"), API_LIST),
        ("api: get", get("/api/v1/cases/{ref}"), API_CASE),
        ("api: submit", post("/api/v1/cases", {}), API_SUBMIT),
        ("api: walk-in case", post("/api/v1/cases/walk-in", {}), API_WALK_IN),
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
        ("api: webhook", post("/api/v1/payments/webhook", {}), API_WEBHOOK),
        ("api: receipts", get("/api/v1/payments/receipts"), API_CASHIER_READ),
        ("api: receipt", post("/api/v1/payments/receipts", {}), API_CASHIER_WRITE),
        ("api: quarantine", get("/api/v1/payments/quarantine"), API_FINANCE_READ),
        ("api: payment", get("/api/v1/payments/P-0000-0000"), API_FINANCE_LOOKUP),
        (
            "api: apply",
            post("/api/v1/payments/P-0000-0000/apply", {"case_reference": "x", "reason": "r"}),
            API_FINANCE_WRITE,
        ),
        (
            "api: return",
            post("/api/v1/payments/P-0000-0000/return", {**ACCOUNT, "reason": "r"}),
            API_FINANCE_WRITE,
        ),
        ("api: refunds", get("/api/v1/refunds"), API_FINANCE_READ),
        (
            "api: refund payee",
            post("/api/v1/refunds/R-0000-0000/payee", {**ACCOUNT, "reason": "r"}),
            API_FINANCE_WRITE,
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
        signed[name] = signed_in(user)
    case = posted_case(people)
    case_issue_visa(reference=case.reference, actor=people.officer)
    return signed, case.reference


def test_every_role_against_every_page_and_endpoint_of_casework_and_money() -> None:
    signed, reference = clients()
    assert_matrix(signed, {name: (call, reference, expected) for name, call, expected in cells()})


def assert_matrix(
    signed: dict[str, Client],
    matrix: dict[str, tuple[Call, str, tuple[int, ...]]],
    roles: tuple[str, ...] = ROLES,
) -> None:
    """Every cell: the status expected, a redirect to sign in, and a 404 that is the very
    answer a reference that does not exist gets."""
    wrong: list[str] = []
    checked = 0
    for name, (call, reference, expected) in matrix.items():
        for role, status in zip(roles, expected, strict=True):
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
    assert checked == len(roles) * len(matrix)


# The traveller's departure check and the border officer's uploads, for these roles.
UPLOAD_ROLES = ("anonymous", "border_officer", "bond_adjudicator", "auditor", "applicant")
PUBLIC_PAGE = (200,) * 5
# An empty form reaches its validation whoever sends it: the page asks for no sign-in.
PUBLIC_FORM = (422,) * 5
OFFICER_PAGE = (302, 200, 403, 403, 403)
# An empty verdict reaches the form's validation (422) for the officer only.
OFFICER_WRITE = (302, 422, 403, 403, 403)
OFFICER_API_READ = (401, 200, 403, 403, 403)
OFFICER_API_WRITE = (401, 422, 403, 403, 403)


def upload_cells(upload_id: int) -> list[tuple[str, Call, tuple[int, ...]]]:
    def get(path: str) -> Call:
        return lambda client, _: client.get(path)

    def form(path: str) -> Call:
        return lambda client, _: client.post(path, {})

    def post(path: str) -> Call:
        return lambda client, _: client.post(path, {}, content_type="application/json")

    page = f"/console/border/uploads/{upload_id}/"
    return [
        ("public: departure check", get("/departure-check/"), PUBLIC_PAGE),
        ("public: departure check asked", form("/departure-check/"), PUBLIC_FORM),
        ("public: evidence upload", form("/departure-check/evidence/"), PUBLIC_FORM),
        ("border: uploads", get("/console/border/uploads/"), OFFICER_PAGE),
        ("border: upload", get(page), OFFICER_PAGE),
        ("border: upload verdict", form(page), OFFICER_WRITE),
        ("border: upload file", get(f"{page}file"), OFFICER_PAGE),
        ("api: uploads", get("/api/v1/border/uploads"), OFFICER_API_READ),
        (
            "api: upload decision",
            post(f"/api/v1/border/uploads/{upload_id}/decision"),
            OFFICER_API_WRITE,
        ),
    ]


def test_every_role_against_the_departure_check_and_the_uploads(
    settings: Any, tmp_path: Any
) -> None:
    import datetime as dt

    from tests.border.evidence_samples import png
    from tests.border_world import BORN, admit, bonded, grace
    from tests.casework_world import today_is
    from visabond.border.upload_services import departure_check, departure_upload

    settings.UPLOAD_DIR = tmp_path / "uploads"
    traveller = bonded()
    admit(grace())
    with today_is(dt.datetime(2025, 10, 31, 12, tzinfo=dt.UTC)):
        status = departure_check(bond_number=traveller.bond.number, birth_date=BORN, client="x")
        upload = departure_upload(
            token=status.token,
            document="boarding_pass",
            port="IAD",
            departed_on=dt.date(2025, 10, 29),
            content=png(),
            original_name="pass.png",
            client="x",
        )
    users = {
        "border_officer": person("border", Role.BORDER_OFFICER),
        "bond_adjudicator": person("adjudicator", Role.BOND_ADJUDICATOR),
        "auditor": person("auditor", Role.AUDITOR),
        "applicant": traveller.people.applicant,
    }
    signed = {"anonymous": Client(), **{name: signed_in(u) for name, u in users.items()}}
    wrong = []
    for name, call, expected in upload_cells(upload.pk):
        for role, status_code in zip(UPLOAD_ROLES, expected, strict=True):
            response = call(signed[role], "")
            if response.streaming:
                # Read to the end, the test client closes the streamed file itself (not
                # `response.close()`, whose signal would close the test's database connection).
                b"".join(response.streaming_content)
            if response.status_code != status_code:
                wrong.append(f"{name} as {role}: {response.status_code}, expected {status_code}")
            elif status_code == 302 and not response["Location"].startswith("/accounts/login/"):
                wrong.append(f"{name} as {role}: redirected to {response['Location']}")
    assert wrong == []


# The border and adjudication consoles, with the border officer as one more role.
CONSOLE_ROLES = (*ROLES, "border_officer")
BORDER_PAGE = (302, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200)
# An empty form at the port reaches the form's validation (422).
BORDER_RECORD = (302, 403, 403, 403, 403, 403, 403, 403, 403, 403, 422)
ADJUDICATOR_PAGE = (302, 403, 403, 403, 403, 403, 200, 403, 403, 403, 403)
# A decision without its choice reaches the form's validation (422).
ADJUDICATOR_WRITE = (302, 403, 403, 403, 403, 403, 422, 403, 403, 403, 403)
# The obligor's own adjudication; another applicant's answer is "not found".
CONTEST_PAGE = (302, 403, 403, 403, 403, 403, 403, 403, 200, 404, 403)
# A contest without a statement reaches the service's refusal (422).
CONTEST_WRITE = (302, 403, 403, 403, 403, 403, 403, 403, 422, 404, 403)


def test_every_role_against_every_page_of_the_border_and_adjudication_consoles() -> None:
    from tests.border_world import admit, grace
    from visabond.adjudication.models import Adjudication
    from visabond.border.sweep_services import sweep_run

    signed, case_reference = clients()
    signed["border_officer"] = signed_in(person("border", Role.BORDER_OFFICER))
    # Applicant A never left: the sweep opened the adjudication of her bond.
    admit(grace())
    sweep_run(as_of=dt.date(2025, 11, 1), actor="visabond sweep")
    reference = Adjudication.objects.get(bond__case__reference=case_reference).reference

    def get(path: str) -> Call:
        return lambda client, ref: client.get(path.format(ref=ref))

    def form(path: str, body: dict[str, str]) -> Call:
        return lambda client, ref: client.post(path.format(ref=ref), body)

    matrix: dict[str, tuple[Call, str, tuple[int, ...]]] = {
        "border: admit": (get("/border/admit/"), "", BORDER_PAGE),
        "border: read zones": (form("/border/admit/", {"action": "read"}), "", BORDER_RECORD),
        "border: departure": (get("/border/departures/"), "", BORDER_PAGE),
        "border: record departure": (
            form("/border/departures/", {"action": "depart"}),
            "",
            BORDER_RECORD,
        ),
        "border: review queue": (get("/border/review/"), "", BORDER_PAGE),
        "border: manifests": (get("/border/manifests/"), "", BORDER_PAGE),
        "adjudication: list": (get("/adjudications/"), "", ADJUDICATOR_PAGE),
        "adjudication: page": (get("/adjudications/{ref}/"), reference, ADJUDICATOR_PAGE),
        "adjudication: decide": (
            form("/adjudications/{ref}/", {"action": "decide"}),
            reference,
            ADJUDICATOR_WRITE,
        ),
        "adjudication: contest": (
            get("/adjudications/{ref}/contest/"),
            reference,
            CONTEST_PAGE,
        ),
        "adjudication: send contest": (
            form("/adjudications/{ref}/contest/", {"statement": ""}),
            reference,
            CONTEST_WRITE,
        ),
    }
    assert_matrix(signed, matrix, CONSOLE_ROLES)


# The cashier's counter and the finance console, with the border officer and the analyst.
MONEY_ROLES = (*CONSOLE_ROLES, "analyst")
CASHIER_PAGE = (302, 403, 403, 403, 200, 403, 403, 403, 403, 403, 403, 403)
# An empty receipt reaches the form's validation (422) for the cashier only.
CASHIER_FORM = (302, 403, 403, 403, 422, 403, 403, 403, 403, 403, 403, 403)
# Finance decides; an auditor reads what finance sees.
FINANCE_PAGE = (302, 403, 403, 403, 403, 200, 403, 200, 403, 403, 403, 403)
FINANCE_LOOKUP = (302, 403, 403, 403, 403, 404, 403, 404, 403, 403, 403, 403)
# An empty decision reaches the form's validation (422) for the finance officer only.
FINANCE_FORM = (302, 403, 403, 403, 403, 422, 403, 403, 403, 403, 403, 403)
# Verifying the ledger while a verification runs: the finance officer reaches the refusal.
FINANCE_VERIFY = (302, 403, 403, 403, 403, 409, 403, 403, 403, 403, 403, 403)


def test_every_role_against_every_page_of_the_cashier_and_finance_consoles() -> None:
    from tests.finance.conftest import provider_payment

    signed, _ = clients()
    signed["border_officer"] = signed_in(person("border", Role.BORDER_OFFICER))
    signed["analyst"] = signed_in(person("analyst", Role.ANALYST))
    payment = provider_payment(reference="").number
    LedgerVerification.objects.create(ran_by="a verification under way")

    def get(path: str) -> Call:
        return lambda client, ref: client.get(path.format(ref=ref))

    def form(path: str, body: dict[str, str]) -> Call:
        return lambda client, ref: client.post(path.format(ref=ref), body)

    matrix: dict[str, tuple[Call, str, tuple[int, ...]]] = {
        "cashier: counter": (get("/cashier/"), "", CASHIER_PAGE),
        "cashier: record": (form("/cashier/", {}), "", CASHIER_FORM),
        "finance: awaiting": (get("/finance/"), "", FINANCE_PAGE),
        "finance: payment": (get("/finance/payments/{ref}/"), payment, FINANCE_PAGE),
        "finance: no payment": (get("/finance/payments/{ref}/"), "P-0000-0000", FINANCE_LOOKUP),
        "finance: apply": (
            form("/finance/payments/{ref}/", {"action": "apply"}),
            payment,
            FINANCE_FORM,
        ),
        "finance: return": (
            form("/finance/payments/{ref}/", {"action": "return"}),
            payment,
            FINANCE_FORM,
        ),
        "finance: refunds": (get("/finance/refunds/"), "", FINANCE_PAGE),
        "finance: import report": (
            form("/finance/refunds/", {"action": "confirm"}),
            "",
            FINANCE_FORM,
        ),
        "finance: batch file": (
            get("/finance/refunds/batches/{ref}.xml"),
            "RB-0000-0000-0000",
            FINANCE_LOOKUP,
        ),
        "finance: ledger": (get("/finance/ledger/"), "", FINANCE_PAGE),
        "finance: ledger CSV": (get("/finance/ledger/report.csv"), "", FINANCE_PAGE),
        "finance: verify ledger": (form("/finance/ledger/verify/", {}), "", FINANCE_VERIFY),
    }
    assert_matrix(signed, matrix, MONEY_ROLES)
