"""Rule terms from what a person typed or sent, with errors naming the field at fault."""

from __future__ import annotations

from collections.abc import Sequence

from visabond.core.errors import InvalidInput
from visabond.core.money import Money, validate_currency
from visabond.policy.rules import RuleTerms, VisaConditions


def terms_from_input(
    *,
    bond_required: bool,
    amounts: Sequence[object],
    standard_amount: object | None,
    currency: str | None,
    entries: int | None,
    validity_days: int | None,
    max_stay_days: int | None,
    ports: Sequence[str],
    issuance_suspended: bool = False,
    notes: str = "",
) -> RuleTerms:
    """Terms from typed or sent values: amounts as decimal strings or integers in `currency`.

    Refuses a bond without a currency (`currency_missing`), an unknown currency, an amount
    that is not money, negative or too precise for the currency (naming `amounts[i]` or
    `standard_amount`), an amount listed twice, and what `RuleTerms` itself refuses.
    """
    code = validate_currency(currency) if currency else None
    if (bond_required or amounts) and code is None:
        raise InvalidInput(
            "a bond rule needs a currency", code="currency_missing", field="currency"
        )
    parsed = sorted(Money.of(a, code or "", field=f"amounts[{i}]") for i, a in enumerate(amounts))
    if len(set(parsed)) != len(parsed):
        raise InvalidInput("an amount is listed twice", code="amounts_repeated", field="amounts")
    standard = (
        None
        if standard_amount in (None, "")
        else Money.of(standard_amount, code or "", field="standard_amount")
    )
    return RuleTerms(
        bond_required=bond_required,
        amounts=tuple(parsed),
        standard_amount=standard,
        visa=VisaConditions(entries, validity_days, max_stay_days),
        ports=tuple(dict.fromkeys(p.strip().upper() for p in ports if p.strip())),
        issuance_suspended=issuance_suspended,
        notes=notes.strip(),
    )


def cap_from_input(amount: object | None, currency: str | None) -> Money | None:
    """A reciprocity cap from typed or sent values: none, or an amount with its currency."""
    if amount in (None, ""):
        return None
    if not currency:
        raise InvalidInput(
            "a cap needs both an amount and a currency", code="cap_incomplete", field="cap_currency"
        )
    return Money.of(amount, currency, field="cap", currency_field="cap_currency")
