"""The border console: admissions, refusals and departures at the port, the review queue,
the quarantined manifests.

Only a border officer reaches these pages. A record at the port takes two steps: the
officer scans or types the passport's and the visa's zones and the port, and the page reads
them (`zones.zones_read`) and shows the bond's conditions, warning when the port is not one
the visa designates; the officer then confirms. The confirmation carries the record id the
form was shown with and the moment the zones were read (signed), so a form sent twice
stores its record once (`services.admission_record` is idempotent on the record id). Every
write is one service call; its refusal is shown beside the field it names, in the page's
language, and the page answers with the refusal's status.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from visabond.accounts.roles import Role
from visabond.border import manifest_services, records, review_services, selectors, services
from visabond.border.forms import (
    AdmitForm,
    DepartureForm,
    ReprocessForm,
    ReviewResolveForm,
    ScanForm,
)
from visabond.border.intake import Stored
from visabond.border.models import Admission, ReviewItem
from visabond.border.zones import ScannedZones, zones_read
from visabond.core import clock
from visabond.core.errors import InvalidInput, VisabondError, gettext_noop
from visabond.core.text import is_blank
from visabond.web.access import page_user
from visabond.web.forms import add_service_error
from visabond.web.localized import day_shown, error_text

PORT_KEY = "border_port"  # the officer's port, remembered for the next traveller
SIGNED = "visabond.border.console.read"
READ_VALID_FOR = 3600  # seconds a reading stays confirmable
# The fields a record at the port names, shown beside the field of the form they came from.
ALIASES = {
    "document_number": "passport_mrz",
    "document_issuing_state": "passport_mrz",
    "birth_date": "passport_mrz",
    "nationality": "passport_mrz",
    "visa_number": "visa_mrz",
    "visa_expiry": "visa_mrz",
    "visa_issuing_state": "visa_mrz",
    "reason": "refusal_reason",
    "sender_record_id": "record_id",
}


def _officer(request: HttpRequest) -> AbstractBaseUser:
    return page_user(request, Role.BORDER_OFFICER)


def _sender(officer: AbstractBaseUser) -> str:
    """The sender the console's records are kept under: the officer, as the API keeps a
    signed-in officer's batches."""
    return f"officer:{officer.get_username()}"


def _refused(form: Any, error: VisabondError) -> int:
    aliases = ALIASES if isinstance(form, ScanForm) else None
    add_service_error(form, error, aliases=aliases, messages={error.code: error_text(error)})
    return error.http_status


class Reading:
    """The zones and port of a form, read, with the conditions found for them."""

    def __init__(self, zones: ScannedZones, port: str, at: dt.datetime) -> None:
        self.zones = zones
        self.port = port
        self.at = at
        self.conditions = selectors.admission_conditions(
            zones.traveller(), port=port, on=records.port_day(at, port)
        )

    @property
    def traveller(self) -> records.Traveller:
        return self.zones.traveller()

    @cached_property
    def visa_differences(self) -> list[VisabondError]:
        """Where the visa zone scanned differs from the visa on file for the traveller (found
        by its number, else by the passport: `placement.visa_of`), each as its refusal."""
        visa, zone = self.conditions.visa, self.zones.visa
        if visa is None or zone is None:
            return []
        return selectors.visa_zone_differences_on(
            visa,
            number=zone.document_number,
            expiry=zone.expiry_date,
            issuing_state=zone.issuing_state,
            surname=zone.surname,
        )


def _read(form: AdmitForm | DepartureForm) -> Reading:
    """Read the form's zones and port (raises `InvalidInput` naming the field), at the
    moment its signed token says they were first read, or now."""
    data = form.cleaned_data
    zones = zones_read(passport=data["passport_mrz"], visa=data["visa_mrz"], today=clock.today())
    port = records.port_code(data["port"])
    shown = _token(data.get("shown", ""))
    at = clock.now()
    if shown is not None and shown["d"] == _digest(data, port):
        at = dt.datetime.fromisoformat(shown["at"])
    return Reading(zones, port, at)


def _digest(data: dict[str, Any], port: str) -> str:
    text = "\n".join(
        (" ".join(data["passport_mrz"].split()), " ".join(data["visa_mrz"].split()), port)
    )
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _token(value: str) -> dict[str, str] | None:
    if not value:
        return None
    try:
        loaded = signing.loads(value, salt=SIGNED, max_age=READ_VALID_FOR)
    except signing.BadSignature:
        return None
    return loaded if isinstance(loaded, dict) else None


def _confirmable(form: AdmitForm | DepartureForm, reading: Reading) -> bool:
    """Whether the form confirms what was shown: the same zones and port, read lately."""
    shown = _token(form.cleaned_data.get("shown", ""))
    return shown is not None and shown["d"] == _digest(form.cleaned_data, reading.port)


def _shown_data(form: AdmitForm | DepartureForm, reading: Reading) -> QueryDict:
    assert isinstance(form.data, QueryDict)
    data = form.data.copy()
    token = {"d": _digest(form.cleaned_data, reading.port), "at": reading.at.isoformat()}
    data["shown"] = signing.dumps(token, salt=SIGNED)
    until = reading.conditions.stay_until
    if "admit_until" in form.fields and until is not None and not data.get("admit_until"):
        # The date the longest stay allows, unless the officer gave one.
        data["admit_until"] = until.isoformat()
    return data


def _record_page(
    request: HttpRequest,
    *,
    form_class: type[AdmitForm] | type[DepartureForm],
    template: str,
    actions: dict[str, Callable[[AbstractBaseUser, AdmitForm | DepartureForm, Reading], str]],
) -> HttpResponse:
    """The two steps every record at the port takes: read and show, then confirm."""
    officer = _officer(request)
    if request.method != "POST":
        form = form_class(initial={"port": request.session.get(PORT_KEY, "")})
        return render(request, template, {"form": form})
    action = request.POST.get("action", "read")
    if action != "read" and action not in actions:
        raise InvalidInput(
            f"unknown action {action!r}: read or one of {', '.join(actions)}",
            code="action_unknown",
            field="action",
        )
    form = form_class(request.POST)
    if not form.is_valid():
        return render(request, template, _invalid_context(form), status=422)
    try:
        reading = _read(form)
    except VisabondError as error:
        status = _refused(form, error)
        return render(request, template, {"form": form}, status=status)
    request.session[PORT_KEY] = reading.port
    if action == "read" or not _confirmable(form, reading):
        form = form_class(_shown_data(form, reading))
        form.is_valid()
        warnings = _warnings(form, reading)
        return render(request, template, {"form": form, "reading": reading, "warnings": warnings})
    try:
        said = actions[action](officer, form, reading)
    except VisabondError as error:
        status = _refused(form, error)
        # Every refusal still standing is shown again beside the one that stopped this one.
        warnings = _warnings(form, reading)
        context = {"form": form, "reading": reading, "warnings": warnings}
        return render(request, template, context, status=status)
    messages.success(request, said)
    return redirect(request.path)


def _invalid_context(form: AdmitForm | DepartureForm) -> dict[str, Any]:
    """The page for a form with a field the officer must correct: with the zones' reading
    and its warnings when the zones and port themselves are valid, so the field in error
    (a reason too long, say) is shown beside what asked for it, not on a bare form."""
    if not {"passport_mrz", "visa_mrz", "port"} <= set(form.cleaned_data):
        return {"form": form}
    try:
        reading = _read(form)
    except VisabondError:
        return {"form": form}
    return {"form": form, "reading": reading, "warnings": _warnings(form, reading)}


def _warnings(form: AdmitForm | DepartureForm, reading: Reading) -> list[dict[str, str]]:
    """What the admission's confirmation would be refused for, shown when the zones are read
    (and again beside a refusal): every refusal no acknowledgement overrides
    (`_hard_refusals`, the checks the confirm step makes, in the same words), then each way
    the visa zone scanned differs from the visa on file, which the officer may accept by
    saying why. Each is its rule's code and its message in the page's language, naming the
    record (the open admission's port and day, the visa's program). Nothing is written."""
    if "admit_until" not in form.fields:
        return []
    data = getattr(form, "cleaned_data", {})
    refusals = [*_hard_refusals(data.get("admit_until"), reading), *reading.visa_differences]
    return [{"code": error.code, "text": error_text(error)} for error in refusals]


def _hard_refusals(until: dt.date | None, reading: Reading) -> list[VisabondError]:
    """Every refusal of an admission until `until` (None: not chosen) that no checkbox or
    reason overrides, in the order the confirm step meets them: the admit-until date's
    (`records.admit_until_refusal`, which `records.admission_report` raises), then the
    visa's conditions (`selectors.admission_refusals_on`, which `services.admission_record`
    raises). The confirm step raises the first of them before any acknowledgement is asked,
    so a ticked box is never what stands between the officer and a refusal."""
    found: list[VisabondError] = []
    on = reading.conditions.on
    if until is not None:
        refusal = records.admit_until_refusal(until, admitted_on=on, port=reading.port)
        if refusal is not None:
            found.append(refusal)
    visa = reading.conditions.visa
    if visa is not None:
        document = reading.traveller.document
        found += selectors.admission_refusals_on(
            visa,
            port=reading.port,
            admitted_on=on,
            admit_until=until,
            birth_date=None if document is None else document.birth_date,
        )
    return found


def _admit(officer: AbstractBaseUser, form: AdmitForm | DepartureForm, reading: Reading) -> str:
    data = form.cleaned_data
    if data["admit_until"] is None:
        raise InvalidInput(
            gettext_noop("give the admit-until date"), code="required", field="admit_until"
        )
    report = records.admission_report(
        traveller=reading.traveller,
        port=reading.port,
        admitted_at=reading.at,
        admit_until=data["admit_until"],
        visa_class=data["visa_class"],
    )
    sender = _sender(officer)
    if not selectors.admission_stored(sender=sender, record_id=data["record_id"]):
        hard = _hard_refusals(report.admit_until, reading)
        if hard:
            raise hard[0]
    stored = services.admission_record(
        report,
        sender=sender,
        record_id=data["record_id"],
        actor=officer,
        acknowledged=_acknowledged(data, reading),
    )
    return _said(stored)


def _refuse(officer: AbstractBaseUser, form: AdmitForm | DepartureForm, reading: Reading) -> str:
    data = form.cleaned_data
    if not data["refusal_reason"].strip():
        raise InvalidInput(
            gettext_noop("say why admission is refused"),
            code="reason_missing",
            field="refusal_reason",
        )
    report = records.refusal_report(
        traveller=reading.traveller,
        port=reading.port,
        refused_at=reading.at,
        reason=data["refusal_reason"],
    )
    stored = services.admission_refusal_record(
        report, sender=_sender(officer), record_id=data["record_id"], actor=officer
    )
    return _said(stored)


def _depart(officer: AbstractBaseUser, form: AdmitForm | DepartureForm, reading: Reading) -> str:
    report = records.departure_report(
        traveller=reading.traveller, port=reading.port, departed_at=reading.at
    )
    stored = services.departure_record(
        report, sender=_sender(officer), record_id=form.cleaned_data["record_id"], actor=officer
    )
    return _said(stored)


def _acknowledged(data: dict[str, Any], reading: Reading) -> dict[str, str]:
    """What the officer checked and accepted for an admission no hard rule refuses, by rule
    code, with why: a port the visa does not designate (the box ticked: the bond's terms
    flag the record for verification, Form I-352), a visa zone that is not the visa on file
    (why, in the officer's words). Raises `InvalidInput` naming the field to fill:
    `port_not_designated` (`port_acknowledged`), or the first difference's rule
    (`visa_number_not_on_file`, `visa_expiry_not_on_file`, `visa_issuer_not_on_file`) in
    the words the read step warned with (`visa_difference_reason`)."""
    said: dict[str, str] = {}
    if not reading.conditions.port_designated:
        if not data["port_acknowledged"]:
            raise InvalidInput(
                gettext_noop(
                    "%(port)s is not a port this visa designates (%(ports)s): check, then tick "
                    "the box"
                ),
                code="port_not_designated",
                field="port_acknowledged",
                params={"port": reading.port, "ports": reading.conditions.ports},
            )
        said["port_not_designated"] = "checked"
    differences = reading.visa_differences
    if differences:
        reason = data["visa_difference_reason"].strip()
        if is_blank(reason):
            first = differences[0]
            raise InvalidInput(
                first.template,
                code=first.code,
                field="visa_difference_reason",
                params=first.params,
            )
        said.update((difference.code, reason) for difference in differences)
    return said


def _said(stored: Stored) -> str:
    """What the officer is told once a record is stored (or was already)."""
    if not stored.created:
        return _("This record was stored already: nothing was recorded twice.")
    record = stored.record
    bond = getattr(record, "bond", None)
    if isinstance(record, Admission):
        if bond is None:
            return _("Admission recorded (no bond of this program).")
        return _("Admission recorded until %(until)s: bond %(bond)s.") % {
            "until": day_shown(record.admit_until),
            "bond": bond.number,
        }
    if stored.kind == records.RecordKind.REFUSED_ADMISSION:
        return _("Refused admission recorded.")
    if stored.match == "matched":
        return _("Departure recorded and matched to the traveller's admission.")
    if ReviewItem.objects.filter(departure_id=record.pk).exists():
        return _("Departure recorded; no single admission matches it: it waits for review.")
    return _("Departure recorded; no admission of a bonded traveller matches it.")


@login_required
def border_admit(request: HttpRequest) -> HttpResponse:
    """Admit a traveller (or refuse admission): the zones read, the bond's conditions shown
    and a port the visa does not designate warned of, then the officer confirms."""
    return _record_page(
        request,
        form_class=AdmitForm,
        template="border/admit.html",
        actions={"admit": _admit, "refuse": _refuse},
    )


@login_required
def border_depart(request: HttpRequest) -> HttpResponse:
    """Record a departure seen at the port (an exit record), matched to the admission."""
    return _record_page(
        request,
        form_class=DepartureForm,
        template="border/depart.html",
        actions={"depart": _depart},
    )


def _candidates(item: ReviewItem, admissions: dict[int, Admission]) -> list[tuple[str, str]]:
    rows = [admissions[i] for i in item.candidates if i in admissions]
    return [
        (
            str(a.pk),
            _("%(port)s on %(day)s, until %(until)s (bond %(bond)s)")
            % {
                "port": a.port,
                "day": day_shown(a.admitted_on),
                "until": day_shown(a.authorized_until),
                "bond": a.bond.number if a.bond is not None else "—",
            },
        )
        for a in rows
    ]


@login_required
def border_review(request: HttpRequest) -> HttpResponse:
    """Records no rule could place (no admission, or several), with their candidates; the
    officer names the admission each concerns, or dismisses it, saying why."""
    officer = _officer(request)
    items = list(selectors.review_items_open()[:200])
    admissions = selectors.admissions_by_id(i for item in items for i in item.candidates)
    posted = request.POST.get("item", "") if request.method == "POST" else ""
    status = 200
    rows = []
    for item in items:
        prefix = f"item-{item.pk}"
        bound = request.POST if posted == str(item.pk) else None
        form = ReviewResolveForm(bound, prefix=prefix, candidates=_candidates(item, admissions))
        if bound is not None:
            if not form.is_valid():
                status = 422
            else:
                chosen = form.cleaned_data["admission"]
                try:
                    review_services.review_resolve(
                        item_id=item.pk,
                        admission_id=None if chosen == "none" else int(chosen),
                        note=form.cleaned_data["note"],
                        actor=officer,
                    )
                except VisabondError as error:
                    status = _refused(form, error)
                else:
                    messages.success(request, _("Review item %(id)s resolved.") % {"id": item.pk})
                    return redirect("border-review")
        rows.append({"item": item, "record": _record_of(item), "form": form})
    if posted and not any(str(r["item"].pk) == posted for r in rows):
        messages.error(request, _("This item was resolved already."))
        return redirect("border-review")
    return render(request, "border/review.html", {"rows": rows}, status=status)


def _record_of(item: ReviewItem) -> Any:
    return item.departure or item.status_decision or item.renewal


@login_required
def border_manifests(request: HttpRequest) -> HttpResponse:
    """Manifests held: quarantined ones with their error; an officer reads one again,
    accepting the defects they have checked, with a reason. Above them, the multi-part
    messages whose parts are pending: received, missing, and when the series is assembled
    regardless."""
    officer = _officer(request)
    posted = request.POST.get("manifest", "") if request.method == "POST" else ""
    status = 200
    rows = []
    for manifest in selectors.manifests_listed(quarantined=True)[:200]:
        bound = request.POST if posted == str(manifest.pk) else None
        form = ReprocessForm(bound, prefix=f"manifest-{manifest.pk}")
        if bound is not None:
            if not form.is_valid():
                status = 422
            else:
                try:
                    ingested = manifest_services.manifest_reprocess(
                        manifest_id=manifest.pk,
                        actor=officer,
                        accept=form.cleaned_data["accept"],
                        reason=form.cleaned_data["reason"],
                    )
                except VisabondError as error:
                    status = _refused(form, error)
                else:
                    if ingested.quarantined:
                        messages.warning(
                            request,
                            _("Manifest %(id)s is still quarantined: %(error)s")
                            % {"id": manifest.pk, "error": ingested.manifest.error_message},
                        )
                    else:
                        messages.success(
                            request, _("Manifest %(id)s processed.") % {"id": manifest.pk}
                        )
                    return redirect("border-manifests")
        rows.append({"manifest": manifest, "form": form})
    waiting = selectors.series_waiting()
    wait = selectors.series_wait()
    for series in waiting:
        series["due"] = series["series"].first_received_at + wait  # type: ignore[attr-defined]
    return render(
        request, "border/manifests.html", {"rows": rows, "waiting": waiting}, status=status
    )
