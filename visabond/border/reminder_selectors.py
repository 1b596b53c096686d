"""Reads for the reminders: which bonds' obligors are due each reminder on a day
(`reminders.py` says which reminder when)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet

from visabond.bonds.lifecycle import BondState
from visabond.bonds.models import Bond
from visabond.border.models import Admission
from visabond.border.reminders import last_day_window


def bonds_due_ports(as_of: dt.date) -> QuerySet[Bond, int]:
    """Ids of the bonds whose obligor is reminded of the ports before travel on `as_of`:
    active, with an obligor to write to, the visa issued and still valid, no entry recorded."""
    return Bond.objects.filter(
        state=BondState.ACTIVE,
        obligor__isnull=False,
        case__visa__isnull=False,
        case__visa__valid_until__gte=as_of,
        admissions__isnull=True,
    ).values_list("pk", flat=True)


def bonds_due_last_day(as_of: dt.date) -> QuerySet[Bond, int]:
    """Ids of the bonds whose obligor is reminded of the last day of the stay on `as_of`:
    active, with an obligor, whose latest admission's last day (as extended) falls within
    `reminders.last_day_window` and with no departure that counts."""
    later = Admission.objects.filter(bond=OuterRef("bond"), admitted_at__gt=OuterRef("admitted_at"))
    first, last = last_day_window(as_of)
    stays = Admission.objects.filter(
        ~Exists(later),
        bond__state=BondState.ACTIVE,
        bond__obligor__isnull=False,
        authorized_until__gte=first,
        authorized_until__lte=last,
        deciding_departure__isnull=True,
    )
    return Bond.objects.filter(pk__in=stays.values("bond_id")).values_list("pk", flat=True)
