"""The JSON shapes of refunds: a bank account as typed, and a refund with its transfers."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from visabond.refunds.bank_accounts import BankAccount, bank_account


class AccountIn(Schema):
    """A bank account as a person types it, checked by `bank_accounts.bank_account`: IBAN
    check digits (ISO 13616), BIC (ISO 9362), ABA routing check digit; an error names the
    field."""

    holder_name: str = Field(..., max_length=140, description="the holder, as the bank has it")
    country: str = Field(
        ..., max_length=60, description="the bank's country: ISO 3166 code or name", examples=["GB"]
    )
    iban: str = Field("", max_length=42, description="the IBAN, where the country has IBANs")
    account_number: str = Field(
        "", max_length=42, description="elsewhere (Malawi, Mali, the US) the account number"
    )
    bic: str = Field("", max_length=11, description="the bank's BIC (ISO 9362)")
    routing_number: str = Field(
        "", max_length=11, description="a US bank's ABA routing number, instead of a BIC"
    )

    def checked(self) -> BankAccount:
        """The account as a transfer names it; `InvalidInput` naming the field typed wrong."""
        return bank_account(
            holder_name=self.holder_name,
            country=self.country,
            iban=self.iban,
            account_number=self.account_number,
            bic=self.bic,
            routing_number=self.routing_number,
        )


class PayeeChangeIn(AccountIn):
    reason: str = Field(..., max_length=2000)


class AccountOut(Schema):
    holder_name: str
    country: str
    account: str = Field(..., description="the IBAN in groups of four, or the account number")
    bank: str = Field(..., description="the BIC, or the clearing system and routing number")


class TransferOut(Schema):
    end_to_end_id: str
    state: str = Field(..., description="sent, paid or rejected")
    sent_at: dt.datetime
    settled_at: dt.datetime | None
    account: str
    reason: str = Field(..., description="a rejection's reason as the bank gave it")


class RefundOut(Schema):
    number: str
    kind: str = Field(..., description="bond, or payment_return")
    bond: str | None
    payment: str | None = Field(None, description="the payment returned (P-...)")
    amount: str
    currency: str
    state: str = Field(..., description="awaiting_account, due, sent or paid")
    payee: AccountOut | None = Field(None, description="a payment return's account")
    reason: str
    opened_at: dt.datetime
    paid_at: dt.datetime | None
    transfers: list[TransferOut]
