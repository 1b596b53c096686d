"""A bank account a refund is paid to (or paid from): checked before any money is sent to it.

Plain Python, no Django. The checks are the standards' own, through python-stdnum:

- an IBAN (ISO 13616): its two check digits (ISO 7064 MOD 97-10) and its country's length
  and layout as the IBAN registry gives them;
- a BIC (ISO 9362): four letters of institution, the ISO 3166 country, two characters of
  location, optionally three of branch;
- a US routing number (ABA, the ISO 20022 clearing system code USABA): its check digit.

An account is either an IBAN or another account number (countries outside the IBAN registry,
such as Malawi, Mali or the United States); the bank is a BIC or, where the country has a
national clearing code we know, a routing number. A non-IBAN account needs one of them: the
account number alone does not say which bank holds it. The account's country is the bank's
(ISO 3166 alpha-2, as IBANs, BICs and ISO 20022 messages write it); an IBAN or a BIC naming
another country is refused, since one of the two was mistyped.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from stdnum import bic as iso9362
from stdnum import iban as iso13616
from stdnum.exceptions import InvalidChecksum, InvalidComponent, ValidationError
from stdnum.us import rtn as aba

from visabond.core.countries import country_by_alpha_2, resolve_country
from visabond.core.errors import InvalidInput

# ISO 20022 ExternalClearingSystemIdentification1Code of the national routing codes a refund
# account may name instead of a BIC; the check of each lives in `_check_routing`.
CLEARING_SYSTEMS = {"US": "USABA"}
LONGEST_NAME = 140  # ISO 20022 Max140Text (Cdtr/Nm)
LONGEST_ACCOUNT = 34  # ISO 20022 Max34Text (Othr/Id)


@dataclass(frozen=True, slots=True)
class BankAccount:
    """A checked account: who holds it, where, and how a transfer names it.

    Exactly one of `iban` and `account_number` is set; `bic` or `routing_number` names the
    bank (with `clearing_system`, e.g. USABA, for the routing number).
    """

    holder_name: str
    country: str  # ISO 3166 alpha-2 of the bank
    iban: str = ""
    account_number: str = ""
    bic: str = ""
    clearing_system: str = ""
    routing_number: str = ""

    @property
    def account_label(self) -> str:
        """The account as a person reads it: an IBAN in groups of four, or the number."""
        return iso13616.format(self.iban) if self.iban else self.account_number

    @property
    def bank_label(self) -> str:
        return self.bic or f"{self.clearing_system} {self.routing_number}"

    def to_json(self) -> dict[str, str]:
        return {
            "holder_name": self.holder_name,
            "country": self.country,
            "iban": self.iban,
            "account_number": self.account_number,
            "bic": self.bic,
            "clearing_system": self.clearing_system,
            "routing_number": self.routing_number,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BankAccount:
        return cls(**{f.name: str(data.get(f.name, "")) for f in fields(cls)})


def bank_account(
    *,
    holder_name: str,
    country: str,
    iban: str = "",
    account_number: str = "",
    bic: str = "",
    routing_number: str = "",
) -> BankAccount:
    """Check what a person typed and return the account as a transfer names it.

    `country` is an ISO 3166 alpha-2 or alpha-3 code or a country's name. Raises
    `InvalidInput` naming the field and the rule: `holder_name_missing`, `too_long`,
    `country_unknown`, `account_missing` / `account_twice` (an IBAN or a number, not both),
    `iban_check_digits` (ISO 13616 MOD 97-10), `iban_country_unknown` (a country that has
    no IBAN), `iban_format` (the registry's length and layout), `iban_country_mismatch`,
    `account_number_format`, `bank_missing`, `bic_format` (ISO 9362),
    `bic_country_mismatch`, `routing_not_supported`, `routing_check_digit` (ABA).
    """
    name = " ".join(holder_name.split())
    if not name:
        raise InvalidInput(
            "name the account holder as the bank knows them",
            code="holder_name_missing",
            field="holder_name",
        )
    if len(name) > LONGEST_NAME:
        raise InvalidInput(
            f"an account holder's name has at most {LONGEST_NAME} characters",
            code="too_long",
            field="holder_name",
        )
    alpha_2 = _country(country)
    typed_iban, typed_number = _compact(iban), account_number.strip().replace(" ", "")
    if typed_iban and typed_number:
        raise InvalidInput(
            "give either an IBAN or another account number, not both",
            code="account_twice",
            field="account_number",
        )
    if not typed_iban and not typed_number:
        raise InvalidInput(
            "give the account's IBAN, or its account number where the country has no IBAN",
            code="account_missing",
            field="iban",
        )
    checked_iban = _check_iban(typed_iban, alpha_2) if typed_iban else ""
    if typed_number:
        _check_account_number(typed_number)
    checked_bic = _check_bic(bic, alpha_2) if bic.strip() else ""
    clearing, routing = "", ""
    if routing_number.strip():
        clearing, routing = _check_routing(routing_number, alpha_2)
    if typed_number and not checked_bic and not routing:
        raise InvalidInput(
            "an account number needs its bank: give the BIC (or the routing number)",
            code="bank_missing",
            field="bic",
        )
    return BankAccount(
        holder_name=name,
        country=alpha_2,
        iban=checked_iban,
        account_number=typed_number,
        bic=checked_bic,
        clearing_system=clearing,
        routing_number=routing,
    )


def _compact(text: str) -> str:
    return iso13616.compact(text) if text.strip() else ""


def _country(text: str) -> str:
    cleaned = text.strip()
    if len(cleaned) == 2 and cleaned.isalpha():
        found = country_by_alpha_2(cleaned)
        if found is None:
            raise InvalidInput(
                f"{cleaned!r} is not an ISO 3166 country", code="country_unknown", field="country"
            )
        return found.alpha_2
    return resolve_country(cleaned, field="country").alpha_2


def _check_iban(text: str, country: str) -> str:
    try:
        checked: str = iso13616.validate(text)
    except InvalidChecksum:
        raise InvalidInput(
            f"{iso13616.format(text)} is not an IBAN: its check digits do not match "
            "(ISO 13616, MOD 97-10); a character was probably mistyped",
            code="iban_check_digits",
            field="iban",
        ) from None
    except InvalidComponent:
        raise InvalidInput(
            f"{text[:2]} does not use IBANs (ISO 13616 registry): give the account number "
            "and the bank's BIC instead",
            code="iban_country_unknown",
            field="iban",
        ) from None
    except ValidationError:
        raise InvalidInput(
            f"{iso13616.format(text)} does not have the length and layout of a "
            f"{text[:2]} IBAN (ISO 13616 registry)",
            code="iban_format",
            field="iban",
        ) from None
    if checked[:2] != country:
        raise InvalidInput(
            f"the IBAN is a {checked[:2]} account but the bank's country was given as {country}",
            code="iban_country_mismatch",
            field="iban",
        )
    return checked


def _check_account_number(text: str) -> None:
    if len(text) > LONGEST_ACCOUNT or not text.isalnum() or not text.isascii():
        raise InvalidInput(
            f"an account number has at most {LONGEST_ACCOUNT} letters and digits",
            code="account_number_format",
            field="account_number",
        )


def _check_bic(text: str, country: str) -> str:
    try:
        checked: str = iso9362.validate(text)
    except ValidationError:
        raise InvalidInput(
            f"{text.strip()!r} is not a BIC: 8 or 11 characters, 4 letters of bank, the "
            "country's 2 letters, 2 of location, optionally 3 of branch (ISO 9362)",
            code="bic_format",
            field="bic",
        ) from None
    if checked[4:6] != country:
        raise InvalidInput(
            f"the BIC {checked} is a bank in {checked[4:6]}, not in {country}",
            code="bic_country_mismatch",
            field="bic",
        )
    return checked


def _check_routing(text: str, country: str) -> tuple[str, str]:
    system = CLEARING_SYSTEMS.get(country)
    if system is None:
        raise InvalidInput(
            f"a routing number is taken only for {', '.join(sorted(CLEARING_SYSTEMS))}: "
            "give the bank's BIC",
            code="routing_not_supported",
            field="routing_number",
        )
    try:
        return system, str(aba.validate(text))
    except ValidationError:
        raise InvalidInput(
            f"{text.strip()!r} is not an ABA routing number: nine digits whose check digit matches",
            code="routing_check_digit",
            field="routing_number",
        ) from None
