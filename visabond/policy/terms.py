"""Rule terms as JSON: the one shape the API, the review queue and the seed file share.

    {"bond_required": true, "amounts": ["5000.00", "10000.00"], "standard_amount": "10000.00",
     "currency": "USD", "visa": {"entries": 1, "validity_days": 90, "max_stay_days": 30},
     "ports": ["BOS", "JFK", "IAD"], "issuance_suspended": false, "notes": "..."}

Amounts are decimal strings with the currency's minor units (ISO 4217: "10000.00" USD,
"6000000" XOF), never numbers, so no reader turns them into floats.
"""

from __future__ import annotations

from typing import Any

from visabond.core.errors import InvalidInput
from visabond.core.money import Money
from visabond.policy.rules import RuleTerms, VisaConditions

# What a requirement answer says where no rule is in force.
NO_TERMS: dict[str, Any] = {
    "bond_required": False,
    "amounts": [],
    "standard_amount": None,
    "currency": None,
    "visa": {"entries": None, "validity_days": None, "max_stay_days": None},
    "ports": [],
    "issuance_suspended": False,
    "notes": "",
}


def terms_to_json(terms: RuleTerms | None) -> dict[str, Any]:
    """The JSON shape above; `NO_TERMS` for None (a withdrawal, or nothing in force)."""
    if terms is None:
        return NO_TERMS | {"visa": dict(NO_TERMS["visa"])}
    return {
        "bond_required": terms.bond_required,
        "amounts": [a.as_string() for a in terms.amounts],
        "standard_amount": None
        if terms.standard_amount is None
        else terms.standard_amount.as_string(),
        "currency": terms.currency,
        "visa": {
            "entries": terms.visa.entries,
            "validity_days": terms.visa.validity_days,
            "max_stay_days": terms.visa.max_stay_days,
        },
        "ports": list(terms.ports),
        "issuance_suspended": terms.issuance_suspended,
        "notes": terms.notes,
    }


def terms_from_json(data: dict[str, Any]) -> RuleTerms:
    """The inverse of `terms_to_json`; bad data raises `InvalidInput` naming the field."""
    visa = data.get("visa") or {}
    amounts = data.get("amounts") or []
    currency: str = data.get("currency") or ""
    if amounts and not currency:
        raise InvalidInput("amounts need a currency", code="currency_missing", field="currency")
    standard = data.get("standard_amount")
    return RuleTerms(
        bond_required=bool(data["bond_required"]),
        amounts=tuple(Money.of(a, currency, field=f"amounts[{i}]") for i, a in enumerate(amounts)),
        standard_amount=None
        if standard is None
        else Money.of(standard, currency, field="standard_amount"),
        visa=VisaConditions(
            visa.get("entries"), visa.get("validity_days"), visa.get("max_stay_days")
        ),
        ports=tuple(data.get("ports", [])),
        issuance_suspended=bool(data.get("issuance_suspended", False)),
        notes=data.get("notes", ""),
    )
