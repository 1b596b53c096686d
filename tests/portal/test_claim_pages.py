"""A walk-in case in the console and the portal: the officer directs the bond and prints the
claim code once on the bond notice; the obligor signs up, claims the case and records a
refund account; wrong details get one answer (an unknown case the same), and attempts are
rate-limited per account and per case."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from pypdf import PdfReader

from tests.casework_world import application, officer_at, pay, person
from tests.pages import comparable, signed_in
from visabond.accounts.models import User
from visabond.accounts.roles import Role
from visabond.audit.models import AuditEvent
from visabond.bonds.models import Bond
from visabond.casework.models import Case
from visabond.casework.services import case_interview, case_submit

pytestmark = pytest.mark.usefixtures("pilot")

CODE = re.compile(r'id="claim-code">([0-9A-Z-]{24})<')
DECISION = {
    "outcome": "direct_bond",
    "amount": "10000",
    "currency": "USD",
    "reason": "standard",
    "explanation": "standard bond",
}


def walk_in_directed(officer: User, console: Client) -> Case:
    """Grace applied at the post in person; the officer directs the bond on the console."""
    case = case_submit(application=application(), applicant=None, actor=officer)
    case_interview(reference=case.reference, notes="walk-in", actor=officer)
    decided = console.post(f"/console/cases/{case.reference}/decision/", DECISION)
    assert decided.status_code == 302
    return case


def printed_code(console: Client, reference: str) -> str:
    return printed_code_in(console.get(f"/cases/{reference}/bond-notice/").content.decode())


def printed_code_in(page: str) -> str:
    found = CODE.search(page)
    assert found is not None, "the bond notice carries no claim code"
    return found.group(1)


def claim(client: Client, reference: str, code: str, passport: str = "MA1234567") -> int:
    response = client.post(
        "/portal/claim/",
        {"reference": reference, "claim_code": code, "passport_number": passport},
    )
    return response.status_code


def test_the_claim_code_is_printed_once_on_the_bond_notice_the_officer_opens_next() -> None:
    officer = officer_at("lilongwe")
    console = signed_in(officer)
    case = walk_in_directed(officer, console)
    page = console.get(f"/console/cases/{case.reference}/").content.decode()
    assert 'id="claim-code-waiting"' in page
    printed = console.get(f"/cases/{case.reference}/bond-notice/")
    assert "no-store" in printed["Cache-Control"]  # not shown again from a browser's cache
    code = printed_code_in(printed.content.decode())
    assert (
        CODE.search(console.get(f"/cases/{case.reference}/bond-notice/").content.decode()) is None
    )
    assert (
        'id="claim-code-waiting"'
        not in console.get(f"/console/cases/{case.reference}/").content.decode()
    )
    # A new code, asked for on the console, goes to the PDF if that is printed first.
    assert (
        console.post(f"/console/cases/{case.reference}/", {"action": "claim_code"}).status_code
        == 302
    )
    printed_pdf = console.get(f"/cases/{case.reference}/bond-notice.pdf")
    assert "no-store" in printed_pdf["Cache-Control"]
    pdf = printed_pdf.content
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    new = re.search(r"([0-9A-Z]{4}-){4}[0-9A-Z]{4}", text)
    assert new is not None
    assert new.group(0) != code
    grace = person("grace", Role.APPLICANT)
    assert claim(signed_in(grace), case.reference, code) == 422
    assert claim(signed_in(grace), case.reference, new.group(0)) == 302


def test_an_obligor_claims_the_case_follows_it_and_records_the_refund_account() -> None:
    officer = officer_at("lilongwe")
    console = signed_in(officer)
    case = walk_in_directed(officer, console)
    code = printed_code(console, case.reference)
    pay(Bond.objects.get(case=case))
    grace = signed_in(person("grace", Role.APPLICANT))
    assert grace.get("/portal/claim/").status_code == 200
    assert grace.get(f"/portal/cases/{case.reference}/").status_code == 404
    assert claim(grace, case.reference, code.lower()) == 302
    page = grace.get(f"/portal/cases/{case.reference}/").content.decode()
    assert "Bond directed" in page
    assert 'id="refund-account-give-link"' in page  # the case page asks for the account
    assert case.reference in grace.get("/portal/").content.decode()
    recorded = grace.post(
        f"/portal/cases/{case.reference}/refund-account/",
        {"holder_name": "Grace Banda", "country": "GB", "iban": "GB82WEST12345698765432"},
    )
    assert recorded.status_code == 302
    page = grace.get(f"/portal/cases/{case.reference}/").content.decode()
    assert 'id="refund-account-give-link"' not in page  # given: no longer asked
    assert "claimed-by" in console.get(f"/console/cases/{case.reference}/").content.decode()


def test_a_refused_claim_reads_the_same_for_an_unknown_case_and_changes_nothing() -> None:
    officer = officer_at("lilongwe")
    console = signed_in(officer)
    case = walk_in_directed(officer, console)
    code = printed_code(console, case.reference)
    amina = signed_in(person("amina", Role.APPLICANT))
    wrong = amina.post(
        "/portal/claim/",
        {"reference": case.reference, "claim_code": code, "passport_number": "MA0000000"},
    )
    unknown = amina.post(
        "/portal/claim/",
        {"reference": "C-0000-0000", "claim_code": code, "passport_number": "MA0000000"},
    )
    assert wrong.status_code == unknown.status_code == 422
    assert comparable(wrong.content.decode(), reference=case.reference) == comparable(
        unknown.content.decode(), reference="C-0000-0000"
    )
    assert Case.objects.get(pk=case.pk).applicant_id is None
    assert AuditEvent.objects.filter(action="case.claim_refused").count() == 2


def test_claims_are_rate_limited_per_account_and_per_case(settings: Any) -> None:
    settings.CLAIM_THROTTLE_RATE = "3/h"
    cache.clear()
    officer = officer_at("lilongwe")
    console = signed_in(officer)
    case = walk_in_directed(officer, console)
    code = printed_code(console, case.reference)
    amina = signed_in(person("amina", Role.APPLICANT))
    assert [claim(amina, "C-0000-0000", code) for _ in range(3)] == [422, 422, 422]
    refused = amina.post(
        "/portal/claim/",
        {"reference": case.reference, "claim_code": code, "passport_number": "MA1234567"},
    )
    assert refused.status_code == 429
    assert refused["Retry-After"]
    # Two other accounts share the case's own count: the fourth try on it is refused, even
    # with the right code, and the case stays unclaimed until the window passes.
    john = signed_in(person("john", Role.APPLICANT))
    grace = signed_in(person("grace", Role.APPLICANT))
    assert claim(john, case.reference, "0000-0000-0000-0000-0000") == 422
    assert claim(john, case.reference, "0000-0000-0000-0000-0001") == 422
    assert claim(grace, case.reference, "0000-0000-0000-0000-0002") == 422
    assert claim(grace, case.reference, code) == 429
    assert Case.objects.get(pk=case.pk).applicant_id is None
    cache.clear()
    assert claim(grace, case.reference, code) == 302
