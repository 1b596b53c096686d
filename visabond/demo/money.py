"""The DEMO's money, through the real entry points: bonds paid at the cashier's desk or by the
payment provider's signed message, payments finance has to decide, a payment returned to its
payer, refund accounts, and a refund batch sent to the bank.

The payment provider and the bank are outside the system. The demo plays the provider with a
signing secret of its own, which it revokes once the stories are told (nothing signed with it
is taken afterwards); it plays no bank, so the refunds it sends stay sent until a finance
officer imports a bank's status report (`visabond refunds confirm`).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass, field

from visabond.accounts.models import User
from visabond.bonds.models import Bond
from visabond.core import clock
from visabond.core.money import Money
from visabond.payments.secret_services import webhook_secret_add, webhook_secret_revoke
from visabond.payments.services import Receipt, payment_return, receipt_record
from visabond.payments.signatures import SignedHeaders, expected_signature, secret_key
from visabond.payments.webhook_services import webhook_receive
from visabond.refunds.account_services import escrow_account_record, refund_account_record
from visabond.refunds.bank_accounts import bank_account
from visabond.refunds.services import refund_batch_create

DEMO = "visabond demo"
# The post whose DEMO cashier takes payments at the desk; elsewhere the provider confirms them.
CASHIER_POST = "lilongwe"
CASHIER = "demo-cashier-lilongwe"
FINANCE = "demo-finance"


@dataclass
class DemoProvider:
    """The payment provider as the demo plays it: each payment a message signed with a
    secret of its own (Standard Webhooks), sent to the real webhook entry point."""

    secret_id: int
    secret: str
    sent: int = field(default=0)

    @classmethod
    def open(cls) -> DemoProvider:
        row, secret = webhook_secret_add(label="DEMO payment provider", actor=DEMO)
        return cls(secret_id=row.pk, secret=secret)

    def close(self) -> None:
        webhook_secret_revoke(secret_id=self.secret_id, actor=DEMO)

    def pay(self, paid: Money, *, reference: str, payer: str) -> str:
        """The provider confirms `paid` naming `reference`, now; the payment's number."""
        self.sent += 1
        now = clock.now()
        body = json.dumps(
            {
                "type": "payment.succeeded",
                "timestamp": now.isoformat(),
                "data": {
                    "payment_id": f"DEMO-PAY-{self.sent}",
                    "amount": paid.as_string(),
                    "currency": paid.currency,
                    "reference": reference,
                    "paid_at": now.isoformat(),
                    "payer": {"name": payer},
                },
            }
        ).encode()
        # A provider signs with the real time, whatever day the demonstration lives on.
        signed = SignedHeaders(f"demo-msg-{self.sent}", int(clock.wall_now().timestamp()), ())
        signature = expected_signature(secret_key(self.secret), signed, body)
        answer = webhook_receive(
            headers={
                "webhook-id": signed.webhook_id,
                "webhook-timestamp": str(signed.timestamp),
                "webhook-signature": "v1," + base64.b64encode(signature).decode(),
            },
            body=body,
        )
        if answer.status != 200:
            raise RuntimeError(f"the demo's payment was refused: {answer.body}")
        return str(answer.body["payment"])


def bond_paid(bond: Bond, *, post: str, users: dict[str, User], provider: DemoProvider) -> None:
    """The directed sum paid: at the cashier's desk at the cashier's post, else online."""
    if post == CASHIER_POST:
        receipt_record(
            receipt=Receipt(
                receipt_number=f"DEMO-{bond.number}",
                paid=bond.money,
                case_reference=bond.case.reference,
                payer_name=bond.obligor_name,
            ),
            actor=users[CASHIER],
        )
    else:
        provider.pay(bond.money, reference=bond.number, payer=bond.obligor_name)


def money_stories(
    *,
    users: dict[str, User],
    provider: DemoProvider,
    directed: list[Bond],
    refund_owed_to: User | None,
    today: dt.datetime,
) -> None:
    """After the cases: payments finance decides, a return to a payer, and a refund batch.

    `directed` are bonds still awaiting payment (some are paid short); `refund_owed_to` an
    applicant whose bond was cancelled, who records the account the refund goes to.
    """
    finance = users[FINANCE]
    with clock.frozen(today - dt.timedelta(days=3)):
        escrow_account_record(
            currency="USD",
            holder_name="DEMO Visa Bond Escrow",
            country="US",
            account_number="900000000001",
            routing_number="021000021",
            actor=finance,
        )
        if refund_owed_to is not None:
            refund_account_record(
                obligor=refund_owed_to,
                holder_name="Aminata Diop (DEMO)",
                country="SN",
                account_number="0152000048500003035",
                bic="CBAOSNDA",
                actor=refund_owed_to,
            )
    with clock.frozen(today - dt.timedelta(days=1, hours=6)):
        # Paid short, naming each bond: quarantined for finance.
        short = [
            provider.pay(
                Money.of("9000", bond.currency), reference=bond.number, payer=bond.obligor_name
            )
            for bond in directed[:2]
        ]
        # Paid without naming a bond: unapplied, kept under the program's rule.
        provider.pay(Money.of("250", "USD"), reference="", payer="DEMO unknown payer")
    if short:
        with clock.frozen(today - dt.timedelta(days=1, hours=2)):
            payment_return(
                payment_number=short[0],
                payee=bank_account(
                    holder_name="DEMO Payer", country="GB", iban="GB82WEST12345698765432"
                ),
                reason="DEMO: paid short; the payer asked for the money back",
                actor=finance,
            )
    with clock.frozen(today - dt.timedelta(days=1)):
        refund_batch_create(actor=finance)
