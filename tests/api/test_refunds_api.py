"""Refunds over real HTTP against the running app: finance (and auditors, reading) list every
refund with its transfers; finance sends a payment return the bank sent back to another
account; roles answered before the body is read; errors in the one shape."""

from __future__ import annotations

from typing import Any

import pytest

from tests.casework_world import PASSWORD, person, world
from tests.conftest import usd
from tests.http_client import Session
from tests.refunds_world import (
    cancelled_bond,
    end_to_end_ids,
    escrow_usd,
    return_payment,
    status_report,
    unapplied_receipt,
)
from visabond.accounts.roles import Role
from visabond.refunds.confirmation_services import refund_confirmation_import
from visabond.refunds.models import Refund
from visabond.refunds.services import refund_batch_create

pytestmark = pytest.mark.django_db(transaction=True)

GERMAN = {"holder_name": "John Payer", "country": "DE", "iban": "DE89 3704 0044 0532 0130 00"}


@pytest.fixture
def server(live_server: Any, pilot: None) -> str:
    for username, role in (
        ("finance", Role.FINANCE_OFFICER),
        ("auditor", Role.AUDITOR),
        ("cashier", Role.CASHIER),
        ("applicant", Role.APPLICANT),
    ):
        person(username, role)
    return str(live_server.url)


def as_user(server: str, username: str | None) -> Session:
    session = Session(server)
    if username:
        session.login(username, PASSWORD)
    return session


def sent_back_return_and_a_bond_refund_sent() -> tuple[Refund, Refund]:
    """A payment return the bank sent back (AC04) and a bond's refund in flight."""
    unapplied_receipt("PAY-90", usd(2500))
    returned = return_payment("PAY-90", usd(2500))
    bond = cancelled_bond(world())
    escrow_usd()
    batch = refund_batch_create(actor="visabond refunds batch").batch
    assert batch is not None
    refund_confirmation_import(
        content=status_report(batch.document, {f"{returned.number}-1": ("RJCT", "AC04")}),
        name="status.xml",
        actor="visabond refunds confirm",
    )
    return Refund.objects.get(pk=returned.pk), Refund.objects.get(bond=bond)


@pytest.mark.parametrize(
    ("who", "status"),
    [(None, 401), ("applicant", 403), ("cashier", 403), ("auditor", 200), ("finance", 200)],
)
def test_finance_and_auditors_read_refunds_and_no_one_else(
    server: str, who: str | None, status: int
) -> None:
    assert as_user(server, who).get("/api/v1/refunds").status == status


def test_finance_lists_every_refund_with_its_transfers_and_the_banks_reason(server: str) -> None:
    returned, bonds = sent_back_return_and_a_bond_refund_sent()
    finance = as_user(server, "finance")
    listed = {r["number"]: r for r in finance.get("/api/v1/refunds").json()}
    assert set(listed) == {returned.number, bonds.number}
    back = listed[returned.number]
    assert (back["kind"], back["payment"], back["state"], back["amount"]) == (
        "payment_return",
        "PAY-90",
        "due",
        "2500.00",
    )
    assert back["payee"]["account"] == "GB82 WEST 1234 5698 7654 32"
    assert [(t["state"], t["reason"]) for t in back["transfers"]] == [
        ("rejected", "AC04 - closed account number")
    ]
    assert (listed[bonds.number]["kind"], listed[bonds.number]["state"]) == ("bond", "sent")
    assert listed[bonds.number]["bond"] == bonds.bond.number  # type: ignore[union-attr]
    sent = finance.get("/api/v1/refunds", state="sent").json()
    assert [r["number"] for r in sent] == [bonds.number]
    wrong = finance.get("/api/v1/refunds", state="lost")
    assert (wrong.status, wrong.json()["code"], wrong.json()["field"]) == (
        422,
        "state_unknown",
        "state",
    )


def test_finance_sends_a_return_the_bank_sent_back_to_another_account(server: str) -> None:
    returned, bonds = sent_back_return_and_a_bond_refund_sent()
    finance = as_user(server, "finance")
    path = f"/api/v1/refunds/{returned.number}/payee"
    mistyped = finance.post_json(
        path, {**GERMAN, "iban": "DE89 3704 0044 0532 0130 01", "reason": "r"}
    )
    assert (mistyped.status, mistyped.json()["field"]) == (422, "iban")
    assert as_user(server, "auditor").post_json(path, {**GERMAN, "reason": "r"}).status == 403
    changed = finance.post_json(path, {**GERMAN, "reason": "account closed; new one by letter"})
    assert changed.status == 200, changed.text
    assert changed.json()["payee"] == {
        "holder_name": "John Payer",
        "country": "DE",
        "account": "DE89 3704 0044 0532 0130 00",
        "bank": "",
    }
    bond_refund = finance.post_json(
        f"/api/v1/refunds/{bonds.number}/payee", {**GERMAN, "reason": "r"}
    )
    assert (bond_refund.status, bond_refund.json()["code"]) == (409, "refund_kind")
    batch = refund_batch_create(actor="visabond refunds batch").batch
    assert batch is not None
    assert end_to_end_ids(batch.document) == [f"{returned.number}-2"]
    assert "DE89370400440532013000" in batch.document
