"""The write discipline (docs/writes.md), as it behaves: entry points are durable, steps are not."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.db.transaction import TransactionManagementError

from tests.conftest import usd
from visabond.accounts.roles import Role
from visabond.accounts.services import applicant_sign_up, user_create
from visabond.adjudication.services import adjudications_open_many
from visabond.audit.models import AuditEvent
from visabond.audit.services import AuditAction, audit_record
from visabond.bonds.lifecycle import BondEvent, BondState
from visabond.bonds.services import bond_events_record_many
from visabond.border import records
from visabond.border import services as border_services
from visabond.border.client_services import border_client_add
from visabond.border.intake import report_store
from visabond.border.manifest_services import manifest_ingest
from visabond.border.outcomes import Decision
from visabond.border.records import RecordKind
from visabond.border.sweep import decided_bonds_move, decided_flags_insert, decisions_insert
from visabond.border.sweep_services import sweep_run
from visabond.core import clock
from visabond.ledger.services import ledger_post_many
from visabond.notices.services import notices_send_many
from visabond.policy import mirroring, reciprocity_services, rule_versions, services
from visabond.policy.decisions import Author, Source
from visabond.policy.models import Program, RuleVersion
from visabond.policy.reciprocity import Mode
from visabond.policy.rules import Period, RuleTerms
from visabond.policy.seed.loader import seed_load

D = dt.date
WHO = Author("officer")
CITED = [Source("notice")]
TERMS = RuleTerms(bond_required=True, amounts=(usd(5000),), standard_amount=usd(5000))
PROGRAM = Program(code="p", issuer="USA", name="P", legal_basis="", notice_days=0)

DESIGNATION: dict[str, Any] = {
    "program": PROGRAM,
    "nationality": "KEN",
    "visa_class": "B1/B2",
    "terms": TERMS,
    "period": Period(D(2030, 1, 1)),
    "announced_on": D(2025, 1, 1),
    "reason": "r",
    "sources": CITED,
    "author": WHO,
    "confirm_past": False,
}
WITHDRAWAL: dict[str, Any] = {
    "rule_id": 1,
    "effective_from": D(2030, 1, 1),
    "announced_on": D(2025, 1, 1),
    "reason": "r",
    "sources": CITED,
    "author": WHO,
    "confirm_past": False,
}
AMENDMENT: dict[str, Any] = WITHDRAWAL | {"terms": TERMS}
CORRECTION: dict[str, Any] = {
    "rule_id": 1,
    "version": 1,
    "announced_on": D(2025, 1, 1),
    "reason": "r",
    "sources": CITED,
    "author": WHO,
    "confirm_past": False,
}
DIRECTIVE: dict[str, Any] = {
    "program": PROGRAM,
    "counterpart": "MLI",
    "visa_class_mapping": {"SHORT-STAY": "B1/B2"},
    "port_mapping": {"BKO": "JFK"},
    "cap": None,
    "mode": Mode.ADOPTED,
    "effective_from": D(2030, 1, 1),
    "announced_on": D(2025, 1, 1),
    "reason": "r",
    "sources": CITED,
    "author": WHO,
}

ADMISSION = records.admission_report(
    traveller=records.traveller(visa_number="V1234ABCD"),
    port="JFK",
    admitted_at=dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC),
    admit_until=D(2030, 1, 30),
    visa_class="B2",
)

ENTRY_POINTS: dict[str, Callable[[], object]] = {
    "program_register": lambda: services.program_register(
        code="p",
        issuer="USA",
        name="P",
        legal_basis="",
        notice_days=0,
        effective_from=None,
        effective_to=None,
        sources=CITED,
        author=WHO,
    ),
    "rule_designate": lambda: services.rule_designate(**DESIGNATION),
    "rule_amend": lambda: services.rule_amend(**AMENDMENT),
    "rule_withdraw": lambda: services.rule_withdraw(**WITHDRAWAL),
    "rule_correct": lambda: services.rule_correct(**CORRECTION),
    "directive_adopt": lambda: reciprocity_services.directive_adopt(**DIRECTIVE),
    "reciprocity_review_approve": lambda: reciprocity_services.reciprocity_review_approve(
        review_id=1, reason="r", author=WHO
    ),
    "reciprocity_review_reject": lambda: reciprocity_services.reciprocity_review_reject(
        review_id=1, reason="r", author=WHO
    ),
    "reciprocity_review_acknowledge": lambda: reciprocity_services.reciprocity_review_acknowledge(
        review_id=1, author=WHO, reason="r"
    ),
    "user_create": lambda: user_create(
        username="someone", password="a-long-test-password-1", roles=[Role.AUDITOR]
    ),
    "applicant_sign_up": lambda: applicant_sign_up(
        username="someone", email="someone@example.org", password="a-long-test-password-1"
    ),
    "seed_load": seed_load,
    "admission_record": lambda: border_services.admission_record(
        ADMISSION, sender="s", record_id="1", actor="t"
    ),
    "border_batch_record": lambda: border_services.border_batch_record(
        kind=RecordKind.ADMISSION, items=[], sender="s", actor="t"
    ),
    "border_client_add": lambda: border_client_add(name="c", scopes=["paxlst"], actor="t"),
    "manifest_ingest": lambda: manifest_ingest(raw=b"UNA", source="x", actor="t"),
    "sweep_run": lambda: sweep_run(as_of=D(2030, 1, 1), actor="t"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ENTRY_POINTS))
def test_an_entry_point_refuses_to_run_inside_another_transaction(name: str) -> None:
    """Nesting a decision in another by mistake fails loudly instead of committing half of it."""
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        ENTRY_POINTS[name]()
    assert AuditEvent.objects.count() == 0


STEPS: dict[str, Callable[[], object]] = {
    "audit_record": lambda: audit_record(
        AuditAction.PROGRAM_REGISTERED, subject=PROGRAM, actor="test"
    ),
    "designation_append": lambda: rule_versions.designation_append(**DESIGNATION),
    "amendment_append": lambda: rule_versions.amendment_append(**AMENDMENT),
    "withdrawal_append": lambda: rule_versions.withdrawal_append(**WITHDRAWAL),
    "correction_append": lambda: rule_versions.correction_append(**CORRECTION),
    "rule_version_mirror": lambda: mirroring.rule_version_mirror(RuleVersion(), author=WHO),
    "directive_record": lambda: reciprocity_services.directive_record(**DIRECTIVE),
    "report_store": lambda: report_store(
        RecordKind.ADMISSION, ADMISSION, sender="s", record_id="1", actor="t"
    ),
    "decisions_insert": lambda: decisions_insert(
        run_id=1, chunk=1, as_of=D(2030, 1, 1), after=0, upto=1
    ),
    "decided_bonds_move": lambda: decided_bonds_move(
        run_id=1, chunk=1, decision=Decision.CANCEL, state="cancelled", at=clock.now()
    ),
    "decided_flags_insert": lambda: decided_flags_insert(run_id=1, chunk=1, at=clock.now()),
    "bond_events_record_many": lambda: bond_events_record_many(
        BondEvent.CANCEL, [], before=BondState.ACTIVE, actor="t"
    ),
    "ledger_post_many": lambda: ledger_post_many([], actor="t"),
    "adjudications_open_many": lambda: adjudications_open_many([], actor="t"),
    "notices_send_many": lambda: notices_send_many([]),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", sorted(STEPS))
def test_a_step_refuses_to_run_outside_its_callers_transaction(name: str) -> None:
    """A step called on its own would commit its writes apart from the decision."""
    with pytest.raises(TransactionManagementError, match="caller's transaction"):
        STEPS[name]()
    assert AuditEvent.objects.count() == 0
