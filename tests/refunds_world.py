"""Builders for refund tests: accounts, cancelled bonds, and a bank that answers our files.

The bank is outside the system, so it is the one part played here: it reads the pain.001 we
send as a bank would (by its ISO 20022 elements, not through our code) and writes the
pain.002 status report a bank sends back.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from xml.etree import ElementTree as ET

from django.db import transaction

from tests.casework_world import World, directed_case, pay, person, td3
from visabond.accounts.models import User
from visabond.accounts.roles import Role
from visabond.audit.actors import Actor
from visabond.bonds.models import Bond
from visabond.casework.services import case_refuse
from visabond.core.money import Money
from visabond.ledger.postings import TransactionKind, transfer
from visabond.ledger.services import ledger_post
from visabond.refunds.account_services import escrow_account_record, refund_account_record
from visabond.refunds.bank_accounts import BankAccount, bank_account
from visabond.refunds.models import Refund
from visabond.refunds.services import refund_payment_return

PAIN001 = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
PAIN002 = "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"
# Real-format test accounts: the IBAN example of the ISO 13616 registry, a Malawian bank's BIC.
GB_IBAN = "GB82 WEST 1234 5698 7654 32"
_report_numbers = itertools.count(1)


def finance_officer(username: str = "finance") -> User:
    return person(username, Role.FINANCE_OFFICER)


def escrow_usd(actor: Actor = "test setup") -> None:
    """The program's USD account at a US bank (ABA routing number), refunds are paid from."""
    escrow_account_record(
        currency="USD",
        holder_name="US Department of State Visa Bond Escrow",
        country="US",
        account_number="4000123456",
        routing_number="021000021",
        actor=actor,
    )


def account_for(obligor: User) -> None:
    """The obligor records a Malawian account (no IBAN in Malawi: number and BIC)."""
    refund_account_record(
        obligor=obligor,
        holder_name="Grace Banda",
        country="MWI",
        account_number="1002345678",
        bic="NBMAMWMW",
        actor=obligor,
    )


def cancelled_bond(people: World, *, with_account: bool = True, passport: str = "") -> Bond:
    """A posted bond cancelled because the visa was refused after posting: refund due.

    `passport` gives the applicant another passport number, for a second case."""
    changes = (
        {"passport_mrz": td3(number=passport), "passport_number": passport} if passport else {}
    )
    case = directed_case(people, **changes)
    pay(case.bond, payment=f"pay-{case.reference}")
    case_refuse(reference=case.reference, explanation="new information", actor=people.officer)
    bond = Bond.objects.get(pk=case.bond.pk)
    if with_account:
        account_for(people.applicant)
    return bond


def unapplied_receipt(reference: str, amount: Money) -> None:
    """Money received without a direction (what the payments' entry points post)."""
    with transaction.atomic(durable=True):
        ledger_post(
            transfer(TransactionKind.RECEIPT_UNAPPLIED, key=f"payment:{reference}", amount=amount),
            actor="payment provider",
            subject=reference,
        )


def payer_account() -> BankAccount:
    return bank_account(holder_name="John Payer", country="GB", iban=GB_IBAN)


def return_payment(reference: str, amount: Money, *, actor: Actor = "finance") -> Refund:
    """A finance officer returns an unapplied payment (the payments' entry point's part)."""
    with transaction.atomic(durable=True):
        return refund_payment_return(
            payment_reference=reference,
            amount=amount,
            payee=payer_account(),
            reason="paid without a direction; returned as an exception",
            actor=actor,
        )


def end_to_end_ids(document: str) -> list[str]:
    """The transfers of a pain.001 as the bank reads them."""
    root = ET.fromstring(document)
    return [e.text or "" for e in root.iter(f"{{{PAIN001}}}EndToEndId")]


def message_id(document: str) -> str:
    root = ET.fromstring(document)
    found = root.find(f"{{{PAIN001}}}CstmrCdtTrfInitn/{{{PAIN001}}}GrpHdr/{{{PAIN001}}}MsgId")
    assert found is not None
    assert found.text
    return found.text


def status_report(
    document: str,
    statuses: Mapping[str, str | tuple[str, str]],
    *,
    group: str = "",
    original_message_id: str = "",
) -> bytes:
    """The bank's pain.002 for our pain.001 `document`: a status per end-to-end id (a code,
    or a code and a reason code), and optionally one for the whole message."""
    ns = PAIN002
    root = ET.Element("Document", xmlns=ns)
    report = ET.SubElement(root, "CstmrPmtStsRpt")
    header = ET.SubElement(report, "GrpHdr")
    ET.SubElement(header, "MsgId").text = f"BANK-{next(_report_numbers)}"
    ET.SubElement(header, "CreDtTm").text = "2025-09-03T10:00:00"
    original = ET.SubElement(report, "OrgnlGrpInfAndSts")
    ET.SubElement(original, "OrgnlMsgId").text = original_message_id or message_id(document)
    ET.SubElement(original, "OrgnlMsgNmId").text = "pain.001.001.09"
    if group:
        ET.SubElement(original, "GrpSts").text = group
    if statuses:
        block = ET.SubElement(report, "OrgnlPmtInfAndSts")
        ET.SubElement(
            block, "OrgnlPmtInfId"
        ).text = f"{original_message_id or message_id(document)}-USD"
        for end_to_end_id, status in statuses.items():
            code, reason = (status, "") if isinstance(status, str) else status
            item = ET.SubElement(block, "TxInfAndSts")
            ET.SubElement(item, "OrgnlEndToEndId").text = end_to_end_id
            ET.SubElement(item, "TxSts").text = code
            if reason:
                why = ET.SubElement(ET.SubElement(item, "StsRsnInf"), "Rsn")
                ET.SubElement(why, "Cd").text = reason
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document
