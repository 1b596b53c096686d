"""The traveller's "did my departure register?", their evidence upload, and an officer's verdict.

Entry points (docs/writes.md):

- `departure_check`: a bond number and the traveller's birth date give, and give only,
  whether a departure is registered for the stay (its day, port and kind of evidence) and
  the stay's admit-until date. A wrong number and a wrong birth date get the one same
  refusal, by the same path (one query, one constant-time comparison), so the page tells
  nobody whether a bond exists. A lookup that matched is audited (never the birth date); a
  failed one is only logged, with a keyed hash of the number asked, so probing shows.
- `departure_upload`: with the short-lived signed token the check gave (not the birth date
  again), a boarding pass or another state's entry stamp, read by its content
  (`evidence_files`), kept under `settings.UPLOAD_DIR` by a random name; it becomes a
  departure on the evidence `traveller_upload`, not counted (`accepted=False`), linked to the
  bond's admission, and waits for a border officer.
- `upload_decide`: a border officer accepts it (the departure counts from now on: the sweep
  reads it) or rejects it, with a reason. Audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils.translation import gettext_lazy

from visabond.accounts.roles import Role, require_role_of_actor
from visabond.audit.actors import Actor, actor_name, actor_user_id
from visabond.audit.services import AuditAction, audit_record
from visabond.bonds.lifecycle import BondState
from visabond.bonds.models import Bond
from visabond.border import records
from visabond.border.evidence import EvidenceKind
from visabond.border.evidence_files import EvidenceFile, evidence_file_read
from visabond.border.intake import admission_refresh, record_link, report_store
from visabond.border.models import (
    Admission,
    Departure,
    DepartureUpload,
    MatchState,
    ReviewItem,
)
from visabond.border.records import RecordKind
from visabond.border.upload_selectors import upload_dir
from visabond.core import clock
from visabond.core.airports import airport_time_zone
from visabond.core.errors import Conflict, InvalidInput, NotFound, gettext_noop
from visabond.core.references import normalise_reference

logger = logging.getLogger(__name__)

CHECKER = "departure check"
UPLOAD_SENDER = "traveller-upload"
TOKEN_SALT = "visabond.border.departure-upload"  # noqa: S105 - a namespace, not a secret
# Long enough to find the file on a phone and send it; short enough that a token seen over
# a shoulder or left in a browser's history is soon worth nothing.
TOKEN_MAX_AGE = dt.timedelta(minutes=30)
# One set of evidence per token: a boarding pass, a stamp, a second page. More files for the
# stay need a new lookup, so a token seen over a shoulder cannot flood the officers' queue.
UPLOADS_PER_TOKEN = 3
NOT_FOUND = "we could not find a bond with these details"
DECIDED_BONDS = frozenset(
    {BondState.BREACHED, BondState.FORFEITED, BondState.CANCELLED, BondState.REFUNDED}
)
# A verdict as a refusal names it, in the reader's language (evaluated when said).
VERDICTS = {
    DepartureUpload.State.ACCEPTED.value: gettext_lazy("accepted"),
    DepartureUpload.State.REJECTED.value: gettext_lazy("rejected"),
}
# Compared against when no bond has the number asked, so both refusals take the same path.
_NO_BIRTH_DATE = "0000-00-00"


@dataclass(frozen=True)
class DepartureStatus:
    """What the check tells the traveller about the bond's latest stay, and nothing else.

    `admit_until` is None when no entry is recorded; `departed_on`, `port` and `evidence`
    (an `EvidenceKind` value) describe the departure that counts, when one does;
    `uploads_pending` counts their uploads waiting for an officer; `token` lets them upload
    evidence for the stay (empty without an entry to close).
    """

    bond_number: str
    admit_until: dt.date | None
    departed_on: dt.date | None
    port: str
    evidence: str
    uploads_pending: int
    token: str


def departure_check(*, bond_number: str, birth_date: dt.date, client: str) -> DepartureStatus:
    """Whether a departure is registered for bond `bond_number`'s stay (see the module).

    An entry point: a matched lookup is an audit entry naming the bond and `client` (the
    asking address). Raises `NotFound` (`bond_not_found`, field `bond_number`) with the same
    message whether the number or the birth date is wrong.
    """
    number = normalise_reference(bond_number)[:40]
    bond = Bond.objects.select_related("case").filter(number=number).first()
    expected = _NO_BIRTH_DATE if bond is None else bond.case.birth_date.isoformat()
    matched = hmac.compare_digest(expected.encode(), birth_date.isoformat().encode())
    if bond is None or not matched:
        logger.info("departure check refused: bond number hash %s", _keyed_hash(number))
        raise NotFound(NOT_FOUND, code="bond_not_found", field="bond_number")
    admission = _latest_admission(bond)
    with transaction.atomic(durable=True):
        audit_record(
            AuditAction.DEPARTURE_CHECKED,
            subject=bond,
            actor=CHECKER,
            details={"bond": bond.number, "client": client},
        )
    if admission is None:
        return DepartureStatus(bond.number, None, None, "", "", 0, "")
    departure = admission.deciding_departure
    pending = DepartureUpload.objects.filter(
        admission=admission, state=DepartureUpload.State.PENDING
    ).count()
    return DepartureStatus(
        bond_number=bond.number,
        admit_until=admission.authorized_until,
        departed_on=None if departure is None else departure.departed_on,
        port="" if departure is None else departure.port,
        evidence="" if departure is None else departure.evidence,
        uploads_pending=pending,
        token=_upload_token(bond_id=bond.pk, admission_id=admission.pk),
    )


def _upload_token(*, bond_id: int, admission_id: int) -> str:
    """A signed token naming the bond and the admission an upload is for, and when it was
    given (Django's signing, keyed by the secret key); good for `TOKEN_MAX_AGE` on the
    installation's clock."""
    issued = int(clock.now().timestamp())
    return signing.dumps(
        {"bond": bond_id, "admission": admission_id, "issued": issued}, salt=TOKEN_SALT
    )


def departure_upload(
    *,
    token: str,
    document: str,
    port: str,
    departed_on: dt.date,
    content: bytes,
    original_name: str,
    client: str,
) -> DepartureUpload:
    """Keep a traveller's evidence of departure for the stay `token` names (see the module).

    `document` is `boarding_pass` (`port`: the airport left from, `departed_on` the day of
    the flight) or `entry_stamp` (`port`: the airport of arrival in the other state, the
    stamp's day). An entry point. Raises `InvalidInput` naming the field: `token_invalid`
    (expired or forged: look the bond up again), `document_unknown`, `port_unknown`,
    `departed_on_future` / `departed_on_before_entry`, and the file's refusals
    (`evidence_files.evidence_file_read`: type, size, unreadable); `Conflict`
    (`bond_not_active`) once the bond was decided, (`token_used`) once the token took
    `UPLOADS_PER_TOKEN` files (counted as the stay's uploads since the token was given).
    """
    bond_id, admission_id, issued = _token_read(token)
    try:
        kind = DepartureUpload.Document(document)
    except ValueError:
        raise InvalidInput(
            "the document is a boarding pass or an entry stamp",
            code="document_unknown",
            field="document",
        ) from None
    port = records.port_code(port)
    if departed_on > clock.today():
        raise InvalidInput(
            f"{departed_on} is after today", code="departed_on_future", field="departed_on"
        )
    evidence = evidence_file_read(content, field="file", max_bytes=settings.UPLOAD_MAX_BYTES)
    stored_name = secrets.token_hex(16) + evidence.kind.extension
    path = upload_dir() / stored_name
    written = False
    try:
        with transaction.atomic(durable=True):
            upload = _upload_store(
                bond_id=bond_id,
                admission_id=admission_id,
                issued=issued,
                kind=kind,
                port=port,
                departed_on=departed_on,
                evidence=evidence,
                stored_name=stored_name,
                original_name=original_name,
                sha256=hashlib.sha256(content).hexdigest(),
                client=client,
            )
            # Written before the commit: a row never names a file that is not there. If the
            # commit then fails, the file is removed below.
            _file_write(path, content)
            written = True
    except BaseException:
        if written:
            path.unlink(missing_ok=True)
        raise
    return upload


def upload_decide(*, upload_id: int, accept: bool, reason: str, actor: Actor) -> DepartureUpload:
    """A border officer's verdict on upload `upload_id`: accepted, its departure counts (the
    admission's deciding departure is recomputed, so the next sweep reads it); rejected, it
    never counts. The reason is kept and audited.

    An entry point for a border officer (`PermissionDenied` otherwise). Raises
    `InvalidInput` (`reason_missing`), `NotFound` (`upload_not_found`), `Conflict`
    (`upload_decided`) for an upload decided already, (`bond_decided`) to accept one for a
    bond breached, forfeited, cancelled or refunded.
    """
    require_role_of_actor(actor, Role.BORDER_OFFICER)
    why = reason.strip()
    if not why:
        raise InvalidInput(
            gettext_noop("say why: a verdict on an upload gives its reason"),
            code="reason_missing",
            field="reason",
        )
    with transaction.atomic(durable=True):
        upload = (
            DepartureUpload.objects.select_for_update()
            .select_related("departure", "admission", "bond")
            .filter(pk=upload_id)
            .first()
        )
        if upload is None:
            raise NotFound(
                gettext_noop("there is no upload %(id)s"),
                code="upload_not_found",
                field="id",
                params={"id": upload_id},
            )
        if upload.state != DepartureUpload.State.PENDING:
            raise Conflict(
                gettext_noop(
                    "upload %(id)s was given its verdict already (%(verdict)s, by %(by)s): "
                    "a verdict is given once"
                ),
                code="upload_decided",
                field="id",
                params={
                    "id": upload_id,
                    "verdict": VERDICTS.get(upload.state, upload.state),
                    "by": upload.decided_by_name,
                },
            )
        if accept and upload.bond.state in DECIDED_BONDS:
            # The bond's fate is settled: new evidence goes to the obligor's contest, which
            # reopens the adjudication, not silently under a decided bond.
            raise Conflict(
                gettext_noop(
                    "bond %(bond)s is %(state)s already: evidence now counts only through "
                    "the obligor's contest"
                ),
                code="bond_decided",
                field="id",
                params={"bond": upload.bond.number, "state": upload.bond.state},
            )
        upload.state = DepartureUpload.State.ACCEPTED if accept else DepartureUpload.State.REJECTED
        upload.decided_at = clock.now()
        upload.decided_by_id = actor_user_id(actor)
        upload.decided_by_name = actor_name(actor)
        upload.reason = why
        upload.save()
        if accept:
            departure = upload.departure
            departure.accepted = True
            departure.save(update_fields=["accepted"])
            admission_refresh(upload.admission)
        audit_record(
            AuditAction.UPLOAD_DECIDED,
            subject=upload,
            actor=actor,
            details={
                "upload": upload.pk,
                "bond": upload.bond.number,
                "departure": upload.departure_id,
                "state": upload.state,
                "reason": why,
            },
        )
    return upload


def _latest_admission(bond: Bond) -> Admission | None:
    return (
        Admission.objects.filter(bond=bond)
        .select_related("deciding_departure")
        .order_by("-admitted_at", "-pk")
        .first()
    )


def _token_read(token: str) -> tuple[int, int, dt.datetime]:
    refused = InvalidInput(
        "this form has expired: look your bond up again to send evidence",
        code="token_invalid",
        field="token",
    )
    try:
        data: Any = signing.loads(token, salt=TOKEN_SALT)
        bond_id, admission_id, issued = int(data["bond"]), int(data["admission"]), data["issued"]
        given = dt.datetime.fromtimestamp(int(issued), tz=dt.UTC)
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError):
        raise refused from None
    if not dt.timedelta(0) <= clock.now() - given <= TOKEN_MAX_AGE:
        raise refused
    return bond_id, admission_id, given


def _upload_store(
    *,
    bond_id: int,
    admission_id: int,
    issued: dt.datetime,
    kind: DepartureUpload.Document,
    port: str,
    departed_on: dt.date,
    evidence: EvidenceFile,
    stored_name: str,
    original_name: str,
    sha256: str,
    client: str,
) -> DepartureUpload:
    """The rows of an upload: its departure, the upload itself, the audit entry."""
    bond = Bond.objects.select_for_update().get(pk=bond_id)
    if bond.state != BondState.ACTIVE:
        raise Conflict(
            f"bond {bond.number} is {bond.state}: evidence of departure no longer decides it",
            code="bond_not_active",
            field="token",
        )
    # The bond's row is locked above: uploads with one token are counted one at a time.
    sent = DepartureUpload.objects.filter(admission_id=admission_id, uploaded_at__gte=issued)
    if sent.count() >= UPLOADS_PER_TOKEN:
        raise Conflict(
            gettext_noop(
                "this form took its %(count)s files already: look your bond up again to send more"
            ),
            code="token_used",
            field="token",
            params={"count": UPLOADS_PER_TOKEN},
        )
    admission = Admission.objects.select_related("visa").get(pk=admission_id)
    if departed_on < admission.admitted_on:
        raise InvalidInput(
            f"the stay began on {admission.admitted_on}: a departure on {departed_on} is before it",
            code="departed_on_before_entry",
            field="departed_on",
        )
    departure = _departure_store(admission, kind=kind, port=port, day=departed_on, name=stored_name)
    upload = DepartureUpload.objects.create(
        bond=bond,
        admission=admission,
        departure=departure,
        document=kind.value,
        content_type=evidence.kind.value,
        stored_name=stored_name,
        original_name=original_name.strip()[:255],
        size=evidence.size,
        sha256=sha256,
    )
    audit_record(
        AuditAction.UPLOAD_RECEIVED,
        subject=upload,
        actor=CHECKER,
        details={
            "upload": upload.pk,
            "bond": bond.number,
            "admission": admission.pk,
            "departure": departure.pk,
            "document": kind.value,
            "content_type": evidence.kind.value,
            "size": evidence.size,
            "sha256": sha256,
            "client": client,
        },
    )
    return upload


def _departure_store(
    admission: Admission, *, kind: DepartureUpload.Document, port: str, day: dt.date, name: str
) -> Departure:
    """The upload as a departure on the evidence `traveller_upload`, linked to `admission`.

    A boarding pass or stamp gives a day, not a moment: it is taken at noon at the port,
    so the day at the port is the day shown. The matcher places it like any report; an
    upload is about the bond it was sent for, so it is linked to that bond's admission
    whatever the matcher found (another state's port matches no admission here).
    """
    moment = dt.datetime.combine(
        day, dt.time(12), tzinfo=ZoneInfo(airport_time_zone(port) or "UTC")
    )
    traveller = records.traveller(
        document_number=admission.document_number,
        document_issuing_state=admission.document_issuing_state,
        birth_date=admission.birth_date,
        nationality=admission.nationality,
        visa_number=admission.visa_number,
    )
    report = records.departure_report(
        traveller=traveller, port=port, departed_at=moment, evidence=EvidenceKind.TRAVELLER_UPLOAD
    )
    stored = report_store(
        RecordKind.DEPARTURE, report, sender=UPLOAD_SENDER, record_id=name, actor=CHECKER
    )
    departure = stored.record
    assert isinstance(departure, Departure)
    if departure.admission_id != admission.pk:
        record_link(departure, admission, state=MatchState.MATCHED, on="bond")
        ReviewItem.objects.filter(departure=departure, state=ReviewItem.State.OPEN).update(
            state=ReviewItem.State.RESOLVED,
            admission=admission,
            resolved_at=clock.now(),
            resolved_by_name=CHECKER,
            note="a traveller's upload for this bond: an officer judges it as an upload",
        )
    if kind is DepartureUpload.Document.ENTRY_STAMP and not departure.port_designated:
        # Another state's entry stamp names no exit port of the admitting state (as for
        # the evidence `other_state_entry`, `intake._link`).
        departure.port_designated = True
        departure.save(update_fields=["port_designated"])
    return departure


def _file_write(path: Path, content: bytes) -> None:
    """Write an uploaded file, readable by the service's user only."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # "x": a name drawn twice never overwrites another traveller's file.
    with path.open("xb") as handle:
        handle.write(content)
    path.chmod(0o600)


def _keyed_hash(number: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), number.encode(), hashlib.sha256).hexdigest()[:16]
