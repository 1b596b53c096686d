"""A cashier's receipts at the post and finance's decisions on quarantined and unapplied money:
the right sum posts the bond once; anything else is refused naming the field, or decided by
finance with a reason; every decision is audited and the ledger holds after each."""

from __future__ import annotations

import pytest

from tests.casework_world import directed_case, ledger_holds, officer_at, person, world
from tests.payments.conftest import cashier_at
from tests.payments.provider import confirmation, signed
from visabond.accounts.models import User
from visabond.accounts.roles import Role
from visabond.audit.models import AuditEvent
from visabond.bonds.lifecycle import BondState
from visabond.casework.models import Case
from visabond.casework.rules import CaseState
from visabond.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from visabond.core.money import Money
from visabond.ledger.models import LedgerTransaction
from visabond.ledger.postings import Account
from visabond.ledger.selectors import account_balances
from visabond.payments.models import Payment, PaymentReturn, RefusedAttempt
from visabond.payments.selectors import payment_returns_requested, payments_awaiting_finance
from visabond.payments.services import Receipt, payment_apply, payment_return, receipt_record
from visabond.payments.webhook_services import webhook_receive

pytestmark = pytest.mark.usefixtures("pilot")

TEN = Money.of("10000", "USD")


def receipt(case: Case, number: str = "R-0001", paid: Money = TEN) -> Receipt:
    return Receipt(
        receipt_number=number, paid=paid, case_reference=case.reference, payer_name="Grace Banda"
    )


def state() -> tuple[int, int, int]:
    return (Payment.objects.count(), LedgerTransaction.objects.count(), AuditEvent.objects.count())


def test_a_cashier_records_the_directed_sum_and_the_bond_is_posted() -> None:
    case = directed_case(world())
    recorded = receipt_record(receipt=receipt(case), actor=cashier_at("lilongwe"))
    assert recorded.created
    assert (recorded.payment.disposition, recorded.payment.post.code) == ("applied", "lilongwe")  # type: ignore[union-attr]
    case.refresh_from_db()
    assert case.state == CaseState.BOND_POSTED
    assert ledger_holds()


def test_the_same_receipt_twice_is_recorded_once() -> None:
    case = directed_case(world())
    cashier = cashier_at("lilongwe")
    first = receipt_record(receipt=receipt(case), actor=cashier)
    before = state()
    again = receipt_record(receipt=receipt(case), actor=cashier)
    assert (again.created, again.payment.pk) == (False, first.payment.pk)
    assert state() == before


@pytest.mark.parametrize(
    "change",
    [{"paid": Money.of("5000", "USD")}, {"other_case": True}],
)
def test_the_same_receipt_number_with_another_amount_or_case_is_refused_and_recorded(
    change: dict[str, object],
) -> None:
    people = world()
    case = directed_case(people)
    cashier = cashier_at("lilongwe")
    receipt_record(receipt=receipt(case), actor=cashier)
    before = state()
    if change.get("other_case"):
        other = directed_case(people, purpose="Another trip")
        attempt = receipt(other)
    else:
        attempt = receipt(case, paid=change["paid"])  # type: ignore[arg-type]
    with pytest.raises(Conflict) as refused:
        receipt_record(receipt=attempt, actor=cashier)
    assert (refused.value.code, refused.value.field) == ("receipt_number_reused", "receipt_number")
    assert state()[:2] == before[:2]
    kept = RefusedAttempt.objects.get()
    assert (kept.code, kept.external_id, kept.actor_name) == (
        "receipt_number_reused",
        "R-0001",
        cashier.username,
    )
    assert AuditEvent.objects.filter(action="payment.refused").count() == 1


@pytest.mark.parametrize(
    ("paid", "code", "field"),
    [
        (Money.of("9999.99", "USD"), "amount_mismatch", "amount"),
        (Money.of("10000", "EUR"), "currency_mismatch", "currency"),
    ],
)
def test_a_cashier_takes_only_the_directed_sum_in_the_rules_currency(
    paid: Money, code: str, field: str
) -> None:
    case = directed_case(world())
    before = state()
    with pytest.raises(InvalidInput) as refused:
        receipt_record(receipt=receipt(case, paid=paid), actor=cashier_at("lilongwe"))
    assert (refused.value.code, refused.value.field) == (code, field)
    assert state()[:2] == before[:2]
    case.bond.refresh_from_db()
    assert case.bond.state == BondState.DIRECTED


def test_a_cashier_sees_only_their_posts_cases() -> None:
    case = directed_case(world())
    elsewhere = cashier_at("lusaka")
    with pytest.raises(NotFound) as refused:
        receipt_record(receipt=receipt(case), actor=elsewhere)
    assert (refused.value.code, refused.value.field) == ("case_not_found", "case_reference")
    assert not Payment.objects.exists()


@pytest.mark.parametrize("who", ["consular officer", "cashier without a post"])
def test_only_a_cashier_at_a_post_records_receipts(who: str) -> None:
    case = directed_case(world())
    actor: User = (
        officer_at("lilongwe", "another-officer")
        if who == "consular officer"
        else person("loose-cashier", Role.CASHIER)
    )
    with pytest.raises(PermissionDenied):
        receipt_record(receipt=receipt(case), actor=actor)
    assert not Payment.objects.exists()


def test_a_receipt_for_a_bond_already_posted_is_refused_naming_its_state() -> None:
    case = directed_case(world())
    cashier = cashier_at("lilongwe")
    receipt_record(receipt=receipt(case), actor=cashier)
    with pytest.raises(Conflict) as refused:
        receipt_record(receipt=receipt(case, number="R-0002"), actor=cashier)
    assert (refused.value.code, refused.value.field) == ("bond_state", "case_reference")
    assert "posted" in refused.value.message


def quarantined(secret: str, case: Case, **change: str) -> Payment:
    message = signed(confirmation(reference=case.bond.number, **change), secrets=[secret])
    answer = webhook_receive(headers=message.headers, body=message.body)
    return Payment.objects.get(number=answer.body["payment"])


def test_finance_applies_quarantined_money_to_a_case_directed_for_that_sum(
    secret: str, finance: User
) -> None:
    people = world()
    paid_for = directed_case(people)
    payment = quarantined(secret, paid_for, case_reference="C-0000-0000")
    assert payment.disposition == "quarantined"
    applied = payment_apply(
        payment_number=payment.number,
        case_reference=paid_for.reference,
        reason="payer named a wrong case; bank slip shows this one",
        actor=finance,
    )
    assert applied.disposition == "applied"
    paid_for.refresh_from_db()
    assert paid_for.state == CaseState.BOND_POSTED
    transaction = LedgerTransaction.objects.get(key=f"bond:{paid_for.bond.number}:post")
    assert transaction.kind == "unapplied_applied"
    assert account_balances().get((Account.UNAPPLIED_RECEIPTS, "USD"), 0) == 0
    entry = AuditEvent.objects.get(action="payment.applied")
    assert entry.details["decision_reason"].startswith("payer named")
    assert ledger_holds()


@pytest.mark.parametrize(
    ("change", "code", "field"),
    [
        ({"amount": "9000.00"}, "amount_mismatch", "amount"),
        ({"currency": "EUR"}, "currency_mismatch", "currency"),
    ],
)
def test_finance_cannot_apply_money_that_does_not_match_the_direction(
    secret: str, finance: User, change: dict[str, str], code: str, field: str
) -> None:
    case = directed_case(world())
    payment = quarantined(secret, case, **change)
    before = state()
    with pytest.raises(InvalidInput) as refused:
        payment_apply(
            payment_number=payment.number,
            case_reference=case.reference,
            reason="try",
            actor=finance,
        )
    assert (refused.value.code, refused.value.field) == (code, field)
    assert state() == before
    payment.refresh_from_db()
    assert payment.disposition == "quarantined"


def test_finance_returns_quarantined_money_to_its_payer(secret: str, finance: User) -> None:
    case = directed_case(world())
    payment = quarantined(secret, case, amount="9000.00")
    returned = payment_return(
        payment_number=payment.number, reason="short payment: return it", actor=finance
    )
    assert (returned.money, returned.payee_name, returned.exception) == (
        Money.of("9000", "USD"),
        "Grace Banda",
        False,
    )
    payment.refresh_from_db()
    assert payment.disposition == "returned"
    balances = account_balances()
    assert balances[(Account.REFUNDS_PAYABLE, "USD")] == 9000
    assert balances.get((Account.UNAPPLIED_RECEIPTS, "USD"), 0) == 0
    assert list(payment_returns_requested()) == [returned]
    assert ledger_holds()
    with pytest.raises(Conflict) as again:
        payment_return(payment_number=payment.number, reason="twice", actor=finance)
    assert again.value.code == "payment_disposition"


def test_unapplied_money_is_kept_unless_finance_records_an_exception(
    secret: str, finance: User
) -> None:
    message = signed(confirmation(reference=""), secrets=[secret])
    number = webhook_receive(headers=message.headers, body=message.body).body["payment"]
    assert [p.number for p in payments_awaiting_finance()] == [number]
    with pytest.raises(Conflict) as kept:
        payment_return(payment_number=number, reason="asked nicely", actor=finance)
    assert (kept.value.code, kept.value.field) == ("unapplied_not_returned", "exception")
    assert not PaymentReturn.objects.exists()
    returned = payment_return(
        payment_number=number, reason="paid twice by mistake", exception=True, actor=finance
    )
    assert returned.exception
    entry = AuditEvent.objects.get(action="payment.returned")
    assert (entry.details["exception"], entry.details["was"]) == (True, "unapplied")
    assert ledger_holds()


def test_finance_decisions_need_a_finance_officer_and_a_reason(secret: str, finance: User) -> None:
    case = directed_case(world())
    payment = quarantined(secret, case, amount="1.00")
    with pytest.raises(PermissionDenied):
        payment_return(payment_number=payment.number, reason="r", actor=cashier_at("lilongwe"))
    with pytest.raises(InvalidInput) as refused:
        payment_return(payment_number=payment.number, reason="  ", actor=finance)
    assert (refused.value.code, refused.value.field) == ("required", "reason")
    with pytest.raises(NotFound):
        payment_apply(payment_number="P-0000-0000", case_reference="C-1", reason="r", actor=finance)


def test_a_cases_payments_are_those_naming_it_or_its_bond_or_applied_to_it(
    secret: str, finance: User
) -> None:
    from visabond.payments.selectors import payments_of_case

    people = world()
    case = directed_case(people)
    other = directed_case(people, purpose="Another trip")
    by_bond = quarantined(secret, case, amount="1.00")
    by_case = signed(confirmation(reference=case.reference, amount="2.00"), secrets=[secret])
    webhook_receive(headers=by_case.headers, body=by_case.body)
    stray = quarantined(secret, other, case_reference="C-0000-0000")
    payment_apply(
        payment_number=stray.number, case_reference=other.reference, reason="r", actor=finance
    )
    quarantined(secret, other, amount="3.00")
    amounts = sorted(str(p.money) for p in payments_of_case(case))
    assert amounts == ["1.00 USD", "2.00 USD"]
    assert by_bond.number in {p.number for p in payments_of_case(case)}
    assert {p.number for p in payments_of_case(other)} >= {stray.number}
    assert len(payments_of_case(other)) == 2
