"""What the sweep decides for one bond on a day: cancel it, suspect a breach, flag it, or wait.

Plain Python, no Django. This is the rule as one function; the sweep applies it to every
active bond at once in SQL (`border/sweep.py`), and a test runs both on the same facts.

The program's rules (travel.state.gov, the pilot's terms; 22 CFR 41.11(c)):
- the bond is returned when the holder is refused admission at the port of entry, does not
  travel before the visa expires, or departs on or before the last day of the authorized
  stay (the admit-until date, as extended);
- a late departure, no departure by the admit-until date (plus the program's grace days), or
  an application to change or adjust status (asylum included) is a suspected breach that an
  adjudicator decides; so is unauthorized work reported by the immigration service;
- entry or exit through a port that is not designated is never decided automatically: the
  departure may not have been recorded, so an officer verifies.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from visabond.bonds.lifecycle import BreachGround, CancelReason


class Decision(StrEnum):
    CANCEL = "cancel"
    SUSPECT = "suspect"
    FLAG = "flag"
    WAIT = "wait"


class StatusChange(StrEnum):
    """What the immigration service reported about an admission (other than an extension)."""

    CHANGE_OF_STATUS = "change_of_status"
    ASYLUM = "asylum"
    UNAUTHORIZED_WORK = "unauthorized_work"

    @property
    def ground(self) -> BreachGround:
        return {
            StatusChange.CHANGE_OF_STATUS: BreachGround.STATUS_CHANGE,
            StatusChange.ASYLUM: BreachGround.ASYLUM,
            StatusChange.UNAUTHORIZED_WORK: BreachGround.UNAUTHORIZED_WORK,
        }[self]


@dataclass(frozen=True, slots=True)
class BondFacts:
    """What the border knows of one active bond's traveller on the sweep's day."""

    visa_valid_until: dt.date
    designated_ports: frozenset[str]
    admission_refused: bool = False
    admitted_on: dt.date | None = None
    entry_port: str | None = None
    admit_until: dt.date | None = None  # as extended by the latest extension decided
    departed_on: dt.date | None = None  # by the deciding evidence
    exit_port: str | None = None
    status_change: StatusChange | None = None
    grace_days: int = 0


@dataclass(frozen=True, slots=True)
class Outcome:
    decision: Decision
    reason: str = ""  # a CancelReason, a BreachGround or "port_not_designated"


WAIT = Outcome(Decision.WAIT)


def sweep_outcome(facts: BondFacts, *, as_of: dt.date) -> Outcome:
    """The sweep's decision for one active bond on `as_of` (see the module's rules)."""
    if facts.admission_refused:
        return Outcome(Decision.CANCEL, CancelReason.ADMISSION_REFUSED.value)
    if facts.admitted_on is None or facts.admit_until is None:
        if as_of > facts.visa_valid_until:
            return Outcome(Decision.CANCEL, CancelReason.VISA_UNUSED.value)
        return WAIT
    if _outside_designated_ports(facts):
        return Outcome(Decision.FLAG, "port_not_designated")
    if facts.status_change is not None:
        return Outcome(Decision.SUSPECT, facts.status_change.ground.value)
    if facts.departed_on is not None:
        if facts.departed_on <= facts.admit_until:
            return Outcome(Decision.CANCEL, CancelReason.DEPARTED_ON_TIME.value)
        return Outcome(Decision.SUSPECT, BreachGround.LATE_DEPARTURE.value)
    if as_of > facts.admit_until + dt.timedelta(days=facts.grace_days):
        return Outcome(Decision.SUSPECT, BreachGround.OVERSTAY.value)
    return WAIT


def _outside_designated_ports(facts: BondFacts) -> bool:
    if not facts.designated_ports:
        return False
    ports = [p for p in (facts.entry_port, facts.exit_port) if p is not None]
    return any(port not in facts.designated_ports for port in ports)
