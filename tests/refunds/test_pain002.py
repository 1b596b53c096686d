"""The bank's pain.002 status report is read for each transfer, whatever level it speaks at."""

from __future__ import annotations

import pytest

from visabond.core.errors import InvalidInput
from visabond.refunds.pain002 import Status, pain002_read

HEAD = (
    '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.{v}">'
    "<CstmrPmtStsRpt><GrpHdr><MsgId>BANK-1</MsgId><CreDtTm>2025-09-03T10:00:00</CreDtTm></GrpHdr>"
    "<OrgnlGrpInfAndSts><OrgnlMsgId>RB-1</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>"
    "{group}</OrgnlGrpInfAndSts>{blocks}</CstmrPmtStsRpt></Document>"
)


def report(blocks: str = "", *, group: str = "", version: str = "10") -> bytes:
    grp = f"<GrpSts>{group}</GrpSts>" if group else ""
    return HEAD.format(v=version, group=grp, blocks=blocks).encode()


def transfer(end_to_end_id: str, status: str, reason: str = "", words: str = "") -> str:
    why = ""
    if reason or words:
        why = f"<StsRsnInf><Rsn><Cd>{reason}</Cd></Rsn><AddtlInf>{words}</AddtlInf></StsRsnInf>"
    return (
        f"<TxInfAndSts><OrgnlEndToEndId>{end_to_end_id}</OrgnlEndToEndId>"
        f"<TxSts>{status}</TxSts>{why}</TxInfAndSts>"
    )


def block(*transfers: str, status: str = "", block_id: str = "RB-1-USD") -> str:
    own = f"<PmtInfSts>{status}</PmtInfSts>" if status else ""
    return f"<OrgnlPmtInfAndSts><OrgnlPmtInfId>{block_id}</OrgnlPmtInfId>{own}{''.join(transfers)}</OrgnlPmtInfAndSts>"


def test_each_transfer_has_its_status_and_reason() -> None:
    read = pain002_read(
        report(
            block(transfer("R-A-1", "ACSC"), transfer("R-B-1", "RJCT", "AC04", "account closed"))
        )
    )
    assert read.original_message_id == "RB-1"
    assert read.transfers["R-A-1"] == Status("ACSC")
    rejected = read.transfers["R-B-1"]
    assert rejected.reason == "AC04 - closed account number - account closed"


def test_a_transfer_takes_its_blocks_status_then_the_messages() -> None:
    read = pain002_read(
        report(block(transfer("R-A-1", "ACSC"), status="RJCT", block_id="RB-1-XOF"), group="ACCP")
    )
    assert read.status_of("R-A-1", "RB-1-XOF") == Status("ACSC")
    assert read.status_of("R-C-1", "RB-1-XOF") == Status("RJCT")
    assert read.status_of("R-D-1", "RB-1-USD") == Status("ACCP")


def test_a_report_saying_nothing_of_a_transfer_gives_it_no_status() -> None:
    assert (
        pain002_read(report(block(transfer("R-A-1", "ACSC")))).status_of("R-Z-1", "RB-1-USD")
        is None
    )


def test_the_older_version_03_reads_the_same() -> None:
    read = pain002_read(report(block(transfer("R-A-1", "RJCT", "AC01")), version="03"))
    assert read.transfers["R-A-1"].reason_code == "AC01"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"not xml at all", "pain002_unreadable"),
        (
            b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"/>',
            "pain002_not_status_report",
        ),
        (report().replace(b"<OrgnlMsgId>RB-1</OrgnlMsgId>", b""), "pain002_incomplete"),
        (report(block(transfer("R-A-1", ""))), "pain002_incomplete"),
        (b"\xff\xfe", "pain002_unreadable"),
    ],
)
def test_a_file_that_is_not_a_complete_status_report_is_refused(content: bytes, code: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        pain002_read(content)
    assert (refused.value.code, refused.value.field) == (code, "document")


def test_an_entity_declaration_is_refused_rather_than_expanded() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">&b;</Document>'
    )
    with pytest.raises(InvalidInput) as refused:
        pain002_read(bomb)
    assert refused.value.code == "pain002_unreadable"
