"""Which reminders an obligor gets, and when: plain Python, no Django.

Two reminders, each sent once per bond (`BondReminder`):

- `ports`, before travel: the bond is active, the visa issued and still valid, and no entry
  is recorded yet. It names the ports the visa allows (travel.state.gov: enter and leave
  only through BOS, JFK or IAD; a departure elsewhere may not be recorded, and the bond is
  returned on a recorded departure).
- `last_day`, `LAST_DAY_LEAD_DAYS` days before the last day of the authorized stay (the
  admit-until date as extended) and until that day, while no departure counts: the date,
  how to ask for an extension, and what a late departure costs (the whole bond: the I-352
  terms and 22 CFR 41.11(c) make an overstay a breach, however short).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

# A week: time enough to change a flight, or to file an extension request (USCIS Form
# I-539), which must be filed before the authorized stay ends (8 CFR 214.1(c)(4)) to be
# timely; and late enough in a stay of about 30 days (the pilot's usual admission) that the
# date is the one the traveller is about to act on.
LAST_DAY_LEAD_DAYS = 7


class ReminderKind(StrEnum):
    PORTS = "ports"
    LAST_DAY = "last_day"


def last_day_window(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The last days of stay that are reminded of on `as_of`: from `as_of` itself to
    `LAST_DAY_LEAD_DAYS` days later, both included (a run missed for a few days still
    reminds, on the last day at the latest)."""
    return as_of, as_of + dt.timedelta(days=LAST_DAY_LEAD_DAYS)
