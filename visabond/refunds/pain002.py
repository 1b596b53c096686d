"""The bank's answer: an ISO 20022 pain.002 Customer Payment Status Report, read.

Plain Python, no Django. A bank answers a pain.001 with one or more pain.002 reports; each
names the original message (`OrgnlMsgId`) and gives a status for the whole message
(`GrpSts`), for a payment block (`PmtInfSts`) or for each transfer (`TxSts`, by its
`OrgnlEndToEndId`), with reasons (`StsRsnInf/Rsn/Cd`, ISO ExternalStatusReason1Code such as
AC01 "incorrect account number"). The element names are the same in every version from
pain.002.001.03 to .10, so any of them is read. A transfer's status is the most specific one
the report gives: its own, else its block's, else the message's.

The file is parsed with entity declarations refused (xmlschema's defused parser): it comes
from outside, and an entity bomb must not take the importer down.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element

import xmlschema

from visabond.core.errors import InvalidInput

NAMESPACE_PREFIX = "urn:iso:std:iso:20022:tech:xsd:pain.002.001."

# A few ISO ExternalStatusReason1Code values, as an obligor reads them; others show their code.
REASONS = {
    "AC01": "incorrect account number",
    "AC04": "closed account number",
    "AC06": "blocked account",
    "AG01": "transaction forbidden on this account",
    "AM04": "insufficient funds",
    "AM05": "duplicate payment",
    "BE01": "account holder's name does not match the account",
    "MS03": "reason not specified by the bank",
    "RC01": "incorrect bank identifier (BIC)",
    "RR01": "missing debtor account or identification",
}


@dataclass(frozen=True, slots=True)
class Status:
    """A status (ISO ExternalPaymentTransactionStatus1Code) with the bank's reason."""

    code: str  # ACSC, ACCP, RJCT, PDNG, ...
    reason_code: str = ""
    reason_text: str = ""

    @property
    def reason(self) -> str:
        """The reason as a person reads it: code, meaning, and the bank's own words."""
        parts = [self.reason_code, REASONS.get(self.reason_code, ""), self.reason_text]
        return " - ".join(p for p in parts if p)


@dataclass(frozen=True, slots=True)
class StatusReport:
    """What one pain.002 says about one original pain.001 message."""

    message_id: str
    original_message_id: str
    group: Status | None
    blocks: dict[str, Status]  # by OrgnlPmtInfId, where the block has a status of its own
    transfers: dict[str, Status]  # by OrgnlEndToEndId

    def status_of(self, end_to_end_id: str, payment_information_id: str) -> Status | None:
        """The most specific status the report gives a transfer: its own, its block's, the
        message's; None when the report says nothing that reaches it."""
        return (
            self.transfers.get(end_to_end_id)
            or self.blocks.get(payment_information_id)
            or self.group
        )


def pain002_read(content: bytes) -> StatusReport:
    """Read a pain.002 status report.

    Raises `InvalidInput` (field `document`): `pain002_unreadable` (not well-formed XML, or
    an entity declaration), `pain002_not_status_report` (another message), and
    `pain002_incomplete` naming the missing element (no original message id, a transfer
    status without its end-to-end id or status code).
    """
    root = _parsed(content)
    namespace = root.tag[1:].partition("}")[0] if root.tag.startswith("{") else ""
    if not namespace.startswith(NAMESPACE_PREFIX) or _local(root.tag) != "Document":
        raise InvalidInput(
            f"this is not an ISO 20022 pain.002 status report (root {root.tag})",
            code="pain002_not_status_report",
            field="document",
        )
    ns = {"p": namespace}
    report = root.find("p:CstmrPmtStsRpt", ns)
    if report is None:
        raise _incomplete("CstmrPmtStsRpt")
    original = report.find("p:OrgnlGrpInfAndSts", ns)
    if original is None:
        raise _incomplete("OrgnlGrpInfAndSts")
    original_message_id = _required(original, "p:OrgnlMsgId", ns)
    blocks: dict[str, Status] = {}
    transfers: dict[str, Status] = {}
    for block in report.findall("p:OrgnlPmtInfAndSts", ns):
        block_id = _required(block, "p:OrgnlPmtInfId", ns)
        block_status = _status(block, "p:PmtInfSts", ns)
        if block_status is not None:
            blocks[block_id] = block_status
        for transfer in block.findall("p:TxInfAndSts", ns):
            end_to_end_id = _required(transfer, "p:OrgnlEndToEndId", ns)
            status = _status(transfer, "p:TxSts", ns)
            if status is None:
                raise _incomplete(f"TxSts of {end_to_end_id}")
            transfers[end_to_end_id] = status
    return StatusReport(
        message_id=_text(report.find("p:GrpHdr/p:MsgId", ns)),
        original_message_id=original_message_id,
        group=_status(original, "p:GrpSts", ns),
        blocks=blocks,
        transfers=transfers,
    )


def _parsed(content: bytes) -> Element:
    try:
        resource = xmlschema.XMLResource(content.decode("utf-8"), defuse="always")
    except (UnicodeDecodeError, xmlschema.XMLResourceError, SyntaxError) as error:
        raise InvalidInput(
            f"the confirmation file does not read as XML: {error}",
            code="pain002_unreadable",
            field="document",
        ) from None
    root: Element = resource.root
    return root


def _status(parent: Element, path: str, ns: dict[str, str]) -> Status | None:
    code = _text(parent.find(path, ns))
    if not code:
        return None
    reason = parent.find("p:StsRsnInf", ns)
    if reason is None:
        return Status(code)
    reason_code = _text(reason.find("p:Rsn/p:Cd", ns)) or _text(reason.find("p:Rsn/p:Prtry", ns))
    words = " ".join(_text(e) for e in reason.findall("p:AddtlInf", ns)).strip()
    return Status(code, reason_code, words)


def _required(parent: Element, path: str, ns: dict[str, str]) -> str:
    value = _text(parent.find(path, ns))
    if not value:
        raise _incomplete(path.rpartition(":")[2])
    return value


def _text(element: Element | None) -> str:
    return "" if element is None or element.text is None else element.text.strip()


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _incomplete(element: str) -> InvalidInput:
    return InvalidInput(
        f"the status report has no {element}",
        code="pain002_incomplete",
        field="document",
    )
