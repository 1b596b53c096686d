"""Rule terms from what a person typed or sent, with errors naming the field at fault."""

from __future__ import annotations

from collections.abc import Sequence

from visabond.core.errors import InvalidInput
from visabond.core.money import parse_amount, validate_currency
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
    code = validate_currency(currency) if currency else None
    if bond_required and code is None:
        raise InvalidInput(
            "a bond rule needs a currency", code="currency_missing", field="currency"
        )
    parsed = sorted(
        parse_amount(a, currency=code or "USD", field=f"amounts[{i}]")
        for i, a in enumerate(amounts)
    )
    if len(set(parsed)) != len(parsed):
        raise InvalidInput("an amount is listed twice", code="amounts_repeated", field="amounts")
    standard = (
        None
        if standard_amount in (None, "")
        else parse_amount(standard_amount, currency=code or "USD", field="standard_amount")
    )
    return RuleTerms(
        bond_required=bond_required,
        amounts=tuple(parsed),
        standard_amount=standard,
        currency=code if bond_required else None,
        visa=VisaConditions(entries, validity_days, max_stay_days),
        ports=tuple(dict.fromkeys(p.strip().upper() for p in ports if p.strip())),
        issuance_suspended=issuance_suspended,
        notes=notes.strip(),
    )
