"""A claim code waiting in the officer's session is printed on exactly one bond notice, even
when several notices of that session are rendered at once (each request reads the session
before any writes it back); the others say it was printed already."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory

from tests.casework_world import STANDARD, application, officer_at, traveller
from tests.concurrency import at_once, on_postgresql
from tests.pages import signed_in
from visabond.accounts.models import User
from visabond.audit.models import AuditEvent
from visabond.casework.claim_codes import claim_code_matches
from visabond.casework.claim_services import claim_code_reissue
from visabond.casework.claim_session import claim_code_keep, claim_code_take
from visabond.casework.models import Case, CaseClaim
from visabond.casework.rules import Outcome
from visabond.casework.services import case_decide, case_interview, case_submit

pytestmark = pytest.mark.usefixtures("pilot")

CODE = re.compile(r'id="claim-code">([0-9A-Z-]{24})<')
ROUNDS = 5


def walk_in_case(officer: User, **changes: object) -> Case:
    case = case_submit(application=application(**changes), applicant=None, actor=officer)
    case_interview(reference=case.reference, notes="walk-in", actor=officer)
    return case_decide(
        reference=case.reference, outcome=Outcome.DIRECT_BOND, choice=STANDARD, actor=officer
    )


def test_two_requests_that_read_the_session_before_either_wrote_it_take_the_code_once() -> None:
    officer = officer_at("lilongwe")
    case = walk_in_case(officer)
    session = SessionStore()
    first = RequestFactory().get("/")
    first.session = session
    claim_code_keep(first, reference=case.reference, code=case.claim_code)
    session.save()
    # Two printings of the same session, each with the session as it was when it arrived.
    takes = []
    for _ in range(2):
        request = RequestFactory().get("/")
        request.session = SessionStore(session_key=session.session_key)
        takes.append(request)
    taken = [claim_code_take(r, reference=case.reference, actor=officer) for r in takes]
    assert sorted(taken) == ["", case.claim_code]
    claim = CaseClaim.objects.get(case=case)
    assert claim.code_printed_at is not None
    printed = AuditEvent.objects.filter(action="case.claim_code_printed")
    assert printed.count() == 1
    assert case.claim_code not in str(printed.get().details)


def test_a_new_code_waits_to_be_printed_again() -> None:
    officer = officer_at("lilongwe")
    case = walk_in_case(officer)
    request = RequestFactory().get("/")
    request.session = SessionStore()
    claim_code_keep(request, reference=case.reference, code=case.claim_code)
    assert claim_code_take(request, reference=case.reference, actor=officer) == case.claim_code
    new = claim_code_reissue(reference=case.reference, actor=officer)
    assert CaseClaim.objects.get(case=case).code_printed_at is None
    # The old code, had it stayed in some session, is not printed: it no longer works.
    claim_code_keep(request, reference=case.reference, code=case.claim_code)
    assert claim_code_take(request, reference=case.reference, actor=officer) == ""
    claim_code_keep(request, reference=case.reference, code=new)
    assert claim_code_take(request, reference=case.reference, actor=officer) == new


@pytest.mark.django_db(transaction=True)
def test_four_bond_notices_loaded_at_once_after_a_new_code_print_it_exactly_once() -> None:
    on_postgresql()
    officer = officer_at("lilongwe")
    console = signed_in(officer)
    for round_ in range(ROUNDS):
        case = walk_in_case(officer, **traveller(round_))
        # The code of the decision was printed; the obligor lost the notice.
        reissued = console.post(f"/console/cases/{case.reference}/", {"action": "claim_code"})
        assert CODE.search(console.get(f"/cases/{case.reference}/bond-notice/").content.decode())
        reissued = console.post(f"/console/cases/{case.reference}/", {"action": "claim_code"})
        assert reissued.status_code == 302
        tabs = []
        for _tab in range(4):
            tab = Client()
            tab.cookies = console.cookies
            tabs.append(tab)
        notice = f"/cases/{case.reference}/bond-notice/"
        pages = at_once(*[lambda tab=tab, notice=notice: tab.get(notice) for tab in tabs])
        texts = [page.content.decode() for page in pages]  # type: ignore[attr-defined]
        codes = [found.group(1) for found in map(CODE.search, texts) if found]
        assert len(codes) == 1
        assert sum('id="claim-code-printed"' in text for text in texts) == 3
        # The one printed is the new code, the one the case's claim now takes.
        claim = CaseClaim.objects.get(case=case)
        assert claim.codes_issued == 3
        assert claim_code_matches(codes[0], claim.code_hash)
        assert claim.code_printed_at is not None
