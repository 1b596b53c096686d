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

Apart from them, which no one may override, `visa_zone_differences` says where the visa zone
the officer scanned (Doc 9303-7: number, expiry, issuing state) differs from the visa on file
for the traveller: the console then takes the visa on file by the passport, and admits only
once the officer has said why the visa shown is accepted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from visabond.core.errors import Conflict, InvalidInput, VisabondError, gettext_noop
from visabond.documents.mrz.errors import MrzError
from visabond.documents.mrz.writer import mrz_name_part


@dataclass(frozen=True, slots=True)
class VisaTerms:
    """A visa's conditions as captured on its case: the state whose program issued it
    (ISO 3166-1 alpha-3), its validity, its entries and its longest stay (None: no limit);
    and its holder's birth date (None: not known here) and surname ("": not known here)."""

    number: str
    issuer: str
    valid_from: dt.date
    valid_until: dt.date
    entries: int
    max_stay_days: int | None
    holder_birth_date: dt.date | None = None
    holder_surname: str = ""


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
    birth_date: dt.date | None = None,
) -> list[VisabondError]:
    """Every rule (see the module) an admission would break, in the module's order, each as
    `admission_refusal` would raise it: what the border console warns of when it reads the
    documents, before the officer confirms. `admit_until` None (not chosen yet) skips the
    longest-stay rule. `birth_date` is the presented passport's (Doc 9303-4 §4.2.2): a visa
    issued to a traveller born on another day is not this traveller's (`visa_holder_differs`,
    `Conflict`, field `visa_number`), whatever the name its zone carries."""
    before = sorted(earlier, key=lambda a: (a.admitted_on, a.admission_id))
    found = (
        _holder(visa, birth_date=birth_date),
        _for_state(visa, state=state),
        _valid(visa, admitted_on=admitted_on),
        _entries_used(visa, before=before),
        _open_stay(visa, admitted_on=admitted_on, before=before),
        None if admit_until is None else _beyond_stay(visa, admitted_on, admit_until),
    )
    return [error for error in found if error is not None]


def _holder(visa: VisaTerms, *, birth_date: dt.date | None) -> VisabondError | None:
    # A renewed passport keeps its holder's birth date (docs/border.md), so this refuses a
    # visa borrowed from another traveller, never one carried in an older passport.
    if birth_date is None or visa.holder_birth_date in (None, birth_date):
        return None
    return Conflict(
        gettext_noop(
            "visa %(visa)s was issued to a traveller born on %(holder)s, but the passport "
            "presented is of a traveller born on %(born)s: the visa is not this traveller's"
        ),
        code="visa_holder_differs",
        field="visa_number",
        params={
            "visa": visa.number,
            "holder": visa.holder_birth_date,
            "born": birth_date,
        },
    )


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


def visa_zone_differences(
    visa: VisaTerms,
    *,
    number: str,
    expiry: dt.date | None,
    issuing_state: str,
    surname: str = "",
) -> list[VisabondError]:
    """Where the visa zone scanned (its document number, expiry date and issuing state, Doc
    9303-7 §4.2) differs from `visa`, the visa on file for the traveller: one `InvalidInput`
    per field, in that order, naming both values (`visa_number_not_on_file`, field
    `visa_number`; `visa_expiry_not_on_file`, `visa_expiry`; `visa_issuer_not_on_file`,
    `visa_issuing_state`); [] when the zone is the visa on file's. A zone leaving its expiry
    unknown is not judged on it. A visa's last day of validity is its zone's expiry date
    (22 CFR 41.112: valid for entry until it expires). The zone's `surname` is compared
    last, as the MRZ writes names (Doc 9303-3 §6), a name cut short by the zone's length
    matching (`visa_name_not_on_file`, field `visa_surname`): a surname changed since the
    visa was issued (a marriage) is a reason the officer can give."""
    found: list[VisabondError] = []
    if number.strip().upper() != visa.number.strip().upper():
        found.append(
            InvalidInput(
                gettext_noop(
                    "the visa scanned is numbered %(scanned)s, but the visa on file for this "
                    "traveller is %(visa)s: say why the visa scanned is accepted, or refuse "
                    "admission"
                ),
                code="visa_number_not_on_file",
                field="visa_number",
                params={"scanned": number, "visa": visa.number},
            )
        )
    if expiry is not None and expiry != visa.valid_until:
        found.append(
            InvalidInput(
                gettext_noop(
                    "the visa scanned expires on %(scanned)s, but visa %(visa)s on file expires "
                    "on %(expiry)s: say why the visa scanned is accepted, or refuse admission"
                ),
                code="visa_expiry_not_on_file",
                field="visa_expiry",
                params={"scanned": expiry, "visa": visa.number, "expiry": visa.valid_until},
            )
        )
    if issuing_state.strip("<").upper() != visa.issuer.upper():
        found.append(
            InvalidInput(
                gettext_noop(
                    "the visa scanned was issued by %(scanned)s, but visa %(visa)s on file was "
                    "issued under %(issuer)s's program: say why the visa scanned is accepted, "
                    "or refuse admission"
                ),
                code="visa_issuer_not_on_file",
                field="visa_issuing_state",
                params={"scanned": issuing_state, "visa": visa.number, "issuer": visa.issuer},
            )
        )
    if surname and visa.holder_surname and _surnames_differ(surname, visa.holder_surname):
        found.append(
            InvalidInput(
                gettext_noop(
                    "the visa scanned names %(scanned)s, but visa %(visa)s on file was issued "
                    "to %(holder)s: say why the visa scanned is accepted, or refuse admission"
                ),
                code="visa_name_not_on_file",
                field="visa_surname",
                params={"scanned": surname, "visa": visa.number, "holder": visa.holder_surname},
            )
        )
    return found


def _surnames_differ(scanned: str, holder: str) -> bool:
    one, other = _as_written(scanned), _as_written(holder)
    return not (one.startswith(other) or other.startswith(one))


def _as_written(name: str) -> str:
    """A surname as an MRZ writes it (upper case, transliterated), its parts spaced."""
    try:
        return mrz_name_part(name, field="surname").replace("<", " ").strip()
    except MrzError:  # a script with no MRZ transliteration: compared as it is
        return name.strip().upper()


def _naming(visa: VisaTerms, admission: EarlierAdmission) -> dict[str, object]:
    """The values a refusal names an earlier admission on `visa` by."""
    return {
        "visa": visa.number,
        "id": admission.admission_id,
        "port": admission.port,
        "day": admission.admitted_on,
    }
