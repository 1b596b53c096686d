"""Pages of travellers' uploads: the public "did my departure register?" page (with the
evidence upload), and the border officer's pending uploads, each file and the verdict.

The public page asks by POST, so neither the bond number nor the birth date lands in an
address bar, a history or a server log; both of its questions are throttled per address
(`DEPARTURE_CHECK_THROTTLE_RATE`). The officer's pages check the role; the file is served
here, after that check, never as a static or media file.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from visabond.accounts.roles import Role, has_role
from visabond.border import upload_selectors, upload_services
from visabond.border.evidence_files import FileKind, megabytes
from visabond.border.models import DepartureUpload
from visabond.border.upload_forms import DepartureCheckForm, EvidenceUploadForm, UploadDecisionForm
from visabond.core.errors import NotFound, VisabondError
from visabond.web.forms import add_service_error
from visabond.web.localized import error_text
from visabond.web.throttle import client_address, lookup_allowed
from visabond.web.views import throttled

THROTTLE = {"scope": "departure-check", "setting": "DEPARTURE_CHECK_THROTTLE_RATE"}

# The services' refusals in the reader's language (they write English for logs and the API).
UPLOAD_ERRORS = {
    "token_invalid": gettext_lazy(
        "This form has expired: look your bond up again to send evidence."
    ),
    "file_type": gettext_lazy(
        "The file is not a PDF, PNG or JPEG (read from its content, not its name)."
    ),
    "file_unreadable": gettext_lazy("The file could not be opened: send a PDF, PNG or JPEG."),
    "file_empty": gettext_lazy("The file is empty."),
    "port_unknown": gettext_lazy("This is not an airport's IATA code."),
    "departed_on_future": gettext_lazy("This date is after today."),
    "departed_on_before_entry": gettext_lazy("This date is before your entry."),
    "bond_not_active": gettext_lazy(
        "Your bond has been decided already: evidence no longer changes it."
    ),
}


# What an upload is and where its verdict stands, as the officer's pages say them.
DOCUMENTS = {
    DepartureUpload.Document.BOARDING_PASS.value: gettext_lazy("Boarding pass"),
    DepartureUpload.Document.ENTRY_STAMP.value: gettext_lazy("Entry stamp of another country"),
}
VERDICTS = {
    DepartureUpload.State.PENDING.value: gettext_lazy("waiting for a verdict"),
    DepartureUpload.State.ACCEPTED.value: gettext_lazy("accepted: the departure counts"),
    DepartureUpload.State.REJECTED.value: gettext_lazy("rejected"),
}


@require_http_methods(["GET", "HEAD", "POST"])
def departure_check_page(request: HttpRequest) -> HttpResponse:
    """Public: a bond number and a date of birth give whether a departure is registered for
    the stay and its admit-until date, and nothing else (`upload_services.departure_check`)."""
    if request.method != "POST":
        return render(request, "border/uploads/check.html", {"form": DepartureCheckForm()})
    allowed, wait = lookup_allowed(request, **THROTTLE)
    if not allowed:
        return throttled(
            request, wait, back="departure-check", label=_("Back to the departure check")
        )
    form = DepartureCheckForm(request.POST)
    if not form.is_valid():
        return render(request, "border/uploads/check.html", {"form": form}, status=422)
    try:
        status = upload_services.departure_check(
            bond_number=form.cleaned_data["bond_number"],
            birth_date=form.cleaned_data["birth_date"],
            client=client_address(request),
        )
    except NotFound:
        form.add_error(None, _("We could not find a bond with these details."))
        return render(request, "border/uploads/check.html", {"form": form}, status=404)
    upload = EvidenceUploadForm(initial={"token": status.token}) if status.token else None
    return render(request, "border/uploads/check.html", _answer(status, upload))


@require_http_methods(["POST"])
def departure_evidence_upload(request: HttpRequest) -> HttpResponse:
    """Public, with the token a successful check gave: a boarding pass or another state's
    entry stamp, kept for a border officer (`upload_services.departure_upload`)."""
    allowed, wait = lookup_allowed(request, **THROTTLE)
    if not allowed:
        return throttled(
            request, wait, back="departure-check", label=_("Back to the departure check")
        )
    form = EvidenceUploadForm(request.POST, request.FILES)
    context: dict[str, Any] = {
        "upload_form": form,
        "form": None,
        "limit": megabytes(settings.UPLOAD_MAX_BYTES),
        "per_token": upload_services.UPLOADS_PER_TOKEN,
    }
    if not form.is_valid():
        return render(request, "border/uploads/check.html", context, status=422)
    sent = form.cleaned_data["file"]
    limit = settings.UPLOAD_MAX_BYTES
    try:
        upload_services.departure_upload(
            token=form.cleaned_data["token"],
            document=form.cleaned_data["document"],
            port=form.cleaned_data["port"],
            departed_on=form.cleaned_data["departed_on"],
            # A larger file is refused on its first bytes beyond the limit, not read whole.
            content=sent.read(limit + 1),
            original_name=sent.name or "",
            client=client_address(request),
        )
    except VisabondError as error:
        too_large = _("The file is larger than %(limit)s, the most accepted.") % {
            "limit": megabytes(limit)
        }
        add_service_error(
            form,
            error,
            aliases={"token": ""},
            messages={error.code: error_text(error), **UPLOAD_ERRORS, "file_too_large": too_large},
        )
        return render(request, "border/uploads/check.html", context, status=error.http_status)
    return render(request, "border/uploads/received.html", status=201)


def _answer(
    status: upload_services.DepartureStatus, upload: EvidenceUploadForm | None
) -> dict[str, Any]:
    evidence = {
        "exit_record": _("an exit record at the port"),
        "outbound_manifest": _("the airline's passenger list"),
        "other_state_entry": _("another country's record of your entry"),
        "traveller_upload": _("the document you sent, accepted by a border officer"),
    }
    return {
        "form": None,
        "status": status,
        "evidence": evidence.get(status.evidence, ""),
        "upload_form": upload,
        "limit": megabytes(settings.UPLOAD_MAX_BYTES),
        "per_token": upload_services.UPLOADS_PER_TOKEN,
    }


def _require_officer(request: HttpRequest) -> None:
    if not has_role(request.user, Role.BORDER_OFFICER):
        raise DjangoPermissionDenied(_("This page needs another role."))


@login_required
@require_safe
def uploads_page(request: HttpRequest) -> HttpResponse:
    """A border officer's travellers' uploads waiting for a verdict, oldest first."""
    _require_officer(request)
    uploads = list(upload_selectors.uploads_pending()[:500])
    return render(request, "border/uploads/list.html", {"uploads": uploads, "documents": DOCUMENTS})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def upload_page(request: HttpRequest, upload_id: int) -> HttpResponse:
    """One upload beside the stay it is for, and the verdict (accept or reject, a reason)."""
    _require_officer(request)
    upload = upload_selectors.upload_get(upload_id)
    form = UploadDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                upload_services.upload_decide(
                    upload_id=upload.pk,
                    accept=form.cleaned_data["decision"] == "accept",
                    reason=form.cleaned_data["reason"],
                    actor=request.user,  # type: ignore[arg-type]
                )
            except VisabondError as error:
                add_service_error(form, error, messages={error.code: error_text(error)})
                status = error.http_status
            else:
                messages.success(request, _("Verdict recorded."))
                return redirect("border-uploads")
    return render(
        request,
        "border/uploads/detail.html",
        {
            "upload": upload,
            "form": form,
            "documents": DOCUMENTS,
            "verdicts": VERDICTS,
            "is_image": upload.content_type != FileKind.PDF.value,
        },
        status=status,
    )


@login_required
@require_safe
def upload_file(request: HttpRequest, upload_id: int) -> FileResponse:
    """The upload's file, for a border officer: with the type read from its content, an
    image shown, a PDF downloaded (not run in this site's origin), sandboxed either way."""
    _require_officer(request)
    upload = upload_selectors.upload_get(upload_id)
    path = upload_selectors.upload_file(upload)
    response = FileResponse(
        path.open("rb"),
        content_type=upload.content_type,
        as_attachment=upload.content_type == FileKind.PDF.value,
        filename=f"upload-{upload.pk}{FileKind(upload.content_type).extension}",
    )
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
