"""What the portal tells an obligor in their language keeps up with the refunds part: every
bank reason the refunds part names, every refusal of an account's checks."""

from __future__ import annotations

import inspect
import re

from django.utils import translation

from visabond.core import clock
from visabond.portal.bank_reasons import REASONS, bank_reason
from visabond.portal.forms import REFUND_ACCOUNT_ERRORS
from visabond.refunds import bank_accounts, pain002
from visabond.refunds.selectors import TransferView


def transfer(reason: str) -> TransferView:
    return TransferView(
        end_to_end_id="R-1-1",
        state="rejected",
        sent_at=clock.now(),
        settled_at=clock.now(),
        account="1002345678",
        reason=reason,
    )


def test_every_reason_the_refunds_part_names_is_told_in_the_readers_language() -> None:
    assert set(REASONS) == set(pain002.REASONS)
    for code, english in pain002.REASONS.items():
        with translation.override("en"):
            assert str(REASONS[code]) == english
        with translation.override("fr"):
            assert str(REASONS[code]) != english


def test_a_known_reason_is_told_by_its_code_and_meaning_another_as_the_bank_gave_it() -> None:
    with translation.override("en"):
        assert bank_reason(transfer("AC04 - closed account number")) == (
            "AC04 — closed account number"
        )
    with translation.override("fr"):
        assert bank_reason(transfer("AC04 - closed account number")) == (
            "AC04 — numéro de compte clôturé"
        )
    assert bank_reason(transfer("NARR - account under review")) == "NARR - account under review"
    assert bank_reason(transfer("compte en révision")) == "compte en révision"


def test_every_refusal_of_an_accounts_checks_has_words_in_the_readers_language() -> None:
    codes = set(re.findall(r'code="(\w+)"', inspect.getsource(bank_accounts)))
    assert codes  # the checks name their codes in the source
    assert codes <= set(REFUND_ACCOUNT_ERRORS)
    with translation.override("en"):
        english = {code: str(text) for code, text in REFUND_ACCOUNT_ERRORS.items()}
    with translation.override("fr"):
        french = {code: str(text) for code, text in REFUND_ACCOUNT_ERRORS.items()}
    assert [code for code in english if french[code] == english[code]] == []
