"""Builders for casework and money tests: passports, people at posts, cases at each stage.

Shared by the casework, bonds, ledger, payments and refunds tests, so each reads as the
rule it protects rather than as the twenty steps that set it up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from visabond.accounts.models import User
from visabond.accounts.roles import Role
from visabond.accounts.services import user_create
from visabond.bonds.models import Bond
from visabond.bonds.services import bond_locked
from visabond.casework.models import Case
from visabond.casework.rules import AmountReason, BondChoice, Outcome
from visabond.casework.services import (
    Application,
    case_bond_paid,
    case_decide,
    case_interview,
    case_submit,
    post_assign,
)
from visabond.core import clock
from visabond.core.money import Money
from visabond.demo.specimens import specimen_passport

PASSWORD = "a-long-test-password-1"
# The US pilot covers Malawi from 2025-08-20; this day lies well inside it.
PILOT_DAY = dt.datetime(2025, 9, 1, 9, 0, tzinfo=dt.UTC)


# Set the one clock for the length of a block.
today_is = clock.frozen


def td3(
    *,
    surname: str = "BANDA",
    given_names: str = "GRACE",
    number: str = "MA1234567",
    nationality: str = "MWI",
    birth: dt.date = dt.date(1990, 4, 2),
    sex: str = "F",
    expiry: dt.date = dt.date(2031, 1, 1),
) -> str:
    """A passport's two lines (ICAO Doc 9303-4 TD3) with every check digit right."""
    return specimen_passport(
        surname=surname,
        given_names=given_names,
        number=number,
        nationality=nationality,
        birth=birth,
        sex=sex,
        expiry=expiry,
    )


def person(username: str, *roles: Role, language: str = "en", email: str = "") -> User:
    user, _ = user_create(
        username=username, password=PASSWORD, roles=list(roles), preferred_language=language
    )
    if email:
        User.objects.filter(pk=user.pk).update(email=email)
        user.refresh_from_db()
    return user


def officer_at(post: str, username: str | None = None) -> User:
    officer = person(username or f"officer-{post}", Role.CONSULAR_OFFICER)
    post_assign(user=officer, post_code=post, actor="test setup")
    return officer


def application(**changes: object) -> Application:
    """A Malawian's B-1/B-2 application at Lilongwe, typed as her passport reads."""
    values: dict[str, object] = {
        "post": "lilongwe",
        "visa_class": "B1/B2",
        "passport_mrz": td3(),
        "surname": "Banda",
        "given_names": "Grace",
        "birth_date": dt.date(1990, 4, 2),
        "passport_number": "MA1234567",
        "purpose": "Conference in Boston",
        "intended_arrival": dt.date(2025, 10, 1),
        "intended_departure": dt.date(2025, 10, 20),
    }
    values.update(changes)
    return Application(**values)  # type: ignore[arg-type]


def traveller(n: int) -> dict[str, object]:
    """The changes to `application()` that make it the `n`-th traveller's, for a test that
    opens several walk-in cases: one is open per passport and program at a time, and the
    same number under another birth date is another holder's passport."""
    born = dt.date(1990, 4, 2) + dt.timedelta(days=n)
    return {"passport_mrz": td3(birth=born), "birth_date": born}


@dataclass
class World:
    """Who acts in a casework test: an applicant, an officer at Lilongwe, a cashier."""

    applicant: User
    officer: User


def world() -> World:
    return World(
        applicant=person("grace", Role.APPLICANT, email="grace@example.org"),
        officer=officer_at("lilongwe"),
    )


STANDARD = BondChoice(
    amount=Money.of("10000", "USD"), reason=AmountReason.STANDARD, explanation="standard bond"
)


def directed_case(people: World, **changes: object) -> Case:
    """A case whose officer directed the standard $10,000 bond."""
    case = case_submit(
        application=application(**changes), applicant=people.applicant, actor=people.applicant
    )
    case_interview(reference=case.reference, notes="interviewed", actor=people.officer)
    return case_decide(
        reference=case.reference, outcome=Outcome.DIRECT_BOND, choice=STANDARD, actor=people.officer
    )


def pay(bond: Bond, *, payment: str = "pay-1") -> None:
    """The provider confirmed the directed amount (what the payment entry points do)."""
    with transaction.atomic(durable=True):
        case_bond_paid(
            bond=bond_locked(bond.number),
            actor="payment provider",
            from_unapplied=False,
            payment=payment,
        )


def posted_case(people: World, **changes: object) -> Case:
    case = directed_case(people, **changes)
    pay(case.bond)
    case.refresh_from_db()
    return case


def ledger_holds() -> bool:
    """`visabond ledger verify` holds: the ledger's invariants, every bond's, the refunds'."""
    from io import StringIO

    from django.core.management import call_command

    try:
        call_command("ledger", "verify", stdout=StringIO())
    except SystemExit as exited:
        return exited.code == 0
    return True
