"""The traveller's departure check, their evidence upload and the officer's verdict: the check
reveals nothing to a wrong guess, the file is read by content and kept outside the web root,
and only an accepted upload counts for the sweep."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core import signing

from tests.border.evidence_samples import HTML, png
from tests.border_world import BORN, Bonded, admit, bonded, depart, grace
from tests.casework_world import person, today_is
from visabond.accounts.roles import Role
from visabond.audit.models import AuditEvent
from visabond.bonds.models import Bond
from visabond.border.evidence import EvidenceKind
from visabond.border.models import Departure, DepartureUpload, ReviewItem
from visabond.border.sweep_services import sweep_run
from visabond.border.upload_selectors import upload_dir
from visabond.border.upload_services import (
    UPLOADS_PER_TOKEN,
    DepartureStatus,
    departure_check,
    departure_upload,
    upload_decide,
)
from visabond.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied

pytestmark = pytest.mark.usefixtures("pilot")

D = dt.date.fromisoformat
CLIENT = "203.0.113.9"
NOON = dt.datetime(2025, 10, 31, 12, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _uploads_in(settings: object, tmp_path: Path) -> None:
    settings.UPLOAD_DIR = tmp_path / "data" / "uploads"  # type: ignore[attr-defined]


@pytest.fixture
def traveller() -> Bonded:
    return bonded()


def check(traveller: Bonded, *, born: dt.date = BORN, number: str | None = None) -> DepartureStatus:
    return departure_check(
        bond_number=traveller.bond.number if number is None else number,
        birth_date=born,
        client=CLIENT,
    )


def token_of(traveller: Bonded, *, at: dt.datetime = NOON - dt.timedelta(minutes=5)) -> str:
    """The upload token a check gives, shortly before the upload."""
    with today_is(at):
        return check(traveller).token


def upload(
    token: str,
    *,
    content: bytes | None = None,
    name: str = "boarding.pdf",
    document: str = "boarding_pass",
    port: str = "IAD",
    on: str = "2025-10-29",
    at: dt.datetime = NOON,
) -> DepartureUpload:
    with today_is(at):
        return departure_upload(
            token=token,
            document=document,
            port=port,
            departed_on=D(on),
            content=png() if content is None else content,
            original_name=name,
            client=CLIENT,
        )


def test_a_wrong_bond_number_and_a_wrong_birth_date_get_the_same_refusal(
    traveller: Bonded,
) -> None:
    admit(grace())
    with pytest.raises(NotFound) as wrong_number:
        check(traveller, number="B-0000-0000")
    with pytest.raises(NotFound) as wrong_birth:
        check(traveller, born=D("1990-04-03"))
    assert wrong_number.value.as_dict() == wrong_birth.value.as_dict()
    assert wrong_number.value.as_dict() == {
        "code": "bond_not_found",
        "field": "bond_number",
        "message": "we could not find a bond with these details",
    }
    assert not AuditEvent.objects.filter(action="border.departure_checked").exists()


def test_a_matched_check_shows_the_stay_and_the_deciding_departure_and_is_audited(
    traveller: Bonded,
) -> None:
    admit(grace(), until="2025-10-30")
    depart(grace(), on="2025-10-29", evidence=EvidenceKind.OUTBOUND_MANIFEST)
    status = check(traveller, number=traveller.bond.number.lower())
    assert (status.admit_until, status.departed_on, status.port, status.evidence) == (
        D("2025-10-30"),
        D("2025-10-29"),
        "IAD",
        "outbound_manifest",
    )
    (entry,) = AuditEvent.objects.filter(action="border.departure_checked")
    assert entry.details == {"bond": traveller.bond.number, "client": CLIENT}
    assert BORN.isoformat() not in str(entry.details)


def test_a_bond_with_no_entry_recorded_says_so_and_offers_no_upload(traveller: Bonded) -> None:
    status = check(traveller)
    assert (status.admit_until, status.departed_on, status.token) == (None, None, "")


def test_a_png_named_pdf_is_kept_as_the_png_it_is_outside_the_web_root(
    traveller: Bonded, settings: object
) -> None:
    admit(grace())
    kept = upload(token_of(traveller), name="boarding.pdf")
    assert kept.content_type == "image/png"
    assert kept.original_name == "boarding.pdf"
    assert re.fullmatch(r"[0-9a-f]{32}\.png", kept.stored_name)
    path = upload_dir() / kept.stored_name
    assert path.read_bytes() == png()
    assert path.is_relative_to(Path(settings.UPLOAD_DIR))  # type: ignore[attr-defined]
    for root in (settings.STATIC_ROOT, getattr(settings, "MEDIA_ROOT", "")):  # type: ignore[attr-defined]
        if root:
            assert not path.resolve().is_relative_to(Path(root).resolve())
    assert "static" not in path.parts


def test_an_upload_becomes_an_uncounted_departure_on_the_bonds_admission(
    traveller: Bonded,
) -> None:
    admission = admit(grace()).record
    kept = upload(token_of(traveller))
    departure = Departure.objects.get(pk=kept.departure_id)
    assert (departure.evidence, departure.accepted) == ("traveller_upload", False)
    assert departure.admission_id == admission.pk
    assert departure.departed_on == D("2025-10-29")
    assert (kept.state, kept.admission_id, kept.bond_id) == (
        "pending",
        admission.pk,
        traveller.bond.pk,
    )
    assert check(traveller).departed_on is None
    assert check(traveller).uploads_pending == 1


def test_another_states_entry_stamp_is_placed_on_the_bond_and_names_no_exit_port(
    traveller: Bonded,
) -> None:
    admission = admit(grace()).record
    kept = upload(token_of(traveller), document="entry_stamp", port="ADD", on="2025-10-30")
    departure = Departure.objects.get(pk=kept.departure_id)
    assert (departure.admission_id, departure.state) == (admission.pk, "ETH")
    assert departure.port_designated
    assert not ReviewItem.objects.filter(state="open").exists()


def test_an_html_file_named_pdf_is_refused_naming_the_field_and_keeps_nothing(
    traveller: Bonded,
) -> None:
    admit(grace())
    with pytest.raises(InvalidInput) as refused:
        upload(token_of(traveller), content=HTML, name="boarding.pdf")
    assert (refused.value.code, refused.value.field) == ("file_type", "file")
    assert not Departure.objects.exists()
    assert not upload_dir().exists() or not any(upload_dir().iterdir())


def test_a_file_over_the_limit_is_refused_naming_the_limit(traveller: Bonded) -> None:
    admit(grace())
    with pytest.raises(InvalidInput) as refused:
        upload(token_of(traveller), content=png() + bytes(5 * 1024 * 1024))
    assert (refused.value.code, refused.value.field) == ("file_too_large", "file")
    assert "5 MB" in refused.value.message
    assert not Departure.objects.exists()


def test_a_forged_or_expired_token_is_refused(traveller: Bonded) -> None:
    admission = admit(grace()).record
    forged = signing.dumps({"bond": traveller.bond.pk, "admission": admission.pk}, salt="other")
    with pytest.raises(InvalidInput) as refused:
        upload(forged)
    assert (refused.value.code, refused.value.field) == ("token_invalid", "token")
    token = token_of(traveller, at=NOON - dt.timedelta(minutes=30))
    assert upload(token).admission_id == admission.pk  # 30 minutes: still good
    with pytest.raises(InvalidInput) as expired:
        upload(token, at=NOON + dt.timedelta(seconds=1))
    assert expired.value.code == "token_invalid"
    assert Departure.objects.count() == 1


def test_one_token_takes_one_set_of_evidence_and_a_new_lookup_gives_another(
    traveller: Bonded,
) -> None:
    admit(grace())
    token = token_of(traveller)
    for _ in range(UPLOADS_PER_TOKEN):
        upload(token)
    with pytest.raises(Conflict) as used:
        upload(token)
    assert (used.value.code, used.value.field) == ("token_used", "token")
    assert f"its {UPLOADS_PER_TOKEN} files already" in used.value.message
    assert DepartureUpload.objects.count() == UPLOADS_PER_TOKEN
    later = token_of(traveller, at=NOON + dt.timedelta(minutes=1))
    upload(later, at=NOON + dt.timedelta(minutes=2))
    assert DepartureUpload.objects.count() == UPLOADS_PER_TOKEN + 1


def test_an_accepted_upload_before_the_last_day_cancels_the_bond_at_the_sweep(
    traveller: Bonded,
) -> None:
    admit(grace(), until="2025-10-30")
    kept = upload(token_of(traveller), on="2025-10-29")
    officer = person("officer-border", Role.BORDER_OFFICER)
    decided = upload_decide(
        upload_id=kept.pk, accept=True, reason="IAD stamp legible", actor=officer
    )
    assert decided.state == "accepted"
    assert check(traveller).evidence == "traveller_upload"
    run = sweep_run(as_of=D("2025-10-31"), actor="visabond sweep")
    assert run.counts == {"cancel:departed_on_time": 1}
    assert Bond.objects.get(pk=traveller.bond.pk).state == "cancelled"
    (entry,) = AuditEvent.objects.filter(action="border.upload_decided")
    assert entry.details["state"] == "accepted"
    assert entry.actor_name == "officer-border"


def test_an_upload_not_accepted_does_not_cancel_the_bond(traveller: Bonded) -> None:
    admit(grace(), until="2025-10-30")
    upload(token_of(traveller), on="2025-10-29")
    run = sweep_run(as_of=D("2025-10-31"), actor="visabond sweep")
    assert "cancel:departed_on_time" not in run.counts
    assert Bond.objects.get(pk=traveller.bond.pk).state != "cancelled"


def test_a_rejected_upload_never_counts(traveller: Bonded) -> None:
    admit(grace(), until="2025-10-30")
    kept = upload(token_of(traveller), on="2025-10-29")
    officer = person("officer-border", Role.BORDER_OFFICER)
    upload_decide(upload_id=kept.pk, accept=False, reason="not her name", actor=officer)
    assert not Departure.objects.get(pk=kept.departure_id).accepted
    with pytest.raises(Conflict) as again:
        upload_decide(upload_id=kept.pk, accept=True, reason="changed my mind", actor=officer)
    assert again.value.code == "upload_decided"
    assert sweep_run(as_of=D("2025-10-31"), actor="visabond sweep").counts == {
        "suspect:overstay": 1
    }


def test_only_a_border_officer_decides_and_a_reason_is_required(traveller: Bonded) -> None:
    admit(grace())
    kept = upload(token_of(traveller))
    with pytest.raises(PermissionDenied):
        upload_decide(
            upload_id=kept.pk, accept=True, reason="x", actor=person("adj", Role.BOND_ADJUDICATOR)
        )
    officer = person("officer-border", Role.BORDER_OFFICER)
    with pytest.raises(InvalidInput) as no_reason:
        upload_decide(upload_id=kept.pk, accept=True, reason="  ", actor=officer)
    assert (no_reason.value.code, no_reason.value.field) == ("reason_missing", "reason")
    assert DepartureUpload.objects.get(pk=kept.pk).state == "pending"


def test_an_upload_for_a_bond_already_forfeited_or_cancelled_cannot_be_accepted(
    traveller: Bonded,
) -> None:
    admit(grace(), until="2025-10-30")
    kept = upload(token_of(traveller), on="2025-10-29")
    Bond.objects.filter(pk=traveller.bond.pk).update(state="forfeited")
    officer = person("officer-border", Role.BORDER_OFFICER)
    with pytest.raises(Conflict) as refused:
        upload_decide(upload_id=kept.pk, accept=True, reason="IAD stamp legible", actor=officer)
    assert refused.value.code == "bond_decided"
    assert not Departure.objects.get(pk=kept.departure_id).accepted
    assert not AuditEvent.objects.filter(action="border.upload_decided").exists()
    # A rejection still closes it.
    assert upload_decide(upload_id=kept.pk, accept=False, reason="late", actor=officer).state == (
        "rejected"
    )
