"""The refund file is ISO 20022 pain.001.001.09, checked against the ISO schema before it leaves."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

import pytest

from tests.conftest import usd
from visabond.core.errors import InvalidInput
from visabond.core.money import Money
from visabond.refunds.bank_accounts import bank_account
from visabond.refunds.pain001 import (
    NAMESPACE,
    CreditTransfer,
    Initiation,
    PaymentBlock,
    bank_text,
    pain001_document,
    pain001_validate,
)

NS = {"p": NAMESPACE}
ESCROW = bank_account(
    holder_name="US Department of State",
    country="US",
    account_number="4000123456",
    routing_number="021000021",
)
MALAWIAN = bank_account(
    holder_name="Grâce Bända", country="MW", account_number="1002345678", bic="NBMAMWMW"
)
BRITISH = bank_account(holder_name="John Payer", country="GB", iban="GB82WEST12345698765432")


def initiation(*transfers: CreditTransfer, currency: str = "USD") -> Initiation:
    return Initiation(
        message_id="RB-TEST-0001",
        created_at=dt.datetime(2025, 9, 2, 8, 30, tzinfo=dt.UTC),
        initiating_party="US Department of State",
        blocks=(
            PaymentBlock(
                payment_information_id=f"RB-TEST-0001-{currency}",
                debtor=ESCROW,
                currency=currency,
                execution_date=dt.date(2025, 9, 2),
                transfers=transfers,
            ),
        ),
    )


def credit(end_to_end_id: str, amount: Money, creditor: object = MALAWIAN) -> CreditTransfer:
    return CreditTransfer(
        end_to_end_id=end_to_end_id,
        amount=amount,
        creditor=creditor,  # type: ignore[arg-type]
        remittance="Refund of visa bond B-7K3M-Q9TX",
    )


def test_a_batch_names_each_transfer_its_amount_and_the_totals() -> None:
    document = pain001_document(
        initiation(credit("R-A-1", usd("10000")), credit("R-B-2", usd("5000"), BRITISH))
    )
    root = ET.fromstring(document)
    assert root.tag == f"{{{NAMESPACE}}}Document"
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=NS) == "15000.00"
    ids = [e.text for e in root.iterfind(".//p:EndToEndId", NS)]
    assert ids == ["R-A-1", "R-B-2"]
    amounts = [(e.text, e.get("Ccy")) for e in root.iterfind(".//p:InstdAmt", NS)]
    assert amounts == [("10000.00", "USD"), ("5000.00", "USD")]


def test_each_account_is_named_as_the_standard_names_it() -> None:
    root = ET.fromstring(
        pain001_document(initiation(credit("R-A-1", usd(1)), credit("R-B-1", usd(2), BRITISH)))
    )
    block = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert block is not None
    assert (
        block.findtext("p:DbtrAgt/p:FinInstnId/p:ClrSysMmbId/p:ClrSysId/p:Cd", namespaces=NS)
        == "USABA"
    )
    assert block.findtext("p:DbtrAcct/p:Ccy", namespaces=NS) == "USD"
    first, second = block.findall("p:CdtTrfTxInf", NS)
    assert first.findtext("p:CdtrAcct/p:Id/p:Othr/p:Id", namespaces=NS) == "1002345678"
    assert first.findtext("p:CdtrAgt/p:FinInstnId/p:BICFI", namespaces=NS) == "NBMAMWMW"
    assert second.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == "GB82WEST12345698765432"
    assert second.findtext("p:CdtrAgt/p:FinInstnId/p:Othr/p:Id", namespaces=NS) == "NOTPROVIDED"


def test_names_go_out_in_the_banks_latin_character_set() -> None:
    root = ET.fromstring(pain001_document(initiation(credit("R-A-1", usd(1)))))
    assert root.findtext(".//p:Cdtr/p:Nm", namespaces=NS) == "Grace Banda"
    assert bank_text("Ndèye Fatou «N'Diaye» & co", 140) == "Ndeye Fatou N'Diaye co"
    assert bank_text("São Tomé", 4) == "Sao"


def test_a_currency_without_minor_units_is_written_without_decimals() -> None:
    document = pain001_document(
        initiation(credit("R-A-1", Money.of("6000000", "XOF")), currency="XOF")
    )
    assert b'<InstdAmt Ccy="XOF">6000000</InstdAmt>' in document


def test_a_transfer_in_another_currency_than_its_block_is_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        pain001_document(initiation(credit("R-A-1", Money.of("1", "EUR"))))
    assert (refused.value.code, refused.value.field) == ("currency_mismatch", "currency")


def test_an_end_to_end_id_longer_than_the_standard_allows_fails_the_schema() -> None:
    with pytest.raises(InvalidInput) as refused:
        pain001_document(initiation(credit("R-" + "X" * 40, usd(1))))
    assert refused.value.code == "pain001_invalid"
    assert "EndToEndId" in refused.value.message


def test_a_document_edited_against_the_schema_is_refused_naming_where() -> None:
    document = pain001_document(initiation(credit("R-A-1", usd(1))))
    with pytest.raises(InvalidInput) as refused:
        pain001_validate(document.replace(b"<PmtMtd>TRF", b"<PmtMtd>WIRE"))
    assert refused.value.field == "document"
    assert "PmtMtd" in refused.value.message
    pain001_validate(document)
