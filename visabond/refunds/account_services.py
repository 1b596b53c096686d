"""Writes of the accounts refunds go to and come from: the obligor's, and the program's escrow.

Entry points (docs/writes.md). Each account is checked by `bank_accounts.bank_account` (IBAN
check digits, ISO 13616; BIC, ISO 9362; ABA routing check digit) before anything is written,
and every change is an audit entry keeping the account before and after.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from visabond.accounts.roles import Role, require_role_of_actor
from visabond.audit.actors import Actor, actor_user
from visabond.audit.services import AuditAction, audit_record
from visabond.core.errors import PermissionDenied
from visabond.core.money import validate_currency
from visabond.refunds.bank_accounts import bank_account
from visabond.refunds.models import EscrowAccount, RefundAccount


def refund_account_record(
    *,
    obligor: AbstractBaseUser,
    holder_name: str,
    country: str,
    iban: str = "",
    account_number: str = "",
    bic: str = "",
    routing_number: str = "",
    actor: Actor,
) -> RefundAccount:
    """Record (or replace) the account an obligor's refunds are paid to.

    An entry point. Only the obligor records their own account (`PermissionDenied`,
    `not_your_account`, otherwise): the money is theirs. A transfer already sent keeps the
    account it was sent to; the next batch uses the new one, so an obligor whose refund was
    rejected (a closed account, AC04) mends it here. Raises `InvalidInput` naming the field
    and the rule (see `bank_accounts.bank_account`).
    """
    user = actor_user(actor)
    if user is None or user.pk != obligor.pk:
        raise PermissionDenied(
            "only the obligor records the account their refund is paid to",
            code="not_your_account",
            field="obligor",
        )
    account = bank_account(
        holder_name=holder_name,
        country=country,
        iban=iban,
        account_number=account_number,
        bic=bic,
        routing_number=routing_number,
    )
    with transaction.atomic(durable=True):
        row = RefundAccount.objects.select_for_update().filter(obligor_id=obligor.pk).first()
        before = None if row is None else row.bank_account().to_json()
        row = row or RefundAccount(obligor_id=obligor.pk)
        row.set_bank_account(account)
        row.save()
        audit_record(
            AuditAction.REFUND_ACCOUNT_RECORDED,
            subject=row,
            actor=actor,
            details={"before": before, "after": account.to_json()},
        )
    return row


def escrow_account_record(
    *,
    currency: str,
    holder_name: str,
    country: str,
    iban: str = "",
    account_number: str = "",
    bic: str = "",
    routing_number: str = "",
    actor: Actor,
) -> EscrowAccount:
    """Record (or replace) the program's account in `currency` that refunds are paid from.

    An entry point for a finance officer (or an operator's process). Raises
    `PermissionDenied` for another role, `InvalidInput` for an unknown currency or an account
    that fails its checks.
    """
    require_role_of_actor(actor, Role.FINANCE_OFFICER)
    code = validate_currency(currency)
    account = bank_account(
        holder_name=holder_name,
        country=country,
        iban=iban,
        account_number=account_number,
        bic=bic,
        routing_number=routing_number,
    )
    with transaction.atomic(durable=True):
        row = EscrowAccount.objects.select_for_update().filter(currency=code).first()
        before = None if row is None else row.bank_account().to_json()
        row = row or EscrowAccount(currency=code)
        row.set_bank_account(account)
        row.save()
        audit_record(
            AuditAction.ESCROW_ACCOUNT_RECORDED,
            subject=row,
            actor=actor,
            details={"currency": code, "before": before, "after": account.to_json()},
        )
    return row
