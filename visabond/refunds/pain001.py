"""The outbound refund file: an ISO 20022 pain.001.001.09 Customer Credit Transfer Initiation.

Plain Python, no Django. Why pain.001 rather than a CSV: it is what banks take for bulk
transfers (SEPA and the cross-border CBPR+ practice both build on it), it names each transfer
with an end-to-end id that the bank's status report (pain.002) sends back, and it has a
published schema, so a file is checked before it leaves: a CSV has no standard layout, no
schema and no way back.

The document is built with the standard library's `xml.etree` and validated against the ISO
schema with `xmlschema`. The schema file is the ISO generic pain.001.001.09 XSD that the
`sepaxml` package ships (sepaxml/schemas/pain.001.001.09.xsd): we depend on that package for
the file, rather than copying it here, so the schema comes from a maintained distribution with
its own licence and provenance, and a corrected edition arrives with an upgrade.

Text goes out in the restricted Latin character set banks accept in ISO 20022 payment messages
(the SWIFT "x" set: a-z A-Z 0-9 / - ? : ( ) . , ' + and space): accents are dropped and any
other character becomes a space, because a bank may reject a whole file for one name.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources
from xml.etree import ElementTree as ET

import xmlschema

from visabond.core.errors import InvalidInput
from visabond.core.money import Money
from visabond.refunds.bank_accounts import BankAccount

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
SCHEMA_FILE = "pain.001.001.09.xsd"
ALLOWED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ")
# "NOTPROVIDED" is the EPC's convention for an agent identified by the IBAN alone.
NOT_PROVIDED = "NOTPROVIDED"
# The program bears the charges (DEBT): the obligor is owed the whole bond, not the bond less
# the banks' fees, so the refund arrives in full (Form I-352: the bond is returned).
CHARGE_BEARER = "DEBT"


@dataclass(frozen=True, slots=True)
class CreditTransfer:
    """One refund: how much, to whom, and the id the bank reports it back under."""

    end_to_end_id: str  # Max35Text, unique per attempt
    amount: Money
    creditor: BankAccount
    remittance: str  # what the obligor reads on their statement


@dataclass(frozen=True, slots=True)
class PaymentBlock:
    """The transfers paid from one account on one day (a PmtInf block), all in its currency."""

    payment_information_id: str
    debtor: BankAccount
    currency: str
    execution_date: dt.date
    transfers: tuple[CreditTransfer, ...]


@dataclass(frozen=True, slots=True)
class Initiation:
    """A whole pain.001 message."""

    message_id: str
    created_at: dt.datetime
    initiating_party: str
    blocks: tuple[PaymentBlock, ...]


def bank_text(text: str, limit: int) -> str:
    """`text` in the banks' restricted Latin set, at most `limit` characters ("São" -> "Sao")."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    kept = "".join(c if c in ALLOWED else " " for c in bare)
    return " ".join(kept.split())[:limit].rstrip()


def pain001_document(initiation: Initiation) -> bytes:
    """The UTF-8 XML of `initiation`, validated against the ISO pain.001.001.09 schema.

    Raises `InvalidInput` (`pain001_invalid`, field `document`) naming the element at fault
    when the document does not validate (it cannot leave: a bank rejects the whole file),
    and `InvalidInput` (`currency_mismatch`) for a transfer in another currency than its block.
    """
    root = ET.Element("Document", xmlns=NAMESPACE)
    initiation_element = ET.SubElement(root, "CstmrCdtTrfInitn")
    header = ET.SubElement(initiation_element, "GrpHdr")
    _text(header, "MsgId", initiation.message_id)
    _text(header, "CreDtTm", _moment(initiation.created_at))
    transfers = [t for block in initiation.blocks for t in block.transfers]
    _text(header, "NbOfTxs", str(len(transfers)))
    _text(header, "CtrlSum", _control_sum(transfers))
    _text(ET.SubElement(header, "InitgPty"), "Nm", bank_text(initiation.initiating_party, 140))
    for block in initiation.blocks:
        _payment_block(initiation_element, block)
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    pain001_validate(document)
    return document


def pain001_validate(document: bytes) -> None:
    """Validate a document against the ISO pain.001.001.09 schema; `InvalidInput` if not."""
    error = next(iter(_schema().iter_errors(document.decode("utf-8"))), None)
    if error is not None:
        raise InvalidInput(
            f"the refund file does not follow ISO 20022 pain.001.001.09 at {error.path}: "
            f"{error.reason}",
            code="pain001_invalid",
            field="document",
        )


@cache
def _schema() -> xmlschema.XMLSchema:
    path = resources.files("sepaxml") / "schemas" / SCHEMA_FILE
    return xmlschema.XMLSchema(str(path))


def _payment_block(parent: ET.Element, block: PaymentBlock) -> None:
    element = ET.SubElement(parent, "PmtInf")
    _text(element, "PmtInfId", block.payment_information_id)
    _text(element, "PmtMtd", "TRF")
    _text(element, "NbOfTxs", str(len(block.transfers)))
    _text(element, "CtrlSum", _control_sum(block.transfers))
    _text(ET.SubElement(element, "ReqdExctnDt"), "Dt", block.execution_date.isoformat())
    _party(element, "Dbtr", block.debtor)
    account = _account(element, "DbtrAcct", block.debtor)
    _text(account, "Ccy", block.currency)
    _agent(element, "DbtrAgt", block.debtor)
    _text(element, "ChrgBr", CHARGE_BEARER)
    for transfer in block.transfers:
        if transfer.amount.currency != block.currency:
            raise InvalidInput(
                f"transfer {transfer.end_to_end_id} is in {transfer.amount.currency}, "
                f"its block pays {block.currency}",
                code="currency_mismatch",
                field="currency",
            )
        _transfer(element, transfer)


def _transfer(parent: ET.Element, transfer: CreditTransfer) -> None:
    element = ET.SubElement(parent, "CdtTrfTxInf")
    _text(ET.SubElement(element, "PmtId"), "EndToEndId", transfer.end_to_end_id)
    amount = _text(ET.SubElement(element, "Amt"), "InstdAmt", transfer.amount.as_string())
    amount.set("Ccy", transfer.amount.currency)
    _agent(element, "CdtrAgt", transfer.creditor)
    _party(element, "Cdtr", transfer.creditor)
    _account(element, "CdtrAcct", transfer.creditor)
    _text(ET.SubElement(element, "RmtInf"), "Ustrd", bank_text(transfer.remittance, 140))


def _party(parent: ET.Element, tag: str, account: BankAccount) -> None:
    party = ET.SubElement(parent, tag)
    _text(party, "Nm", bank_text(account.holder_name, 140))
    _text(ET.SubElement(party, "PstlAdr"), "Ctry", account.country)


def _account(parent: ET.Element, tag: str, account: BankAccount) -> ET.Element:
    element = ET.SubElement(parent, tag)
    identification = ET.SubElement(element, "Id")
    if account.iban:
        _text(identification, "IBAN", account.iban)
    else:
        _text(ET.SubElement(identification, "Othr"), "Id", account.account_number)
    return element


def _agent(parent: ET.Element, tag: str, account: BankAccount) -> None:
    institution = ET.SubElement(ET.SubElement(parent, tag), "FinInstnId")
    if account.bic:
        _text(institution, "BICFI", account.bic)
    elif account.routing_number:
        member = ET.SubElement(institution, "ClrSysMmbId")
        _text(ET.SubElement(member, "ClrSysId"), "Cd", account.clearing_system)
        _text(member, "MmbId", account.routing_number)
    else:
        _text(ET.SubElement(institution, "Othr"), "Id", NOT_PROVIDED)


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = value
    return element


def _control_sum(transfers: tuple[CreditTransfer, ...] | list[CreditTransfer]) -> str:
    # ISO 20022 CtrlSum: the plain sum of the amounts, whatever their currencies.
    return str(sum((t.amount.amount for t in transfers), Decimal(0)))


def _moment(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")
