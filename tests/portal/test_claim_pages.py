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
    reprint = console.get(f"/cases/{case.reference}/bond-notice/").content.decode()
    assert CODE.search(reprint) is None
    assert 'id="claim-code-printed"' in reprint  # says the code was printed already
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


def walk_in_printed() -> tuple[Case, str]:
    """A walk-in case whose bond notice printed its claim code, with the counters cleared."""
    cache.clear()
    officer = officer_at("lilongwe")
    console = signed_in(officer)
    case = walk_in_directed(officer, console)
    return case, printed_code(console, case.reference)


def test_an_account_is_stopped_after_its_own_attempts_on_any_case(settings: Any) -> None:
    settings.CLAIM_THROTTLE_RATE = "3/h"
    case, code = walk_in_printed()
    amina = signed_in(person("amina", Role.APPLICANT))
    assert [claim(amina, "C-0000-0000", code) for _ in range(3)] == [422, 422, 422]
    refused = amina.post(
        "/portal/claim/",
        {"reference": case.reference, "claim_code": code, "passport_number": "MA1234567"},
    )
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert "Too many attempts" in refused.content.decode()
    assert Case.objects.get(pk=case.pk).applicant_id is None


def test_strangers_who_know_the_reference_do_not_lock_the_obligor_out(settings: Any) -> None:
    settings.CLAIM_THROTTLE_RATE = "3/h"
    case, code = walk_in_printed()
    # Two strangers spend their whole allowance on the case: each is stopped...
    for who in ("amina", "john"):
        stranger = signed_in(person(who, Role.APPLICANT))
        guesses = [claim(stranger, case.reference, f"0000-0000-0000-0000-000{n}") for n in range(4)]
        assert guesses == [422, 422, 422, 429]
    # ...and the obligor, with the printed code, still claims the case in the same window.
    grace = signed_in(person("grace", Role.APPLICANT))
    assert claim(grace, case.reference, code) == 302
    assert Case.objects.get(pk=case.pk).applicant_id == User.objects.get(username="grace").pk


def test_many_accounts_guessing_one_case_meet_the_case_ceiling(settings: Any) -> None:
    settings.CLAIM_CASE_THROTTLE_RATE = "4/h"
    case, code = walk_in_printed()
    wrong = code[:-1] + ("1" if code[-1] == "0" else "0")  # never the code itself
    answers = [
        claim(signed_in(person(f"guesser{n}", Role.APPLICANT)), case.reference, wrong)
        for n in range(5)
    ]
    assert answers == [422, 422, 422, 422, 429]


def test_a_claim_refused_by_a_ceiling_is_audited_without_the_typed_code(settings: Any) -> None:
    settings.CLAIM_THROTTLE_RATE = "1/h"
    case, code = walk_in_printed()
    amina = signed_in(person("amina", Role.APPLICANT))
    assert claim(amina, case.reference, "0000-0000-0000-0000-0000") == 422
    typed = case.reference.lower()
    assert claim(amina, typed, code) == 429
    [entry] = AuditEvent.objects.filter(action="case.claim_throttled")
    assert entry.actor_name == "amina"
    assert entry.details == {"reference": typed, "address": "127.0.0.1", "reason": "account"}
    assert code not in str(entry.details)
    assert Case.objects.get(pk=case.pk).applicant_id is None


def test_a_notice_printed_where_the_code_was_not_issued_says_a_new_code_is_needed() -> None:
    officer = officer_at("lilongwe")
    case = walk_in_directed(officer, signed_in(officer))
    elsewhere = signed_in(officer)  # signed in again: the code waited in the other session
    notice = elsewhere.get(f"/cases/{case.reference}/bond-notice/").content.decode()
    assert CODE.search(notice) is None
    assert 'id="claim-code-elsewhere"' in notice
    assert 'id="claim-code-printed"' not in notice
