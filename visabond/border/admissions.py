"""Whether an admission may be recorded on a visa this system issued: the visa's conditions
as the rule captured at decision time states them (issuing state, validity, entries, longest
stay), and the traveller's earlier stays on it.

Plain Python, no Django. `admission_refusal` gives the first condition an admission breaks,
as the error that names its field and the rule, or None; `admission_refusals` every one of
them (the border console's warnings when it reads the documents). The rules:

- a visa admits only into the state whose program issued it (a Malian visa is no entry
  document at a US port; INA 212(a)(7)(B), and Mali's mirror measure alike);
- the admission day lies within the visa's validity (22 CFR 41.112: a visa is valid for
  entry from its issue until its expiry);
- a visa admits as many times as its entries allow (the pilot's visas are single entry,
  90 FR 37378); a second admission on a used visa is refused, naming the first;
- a traveller already admitted on the visa, with no departure recorded since, is not
  admitted again: nobody enters a state they are in, and the open stay's departure, which
  decides the bond, must be recorded first (the officer records the evidence the traveller
  shows: another state's entry stamp, a boarding pass);
- the admit-until date is no later than the longest stay allows (admitted on + the longest
  stay in days; 8 CFR 214.2(b) and the bond's terms: a stay no longer than the visa allows).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from visabond.core.errors import Conflict, InvalidInput, VisabondError, gettext_noop


@dataclass(frozen=True, slots=True)
class VisaTerms:
    """A visa's conditions as captured on its case: the state whose program issued it
    (ISO 3166-1 alpha-3), its validity, its entries and its longest stay (None: no limit)."""

    number: str
    issuer: str
    valid_from: dt.date
    valid_until: dt.date
    entries: int
    max_stay_days: int | None


@dataclass(frozen=True, slots=True)
class EarlierAdmission:
    """An admission already recorded on the visa: where and when, and whether a departure
    was recorded for it."""

    admission_id: int
    port: str
    admitted_on: dt.date
    departed: bool


def stay_limit(visa: VisaTerms, *, admitted_on: dt.date) -> dt.date | None:
    """The latest admit-until date the visa's longest stay allows when admitted on
    `admitted_on`, or None when the visa sets no longest stay."""
    if visa.max_stay_days is None:
        return None
    return admitted_on + dt.timedelta(days=visa.max_stay_days)


def admission_refusal(
    visa: VisaTerms,
    *,
    state: str,
    admitted_on: dt.date,
    admit_until: dt.date,
    earlier: Sequence[EarlierAdmission],
) -> VisabondError | None:
    """The first rule (see the module) an admission into `state` on `admitted_on` until
    `admit_until` on `visa` breaks, as the error to raise, or None when it breaks none.

    `InvalidInput` (422) for a visa of another state (`visa_not_for_state`, field
    `visa_number`), outside its validity (`visa_not_valid`, `visa_number`) or a stay beyond
    the longest (`admit_until_beyond_stay`, `admit_until`); `Conflict` (409) for a visa whose
    entries are used (`visa_entries_used`) or a stay still open (`admission_open`), both
    naming the earlier admission, field `visa_number`."""
    refusals = admission_refusals(
        visa, state=state, admitted_on=admitted_on, admit_until=admit_until, earlier=earlier
    )
    return refusals[0] if refusals else None


def admission_refusals(
    visa: VisaTerms,
    *,
    state: str,
    admitted_on: dt.date,
    admit_until: dt.date | None,
    earlier: Sequence[EarlierAdmission],
) -> list[VisabondError]:
    """Every rule (see the module) an admission would break, in the module's order, each as
    `admission_refusal` would raise it: what the border console warns of when it reads the
    documents, before the officer confirms. `admit_until` None (not chosen yet) skips the
    longest-stay rule."""
    before = sorted(earlier, key=lambda a: (a.admitted_on, a.admission_id))
    found = (
        _for_state(visa, state=state),
        _valid(visa, admitted_on=admitted_on),
        _entries_used(visa, before=before),
        _open_stay(visa, admitted_on=admitted_on, before=before),
        None if admit_until is None else _beyond_stay(visa, admitted_on, admit_until),
    )
    return [error for error in found if error is not None]


def _for_state(visa: VisaTerms, *, state: str) -> VisabondError | None:
    if visa.issuer == state:
        return None
    return InvalidInput(
        gettext_noop(
            "visa %(visa)s was issued under %(issuer)s's program: it admits into "
            "%(issuer)s only, not at a port of %(state)s"
        ),
        code="visa_not_for_state",
        field="visa_number",
        params={"visa": visa.number, "issuer": visa.issuer, "state": state},
    )


def _valid(visa: VisaTerms, *, admitted_on: dt.date) -> VisabondError | None:
    if visa.valid_from <= admitted_on <= visa.valid_until:
        return None
    return InvalidInput(
        gettext_noop("visa %(visa)s is valid for entry from %(start)s to %(end)s, not on %(day)s"),
        code="visa_not_valid",
        field="visa_number",
        params={
            "visa": visa.number,
            "start": visa.valid_from,
            "end": visa.valid_until,
            "day": admitted_on,
        },
    )


def _entries_used(visa: VisaTerms, *, before: list[EarlierAdmission]) -> VisabondError | None:
    if len(before) < visa.entries:
        return None
    last = before[-1]
    # One template per grammatical number, chosen as English and French count (1 is
    # singular, more is plural; a visa has at least one entry): this module imports no
    # Django, so it cannot mark an ngettext pair for the catalogue.
    said = (
        gettext_noop(
            "visa %(visa)s allows %(entries)s entry and was used: admission %(id)s "
            "at %(port)s on %(day)s"
        )
        if visa.entries == 1
        else gettext_noop(
            "visa %(visa)s allows %(entries)s entries and was used: admission %(id)s "
            "at %(port)s on %(day)s"
        )
    )
    return Conflict(
        said,
        code="visa_entries_used",
        field="visa_number",
        params={**_naming(visa, last), "entries": visa.entries},
    )


def _open_stay(
    visa: VisaTerms, *, admitted_on: dt.date, before: list[EarlierAdmission]
) -> VisabondError | None:
    # A record of a later stay may have arrived first (feeds are not ordered): only a stay
    # begun on or before this one is open before it.
    open_stay = next((a for a in before if not a.departed and a.admitted_on <= admitted_on), None)
    if open_stay is None:
        return None
    return Conflict(
        gettext_noop(
            "admission %(id)s at %(port)s on %(day)s on visa %(visa)s has no departure "
            "recorded: record the departure first"
        ),
        code="admission_open",
        field="visa_number",
        params=_naming(visa, open_stay),
    )


def _beyond_stay(
    visa: VisaTerms, admitted_on: dt.date, admit_until: dt.date
) -> VisabondError | None:
    limit = stay_limit(visa, admitted_on=admitted_on)
    if limit is None or admit_until <= limit:
        return None
    # One template per grammatical number (see `_entries_used`).
    said = (
        gettext_noop(
            "the admit-until date %(until)s is beyond the longest stay of visa "
            "%(visa)s: %(days)s day from %(day)s, so %(limit)s at the latest"
        )
        if visa.max_stay_days == 1
        else gettext_noop(
            "the admit-until date %(until)s is beyond the longest stay of visa "
            "%(visa)s: %(days)s days from %(day)s, so %(limit)s at the latest"
        )
    )
    return InvalidInput(
        said,
        code="admit_until_beyond_stay",
        field="admit_until",
        params={
            "until": admit_until,
            "visa": visa.number,
            "days": visa.max_stay_days,
            "day": admitted_on,
            "limit": limit,
        },
    )


def _naming(visa: VisaTerms, admission: EarlierAdmission) -> dict[str, object]:
    """The values a refusal names an earlier admission on `visa` by."""
    return {
        "visa": visa.number,
        "id": admission.admission_id,
        "port": admission.port,
        "day": admission.admitted_on,
    }
