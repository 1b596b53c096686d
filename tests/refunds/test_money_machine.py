"""Random sequences of casework, bond decisions, refund batches and the bank's answers
(duplicated, out of order, rejected): money is never created, lost or moved twice, and
`ledger verify` holds after every step.

A hypothesis state machine drives the real services against a plain model of what each bond
and each transfer should be; the model knows the rules as the program states them (docs), not
as the code computes them. Each example runs in a savepoint rolled back at its end, marked as
Django's test cases mark theirs so that the entry points' durable transactions run inside it:
every example starts from the same database, as hypothesis needs to replay and shrink.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tests.casework_world import (
    World,
    directed_case,
    ledger_holds,
    officer_at,
    pay,
    person,
    td3,
)
from tests.conftest import usd
from tests.refunds_world import (
    account_for,
    end_to_end_ids,
    escrow_usd,
    return_payment,
    status_report,
    unapplied_receipt,
)
from visabond.accounts.models import User
from visabond.accounts.roles import Role
from visabond.bonds.lifecycle import BreachGround, CancelReason
from visabond.bonds.models import Bond
from visabond.bonds.services import (
    bond_cancel,
    bond_confirm_breach,
    bond_forfeit,
    bond_reopen,
    bond_suspect_breach,
)
from visabond.casework.services import case_issue_visa, case_lapse_overdue, case_refuse
from visabond.core.errors import Conflict
from visabond.ledger.models import LedgerTransaction
from visabond.ledger.postings import Account
from visabond.ledger.selectors import account_balances
from visabond.refunds.confirmation_services import refund_confirmation_import
from visabond.refunds.models import RefundTransfer
from visabond.refunds.services import refund_batch_create

pytestmark = pytest.mark.usefixtures("pilot")

BOND = Decimal("10000.00")
RETURN = Decimal("250.00")
_numbers = itertools.count(1)
OFFICER = "officer-lilongwe"

# What each decision may start from, as the program's terms state it (docs/casework-and-money.md).
MAY = {
    "cancel": {"posted", "active", "breach_suspected", "breached"},
    "suspect": {"active"},
    "confirm_breach": {"breach_suspected"},
    "forfeit": {"breached"},
    "reopen": {"breached", "forfeited"},
}
AFTER = {
    "cancel": "cancelled",
    "suspect": "breach_suspected",
    "confirm_breach": "breached",
    "forfeit": "forfeited",
    "reopen": "breach_suspected",
}


def usd_balance(account: Account) -> Decimal:
    return account_balances().get((account, "USD"), Decimal(0))


class MoneyMachine(RuleBasedStateMachine):
    """The model: each bond's state, each case's reference, each transfer's outcome."""

    def __init__(self) -> None:
        super().__init__()
        self._example = transaction.atomic()
        self._example._from_testcase = True  # durable entry points may run inside it
        self._example.__enter__()
        self.bonds: dict[str, str] = {}
        self.cases: dict[str, str] = {}
        self.returns: dict[str, str] = {}  # refund number -> "due" | "paid"
        self.transfers: dict[str, str] = {}  # end-to-end id -> sent | paid | rejected
        self.reports: list[bytes] = []
        self.received = Decimal(0)
        self.paid_out = Decimal(0)
        self.start = {a: usd_balance(a) for a in Account}
        self.refund_postings = LedgerTransaction.objects.filter(kind="refund_paid").count()

    @initialize()
    def people(self) -> None:
        self.officer = User.objects.get(username=OFFICER)

    # -- casework --------------------------------------------------------------------------

    @rule(stage=st.sampled_from(["directed", "posted", "active", "cancelled"]))
    def open_case(self, stage: str) -> None:
        """A new case taken to `stage` through the services (so deep states come quickly)."""
        serial = next(_numbers)
        applicant = person(f"obligor-{serial}", Role.APPLICANT)
        passport = f"MM{serial:07d}"
        case = directed_case(
            World(applicant=applicant, officer=self.officer),
            passport_mrz=td3(number=passport),
            passport_number=passport,
        )
        account_for(applicant)
        number = case.bond.number
        self.bonds[number] = "directed"
        self.cases[number] = case.reference
        if stage != "directed":
            self._pay(number)
        if stage == "active":
            self._issue(number)
        if stage == "cancelled":
            self._refuse(number)

    @precondition(lambda self: self._in("directed"))
    @rule(data=st.data())
    def pay_bond(self, data: st.DataObject) -> None:
        self._pay(data.draw(st.sampled_from(self._in("directed"))))

    def _pay(self, number: str) -> None:
        pay(Bond.objects.get(number=number), payment=f"pay-{number}")
        self.bonds[number] = "posted"
        self.received += BOND

    @precondition(lambda self: self._in("posted"))
    @rule(data=st.data())
    def issue_visa(self, data: st.DataObject) -> None:
        self._issue(data.draw(st.sampled_from(self._in("posted"))))

    def _issue(self, number: str) -> None:
        case_issue_visa(reference=self.cases[number], actor=self.officer)
        self.bonds[number] = "active"

    @precondition(lambda self: self._in("directed"))
    @rule()
    def lapse_unpaid(self) -> None:
        case_lapse_overdue(as_of=dt.date(2026, 12, 31), actor="visabond casework lapse")
        for number in self._in("directed"):
            self.bonds[number] = "lapsed"

    @precondition(lambda self: self._in("directed", "posted"))
    @rule(data=st.data())
    def refuse_visa(self, data: st.DataObject) -> None:
        self._refuse(data.draw(st.sampled_from(self._in("directed", "posted"))))

    def _refuse(self, number: str) -> None:
        case_refuse(reference=self.cases[number], explanation="refused", actor=self.officer)
        self.bonds[number] = "lapsed" if self.bonds[number] == "directed" else "cancelled"

    # -- the bond's decisions, allowed or not ------------------------------------------------

    @precondition(lambda self: self.bonds)
    @rule(data=st.data(), decision=st.sampled_from(sorted(MAY)))
    def decide(self, data: st.DataObject, decision: str) -> None:
        number = data.draw(st.sampled_from(sorted(self.bonds)))
        before = self.bonds[number]
        postings = LedgerTransaction.objects.count()
        if before not in MAY[decision]:
            with pytest.raises(Conflict, match=f"the bond is {before}") as refused:
                self._apply(decision, number)
            assert refused.value.code == "bond_state"
            assert LedgerTransaction.objects.count() == postings
            return
        self._apply(decision, number)
        self.bonds[number] = AFTER[decision]

    def _apply(self, decision: str, number: str) -> None:
        actor = "adjudicator"
        if decision == "cancel":
            bond_cancel(
                bond_number=number, reason=CancelReason.DEPARTED_ON_TIME, note="", actor=actor
            )
        elif decision == "suspect":
            bond_suspect_breach(
                bond_number=number, ground=BreachGround.OVERSTAY, evidence="", actor=actor
            )
        elif decision == "confirm_breach":
            bond_confirm_breach(
                bond_number=number, adjudication_reference="ADJ", reason="r", actor=actor
            )
        elif decision == "forfeit":
            bond_forfeit(bond_number=number, adjudication_reference="ADJ", actor=actor)
        else:
            bond_reopen(bond_number=number, reason="contest", actor=actor)

    # -- money back ------------------------------------------------------------------------

    @rule()
    def payment_returned(self) -> None:
        reference = f"PAY-M{next(_numbers)}"
        unapplied_receipt(reference, usd(RETURN))
        refund = return_payment(reference, usd(RETURN))
        self.received += RETURN
        self.returns[refund.number] = "due"

    @rule()
    def batch(self) -> None:
        escrow_usd()
        outcome = refund_batch_create(actor="visabond refunds batch")
        if outcome.batch is not None:
            sent = [t.end_to_end_id for t in outcome.transfers]
            assert end_to_end_ids(outcome.batch.document) == sent
        for item in outcome.transfers:
            assert item.end_to_end_id not in self.transfers, "a transfer sent twice"
            self.transfers[item.end_to_end_id] = "sent"

    @precondition(lambda self: self.transfers)
    @rule(data=st.data(), status=st.sampled_from(["ACSC", "ACCP", "RJCT", "PDNG"]))
    def bank_answers(self, data: st.DataObject, status: str) -> None:
        end_to_end_id = data.draw(st.sampled_from(sorted(self.transfers)))
        transfer = RefundTransfer.objects.select_related("batch", "refund__bond").get(
            end_to_end_id=end_to_end_id
        )
        before = self.transfers[end_to_end_id]
        content = status_report(transfer.batch.document, {end_to_end_id: status})
        outcome = {"ACSC": "paid", "ACCP": "paid", "RJCT": "rejected"}.get(status)
        if outcome is not None and before not in ("sent", outcome):
            with pytest.raises(Conflict) as refused:
                refund_confirmation_import(content=content, name="s.xml", actor="finance")
            assert refused.value.code == "transfer_status_contradicts"
            return
        refund_confirmation_import(content=content, name="s.xml", actor="finance")
        self.reports.append(content)
        if before != "sent" or outcome is None:
            return
        self.transfers[end_to_end_id] = outcome
        if outcome == "paid":
            self.paid_out += transfer.amount
            bond = transfer.refund.bond
            if bond is None:
                self.returns[transfer.refund.number] = "paid"
            else:
                self.bonds[bond.number] = "refunded"

    @precondition(lambda self: self.reports)
    @rule(data=st.data())
    def same_report_again(self, data: st.DataObject) -> None:
        content = data.draw(st.sampled_from(self.reports))
        postings = LedgerTransaction.objects.count()
        outcome = refund_confirmation_import(content=content, name="again.xml", actor="finance")
        assert outcome.already
        assert LedgerTransaction.objects.count() == postings

    # -- what must hold after every step ----------------------------------------------------

    @invariant()
    def ledger_verify_holds(self) -> None:
        assert ledger_holds()

    @invariant()
    def money_is_neither_created_nor_lost(self) -> None:
        def moved(account: Account) -> Decimal:
            return usd_balance(account) - self.start[account]

        held = {"posted", "active", "breach_suspected", "breached"}
        assert moved(Account.ESCROW_CASH) == self.received - self.paid_out
        assert moved(Account.OBLIGOR_LIABILITY) == BOND * len(self._in(*held))
        owed_returns = RETURN * sum(1 for s in self.returns.values() if s == "due")
        owed_bonds = BOND * len(self._in("cancelled"))
        assert moved(Account.REFUNDS_PAYABLE) == owed_bonds + owed_returns
        assert moved(Account.FORFEITED) == BOND * len(self._in("forfeited"))
        assert moved(Account.UNAPPLIED_RECEIPTS) == 0

    @invariant()
    def no_refund_is_paid_twice(self) -> None:
        paid = sum(1 for s in self.transfers.values() if s == "paid")
        count = LedgerTransaction.objects.filter(kind="refund_paid").count()
        assert count - self.refund_postings == paid

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._example.__exit__(None, None, None)

    def _in(self, *states: str) -> list[str]:
        return sorted(n for n, s in self.bonds.items() if s in states)


def test_money_is_never_created_lost_or_moved_twice() -> None:
    officer_at("lilongwe", OFFICER)
    run_state_machine_as_test(
        MoneyMachine,
        settings=settings(
            max_examples=10,
            stateful_step_count=18,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
