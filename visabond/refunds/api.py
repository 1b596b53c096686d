"""Refunds over the JSON API, for finance: every refund with its transfers, and a payment
return sent to another account after the bank sent it back.

Thin handlers over `selectors` and `services`; roles are checked by each route's
authentication before the body is read (`RoleSession`); writes need Django's CSRF token.
"""

from __future__ import annotations

from dataclasses import asdict

from django.http import HttpRequest
from ninja import Router, Schema

from visabond.accounts.api_auth import RoleSession
from visabond.accounts.roles import Role
from visabond.policy.schemas import ErrorOut
from visabond.refunds import selectors, services
from visabond.refunds.bank_accounts import BankAccount
from visabond.refunds.models import Refund
from visabond.refunds.schemas import PayeeChangeIn, RefundOut

ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}
FINANCE = RoleSession(Role.FINANCE_OFFICER)
FINANCE_READS = RoleSession(Role.FINANCE_OFFICER, Role.AUDITOR)

router = Router(tags=["refunds"])


def account_json(account: BankAccount) -> dict[str, str]:
    """An account as the API shows it (`AccountOut`)."""
    return {
        "holder_name": account.holder_name,
        "country": account.country,
        "account": account.account_label,
        "bank": account.bank_label,
    }


def refund_json(refund: Refund) -> dict[str, object]:
    """A refund as the API shows it (`RefundOut`); a row of `selectors.refunds_listed`."""
    returned = refund.kind == Refund.Kind.PAYMENT_RETURN
    return {
        "number": refund.number,
        "kind": refund.kind,
        "bond": None if refund.bond is None else refund.bond.number,
        "payment": refund.payment_reference if returned else None,
        "amount": refund.money.as_string(),
        "currency": refund.currency,
        "state": selectors.refund_state_shown(refund),
        "payee": account_json(BankAccount.from_json(refund.payee)) if returned else None,
        "reason": refund.reason,
        "opened_at": refund.opened_at,
        "paid_at": refund.paid_at,
        "transfers": [asdict(selectors.transfer_view(t)) for t in refund.transfers.all()],
    }


@router.get("", auth=FINANCE_READS, response={200: list[RefundOut], **ERRORS})
def refunds_list(request: HttpRequest, state: str = "") -> list[dict[str, object]]:
    """Every refund, newest first (or those `due`, `sent`, `paid`), with every transfer: a
    rejected one with the bank's reason. A cancelled bond's refund is listed from the first
    batch after its cancellation."""
    return [refund_json(r) for r in selectors.refunds_listed(state=state)[:500]]


@router.post("/{number}/payee", auth=FINANCE, response={200: RefundOut, **ERRORS})
def refund_payee_change(
    request: HttpRequest, number: str, data: PayeeChangeIn
) -> dict[str, object]:
    """Pay a payment return, while it is due, to another account (checked first: 422 naming
    the field); a bond's refund goes to the account its obligor records (409)."""
    changed = services.refund_payee_change(
        refund_number=number,
        payee=data.checked(),
        reason=data.reason,
        actor=request.user,  # type: ignore[arg-type]
    )
    return refund_json(selectors.refunds_listed().get(pk=changed.pk))
