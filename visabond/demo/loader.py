"""DEMO data for a development installation: an account per role, and cases at every stage
at a few posts, so the console, the portal and the ledger show something on first start.

Never in production: `demo_load` refuses unless `DEBUG` is on and the settings are not the
production ones, and refuses a second run. Every account's name starts with `demo-`, every
case's purpose with `DEMO`, and every person in it is made up (specimen passports).

The stories are told on the installation's today (`clock.today()`), which must be a day the
US pilot is in force (`./dev up` sets `VISABOND_CLOCK_SHIFT_DAYS` for that): each case is
walked through the real entry points, the clock set back to the day each step happened.
A bond is paid through the payments' entry points: at the Lilongwe cashier's desk, or by the
payment provider's signed message, which the demo plays (`money.py`); finance's decisions, the
refund accounts and a refund batch follow the cases.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.conf import settings

from visabond.accounts.models import User
from visabond.accounts.roles import Role
from visabond.accounts.services import user_create
from visabond.bonds.lifecycle import BondState
from visabond.bonds.models import Bond
from visabond.casework.models import Case
from visabond.casework.rules import AmountReason, BondChoice, Outcome
from visabond.casework.selectors import bond_of
from visabond.casework.services import (
    Application,
    case_decide,
    case_interview,
    case_issue_visa,
    case_lapse_overdue,
    case_refuse,
    case_submit,
    case_walk_in_open,
    post_assign,
)
from visabond.core import clock
from visabond.core.errors import Conflict, InvalidInput
from visabond.core.money import Money
from visabond.demo.money import DEMO, DemoProvider, bond_paid, money_stories
from visabond.demo.specimens import specimen_passport
from visabond.policy.selectors import requirement_lookup

PASSPORT_EXPIRY = dt.date(2031, 6, 30)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    post: str = ""
    language: str = "en"
    staff: bool = False


ACCOUNTS = (
    DemoAccount("demo-policy", Role.POLICY_OFFICER, staff=True),
    DemoAccount("demo-consul-lilongwe", Role.CONSULAR_OFFICER, post="lilongwe"),
    DemoAccount("demo-consul-banjul", Role.CONSULAR_OFFICER, post="banjul"),
    DemoAccount("demo-consul-dakar", Role.CONSULAR_OFFICER, post="dakar", language="fr"),
    DemoAccount("demo-consul-mali", Role.CONSULAR_OFFICER, post="mali-washington", language="fr"),
    DemoAccount("demo-cashier-lilongwe", Role.CASHIER, post="lilongwe"),
    DemoAccount("demo-finance", Role.FINANCE_OFFICER),
    DemoAccount("demo-adjudicator", Role.BOND_ADJUDICATOR),
    # A forfeiture above the program's amount needs a second, different adjudicator.
    DemoAccount("demo-adjudicator-2", Role.BOND_ADJUDICATOR),
    DemoAccount("demo-border", Role.BORDER_OFFICER),
    DemoAccount("demo-analyst", Role.ANALYST),
    DemoAccount("demo-auditor", Role.AUDITOR),
    DemoAccount("demo-applicant", Role.APPLICANT),
    DemoAccount("demo-applicant-fr", Role.APPLICANT, language="fr"),
)


@dataclass(frozen=True)
class Person:
    """A made-up traveller and their specimen passport."""

    surname: str
    given_names: str
    number: str
    nationality: str
    birth: dt.date
    sex: str

    def passport(self) -> str:
        return specimen_passport(
            surname=self.surname,
            given_names=self.given_names,
            number=self.number,
            nationality=self.nationality,
            birth=self.birth,
            sex=self.sex,
            expiry=PASSPORT_EXPIRY,
        )


@dataclass(frozen=True)
class Story:
    """One case, walked to `end` ("submitted", "interviewed", "refused", "waived" (approved
    without a bond, the visa still to issue), "directed", "posted", "issued",
    "refused_after_posting", "lapsed"), begun `days_ago`."""

    post: str
    officer: str
    person: Person
    end: str
    days_ago: int
    applicant: str = ""  # a demo account, or "" for an application made at the post
    visa_class: str = "B1/B2"
    amount: str = "10000"
    reason: AmountReason = AmountReason.STANDARD
    purpose: str = "tourism"


D = dt.date
STORIES = (
    Story("lilongwe", "demo-consul-lilongwe",
          Person("Banda", "Grace", "MA1000001", "MWI", D(1990, 4, 2), "F"), "issued", 20,
          applicant="demo-applicant", purpose="conference in Boston"),
    Story("lilongwe", "demo-consul-lilongwe",
          Person("Banda", "Grace", "MA1000001", "MWI", D(1990, 4, 2), "F"), "directed", 5,
          applicant="demo-applicant", purpose="family visit in New York"),
    Story("lilongwe", "demo-consul-lilongwe",
          Person("Phiri", "John", "MA1000002", "MWI", D(1984, 11, 12), "M"), "submitted", 1),
    Story("lilongwe", "demo-consul-lilongwe",
          Person("Mwale", "Chikondi", "MA1000003", "MWI", D(1995, 2, 8), "F"), "interviewed", 3),
    Story("lilongwe", "demo-consul-lilongwe",
          Person("Chirwa", "Peter", "MA1000004", "MWI", D(1979, 7, 30), "M"), "refused", 9),
    Story("lilongwe", "demo-consul-lilongwe",
          Person("Kachale", "Ruth", "MA1000005", "MWI", D(1968, 5, 19), "F"), "waived", 8,
          purpose="urgent medical treatment of a parent"),
    Story("lilongwe", "demo-consul-lilongwe",
          Person("Nkhoma", "Yohane", "MA1000006", "MWI", D(1988, 9, 1), "M"), "posted", 10,
          amount="5000", reason=AmountReason.UNABLE_TO_PAY_STANDARD),
    Story("lilongwe", "demo-consul-lilongwe",
          Person("Tembo", "Esther", "MA1000007", "MWI", D(1992, 1, 25), "F"),
          "refused_after_posting", 14),
    Story("lilongwe", "demo-consul-lilongwe",
          Person("Gondwe", "Blessings", "MA1000008", "MWI", D(1999, 3, 3), "M"), "lapsed", 45),
    Story("banjul", "demo-consul-banjul",
          Person("Jallow", "Fatou", "GM2000001", "GMB", D(1987, 6, 6), "F"), "directed", 4),
    Story("banjul", "demo-consul-banjul",
          Person("Ceesay", "Lamin", "GM2000002", "GMB", D(1980, 12, 1), "M"), "issued", 18,
          amount="15000", reason=AmountReason.EXTENT_OF_CONTACTS),
    Story("dakar", "demo-consul-dakar",
          Person("Diop", "Aminata", "SN3000001", "SEN", D(1993, 8, 14), "F"),
          "refused_after_posting", 12, applicant="demo-applicant-fr",
          purpose="salon professionnel à Chicago"),
    Story("dakar", "demo-consul-dakar",
          Person("Ndiaye", "Moussa", "SN3000002", "SEN", D(1975, 10, 10), "M"), "submitted", 2),
    Story("mali-washington", "demo-consul-mali",
          Person("Smith", "Emily", "US4000001", "USA", D(1986, 3, 21), "F"), "directed", 6,
          visa_class="SHORT-STAY"),
    Story("mali-washington", "demo-consul-mali",
          Person("Johnson", "Michael", "US4000002", "USA", D(1970, 1, 9), "M"), "issued", 16,
          visa_class="SHORT-STAY"),
)  # fmt: skip


@dataclass
class DemoReport:
    """What the demo made: each account with its password (shown once), and the cases."""

    passwords: dict[str, str] = field(default_factory=dict)
    cases: list[tuple[str, str, str]] = field(default_factory=list)  # (reference, post, state)


def demo_load() -> DemoReport:
    """Create the demo's accounts and cases; raises `InvalidInput` outside a development
    installation or on a day the US pilot is not in force, `Conflict` when already loaded.

    It runs the real entry points one after another (each its own durable transaction),
    so what it made stays made if it stops half way; it then refuses to run again.
    """
    demo_allowed()
    if User.objects.filter(username__startswith="demo-").exists():
        raise Conflict(
            "the demo data are already loaded (accounts demo-*)",
            code="demo_loaded",
            field=None,
        )
    today = clock.now()
    _check_the_pilot_is_in_force(today.date())
    report = DemoReport()
    users = {}
    for account in ACCOUNTS:
        password = secrets.token_urlsafe(12)
        user, _ = user_create(
            username=account.username,
            password=password,
            roles=[account.role],
            staff=account.staff,
            preferred_language=account.language,
            email=f"{account.username}@example.org" if account.role is Role.APPLICANT else "",
            actor=DEMO,
        )
        if account.post:
            post_assign(user=user, post_code=account.post, actor=DEMO)
        users[account.username] = user
        report.passwords[account.username] = password
    provider = DemoProvider.open()
    for story in STORIES:
        case = _tell(story, users, today, provider)
        report.cases.append((case.reference, case.post.code, case.state))
    money_stories(
        users=users,
        provider=provider,
        directed=list(
            Bond.objects.filter(state=BondState.DIRECTED, obligor__isnull=True)
            .select_related("case")
            .order_by("pk")
        ),
        refund_owed_to=users["demo-applicant-fr"],
        today=today,
    )
    provider.close()
    return report


def demo_allowed() -> None:
    """Refuse unless this is a development installation: `DEBUG` on, not production."""
    module = str(getattr(settings, "SETTINGS_MODULE", "") or "")
    if module.endswith(".production") or not settings.DEBUG:
        raise InvalidInput(
            "demo data are for a development installation only: set VISABOND_DEBUG=1 and "
            "do not use the production settings",
            code="demo_not_allowed",
            field="settings",
        )


def _check_the_pilot_is_in_force(today: dt.date) -> None:
    answer = requirement_lookup(issuer="USA", nationality="MWI", visa_class="B1/B2", on=today)
    if not answer.requirement.bond_required:
        raise InvalidInput(
            f"the demo's stories need a day the US Visa Bond Pilot Program is in force; the "
            f"installation's today is {today.isoformat()}: set VISABOND_CLOCK_SHIFT_DAYS "
            "(./dev up does)",
            code="demo_day_outside_program",
            field="clock",
        )


def _tell(story: Story, users: dict[str, User], today: dt.datetime, provider: DemoProvider) -> Case:
    """Walk one story's case through the entry points, each step on its own day."""
    start = today - dt.timedelta(days=story.days_ago)

    def day(n: int, minute: int = 0) -> dt.datetime:
        return start + dt.timedelta(days=n, minutes=minute)

    applicant = users.get(story.applicant)
    officer = users[story.officer]
    person = story.person
    trip_start = (start + dt.timedelta(days=35)).date()
    with clock.frozen(day(0)):
        application = Application(
            post=story.post,
            visa_class=story.visa_class,
            passport_mrz=person.passport(),
            surname=person.surname,
            given_names=person.given_names,
            birth_date=person.birth,
            passport_number=person.number,
            purpose=f"DEMO: {story.purpose}",
            intended_arrival=trip_start,
            intended_departure=trip_start + dt.timedelta(days=14),
        )
        if applicant is None:  # applied in person at the post, with no account
            case = case_walk_in_open(
                application=application, actor=f"{DEMO} (application made at the post)"
            )
        else:
            case = case_submit(application=application, applicant=applicant, actor=applicant)
    if story.end == "submitted":
        return case
    with clock.frozen(day(1)):
        case_interview(reference=case.reference, notes="DEMO: interviewed", actor=officer)
    if story.end == "interviewed":
        return _reloaded(case)
    with clock.frozen(day(2)):
        if story.end == "refused":
            return case_decide(
                reference=case.reference,
                outcome=Outcome.REFUSE,
                choice=BondChoice(explanation="DEMO: purpose of the trip not established"),
                actor=officer,
            )
        if story.end == "waived":
            case_decide(
                reference=case.reference,
                outcome=Outcome.APPROVE,
                choice=BondChoice(
                    waiver_ground="urgent_humanitarian",
                    explanation="DEMO: parent's urgent medical treatment, documented",
                ),
                actor=officer,
            )
        else:
            case_decide(
                reference=case.reference,
                outcome=Outcome.DIRECT_BOND,
                choice=BondChoice(
                    amount=Money.of(story.amount, "USD"),
                    reason=story.reason,
                    explanation=f"DEMO: {story.reason.value.replace('_', ' ')}",
                ),
                actor=officer,
            )
    if story.end in ("waived", "directed"):
        return _reloaded(case)
    if story.end == "lapsed":
        with clock.frozen(today):
            case_lapse_overdue(as_of=today.date(), actor=DEMO)
        return _reloaded(case)
    with clock.frozen(day(4)):
        bond = bond_of(case)
        assert bond is not None, "a paid story directs a bond first"
        bond_paid(bond, post=story.post, users=users, provider=provider)
    if story.end == "posted":
        return _reloaded(case)
    with clock.frozen(day(5)):
        if story.end == "refused_after_posting":
            case_refuse(
                reference=case.reference,
                explanation="DEMO: new information on the purpose of the trip",
                actor=officer,
            )
        else:
            case_issue_visa(reference=case.reference, actor=officer)
    return _reloaded(case)


def _reloaded(case: Case) -> Case:
    return Case.objects.select_related("post").get(pk=case.pk)
