"""The border console: only a border officer reaches it; the zones are read and the bond's
conditions shown before anything is recorded, a port the visa does not designate is warned
of and must be acknowledged, a bad zone is refused beside its field in the page's language,
and a form sent twice records once. The review queue and the quarantined manifests are
resolved through their services."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.test import Client

from tests.border.test_manifest_series import part
from tests.border.test_manifest_services import with_unt_count
from tests.border_world import Bonded, admit, bonded, depart, grace, manifest_passenger, paxlst
from tests.casework_world import person, td3
from tests.pages import signed_in
from visabond.accounts.roles import Role
from visabond.audit.models import AuditEvent
from visabond.border.manifest_services import manifest_ingest
from visabond.border.models import (
    Admission,
    Departure,
    PaxlstManifest,
    PaxlstSeries,
    RefusedAdmission,
    ReviewItem,
)
from visabond.casework.models import Case, Visa
from visabond.core import clock
from visabond.documents.mrz.writer import VisaZoneData, mrva_zone
from visabond.policy.models import Program

pytestmark = pytest.mark.usefixtures("pilot")

# 11:00 in New York on 2025-10-01: the visa (2025-09-01 to 2025-11-29) is valid.
AT_THE_PORT = dt.datetime(2025, 10, 1, 15, 0, tzinfo=dt.UTC)
ADMIT = "/border/admit/"


@pytest.fixture
def traveller() -> Bonded:
    return bonded()


@pytest.fixture
def officer() -> Client:
    return signed_in(person("border-jfk", Role.BORDER_OFFICER))


def zones(traveller: Bonded, **changes: str) -> dict[str, str]:
    return {
        "passport_mrz": td3(),
        "visa_mrz": f"{traveller.visa.mrz_line1}\n{traveller.visa.mrz_line2}",
        "port": "JFK",
        "visa_class": "B2",
        "admit_until": "2025-10-30",
        "record_id": "console-0001",
        **changes,
    }


def read(client: Client, data: dict[str, str], path: str = ADMIT) -> Any:
    with clock.frozen(AT_THE_PORT):
        return client.post(path, {**data, "action": "read"})


def shown_token(page: str) -> str:
    found = re.search(r'name="shown" value="([^"]+)"', page)
    assert found, "the reading's token is in the form"
    return found.group(1)


def confirm(client: Client, data: dict[str, str], action: str = "admit", path: str = ADMIT) -> Any:
    """Read the zones, then confirm what was shown, as the officer's two clicks do."""
    shown = read(client, data, path)
    assert shown.status_code == 200
    with clock.frozen(AT_THE_PORT + dt.timedelta(minutes=1)):
        return client.post(
            path, {**data, "shown": shown_token(shown.content.decode()), "action": action}
        )


@pytest.mark.parametrize(
    "path", ["/border/admit/", "/border/departures/", "/border/review/", "/border/manifests/"]
)
def test_only_a_border_officer_reaches_the_border_console(path: str) -> None:
    consul = signed_in(person("consul", Role.CONSULAR_OFFICER))
    adjudicator = signed_in(person("adjudicator", Role.BOND_ADJUDICATOR))
    officer = signed_in(person("border", Role.BORDER_OFFICER))
    assert Client().get(path).status_code == 302
    assert consul.get(path).status_code == 403
    assert adjudicator.post(path, {"action": "read"}).status_code == 403
    assert officer.get(path).status_code == 200


def test_reading_the_zones_shows_the_bonds_conditions_and_records_nothing(
    traveller: Bonded, officer: Client
) -> None:
    page = read(officer, zones(traveller))
    text = page.content.decode()
    assert page.status_code == 200
    bond = traveller.bond
    assert f'id="bond-number">{bond.number}<' in text
    assert "10,000.00 USD" in text or "10000.00 USD" in text or "10 000" in text
    assert 'id="designated-ports">BOS JFK IAD<' in text
    assert "2025-09-01 – 2025-11-29" in text
    assert 'id="longest-stay"' in text
    assert 'id="port-warning"' not in text
    assert not Admission.objects.exists()


def test_a_port_the_visa_does_not_designate_is_warned_of_and_must_be_acknowledged(
    traveller: Bonded, officer: Client
) -> None:
    data = zones(traveller, port="LAX")
    shown = read(officer, data)
    assert 'id="port-warning"' in shown.content.decode()
    assert "LAX is not a port this visa designates (BOS, JFK, IAD)" in shown.content.decode()
    refused = confirm(officer, data)
    assert refused.status_code == 422
    assert refused.context["form"].has_error("port_acknowledged", "port_not_designated")
    assert not Admission.objects.exists()
    admitted = confirm(officer, {**data, "port_acknowledged": "on"})
    assert admitted.status_code == 302
    admission = Admission.objects.get()
    assert (admission.port, admission.entry_port_designated) == ("LAX", False)


def test_the_admission_confirmed_is_recorded_with_its_bond(
    traveller: Bonded, officer: Client
) -> None:
    answer = confirm(officer, zones(traveller))
    assert answer.status_code == 302
    admission = Admission.objects.get()
    assert admission.bond_id == traveller.bond.pk
    assert (admission.port, admission.admit_until) == ("JFK", dt.date(2025, 10, 30))
    assert admission.admitted_at == AT_THE_PORT  # the moment the zones were read
    assert admission.sender == "officer:border-jfk"
    followed = officer.get(answer["Location"])
    assert f"bond {traveller.bond.number}" in followed.content.decode()


def test_a_confirmation_sent_twice_records_the_admission_once(
    traveller: Bonded, officer: Client
) -> None:
    data = zones(traveller)
    shown = read(officer, data)
    confirmation = {**data, "shown": shown_token(shown.content.decode()), "action": "admit"}
    for minutes in (1, 2):
        with clock.frozen(AT_THE_PORT + dt.timedelta(minutes=minutes)):
            assert officer.post(ADMIT, confirmation).status_code == 302
    assert Admission.objects.count() == 1
    again = officer.get(ADMIT).content.decode()
    assert "stored already" in again


def test_a_confirmation_of_zones_or_a_port_not_shown_shows_them_first(
    traveller: Bonded, officer: Client
) -> None:
    data = zones(traveller)
    shown = read(officer, data)
    token = shown_token(shown.content.decode())
    with clock.frozen(AT_THE_PORT):
        other_port = officer.post(ADMIT, {**data, "port": "LAX", "shown": token, "action": "admit"})
    assert other_port.status_code == 200
    assert 'id="port-warning"' in other_port.content.decode()
    assert not Admission.objects.exists()


def test_a_passport_zone_with_a_wrong_check_digit_is_refused_beside_its_field(
    traveller: Bonded, officer: Client
) -> None:
    line1, line2 = td3().splitlines()
    broken = line1 + "\n" + line2[:9] + ("0" if line2[9] != "0" else "1") + line2[10:]
    answer = read(officer, zones(traveller, passport_mrz=broken))
    assert answer.status_code == 422
    form = answer.context["form"]
    assert form.has_error("passport_mrz", "mrz_check_failed")
    assert not form.has_error("visa_mrz")
    assert not Admission.objects.exists()


def test_a_zone_refusal_is_said_in_the_pages_language(traveller: Bonded, officer: Client) -> None:
    with clock.frozen(AT_THE_PORT):
        answer = officer.post("/fr" + ADMIT, {**zones(traveller, visa_mrz=td3()), "action": "read"})
    assert answer.status_code == 422
    assert answer.context["form"].has_error("visa_mrz", "mrz_not_visa")
    assert "ce n'est pas celle d'un visa" in html.unescape(answer.content.decode())


def test_a_visa_of_someone_else_is_refused_beside_the_visa(
    traveller: Bonded, officer: Client
) -> None:
    other = td3(number="MA7654321", birth=dt.date(1985, 1, 1))
    answer = read(officer, zones(traveller, passport_mrz=other))
    assert answer.context["form"].has_error("visa_mrz", "visa_not_holders")


def test_a_refused_admission_is_recorded_with_its_reason(
    traveller: Bonded, officer: Client
) -> None:
    data = zones(traveller)
    without = confirm(officer, data, action="refuse")
    assert without.context["form"].has_error("refusal_reason", "reason_missing")
    answer = confirm(officer, {**data, "refusal_reason": "212(a)(7)"}, action="refuse")
    assert answer.status_code == 302
    refused = RefusedAdmission.objects.get()
    assert (refused.reason, refused.bond_id) == ("212(a)(7)", traveller.bond.pk)


def test_a_departure_at_the_port_is_an_exit_record_matched_to_the_admission(
    traveller: Bonded, officer: Client
) -> None:
    admission = admit(grace(), port="JFK", on="2025-09-20", until="2025-10-19").record
    data = zones(traveller, record_id="exit-1")
    answer = confirm(officer, data, action="depart", path="/border/departures/")
    assert answer.status_code == 302
    departure = Departure.objects.get()
    assert (departure.evidence, departure.admission_id) == ("exit_record", admission.pk)
    assert "matched" in officer.get(answer["Location"]).content.decode()


def test_a_review_item_is_dismissed_with_a_note_and_refused_without_one(
    traveller: Bonded, officer: Client
) -> None:
    depart(grace(), port="IAD", on="2025-10-30")  # no admission recorded: waits for review
    item = ReviewItem.objects.get()
    page = officer.get("/border/review/").content.decode()
    assert f'id="review-{item.pk}"' in page
    prefix = f"item-{item.pk}"
    no_note = officer.post(
        "/border/review/", {"item": item.pk, f"{prefix}-admission": "none", f"{prefix}-note": ""}
    )
    assert no_note.status_code == 422
    assert no_note.context["rows"][0]["form"].has_error("note", "note_missing")
    done = officer.post(
        "/border/review/",
        {"item": item.pk, f"{prefix}-admission": "none", f"{prefix}-note": "not our traveller"},
    )
    assert done.status_code == 302
    item.refresh_from_db()
    assert (item.state, item.note) == ("dismissed", "not our traveller")


def test_a_quarantined_manifest_is_listed_with_its_error_and_read_again_once_accepted(
    traveller: Bonded, officer: Client
) -> None:
    admit(grace())
    raw = with_unt_count(paxlst(manifest_passenger()), 40)
    row = manifest_ingest(raw=raw, source="ET501.edi", actor="test carrier").manifest
    page = officer.get("/border/manifests/").content.decode()
    assert f'id="manifest-{row.pk}"' in page
    assert "paxlst.unt-count-mismatch" in page
    prefix = f"manifest-{row.pk}"
    no_reason = officer.post(
        "/border/manifests/", {"manifest": row.pk, f"{prefix}-accept": "unt-count-mismatch"}
    )
    assert no_reason.status_code == 422
    assert no_reason.context["rows"][0]["form"].has_error("reason", "reason_missing")
    accepted = officer.post(
        "/border/manifests/",
        {
            "manifest": row.pk,
            f"{prefix}-accept": "unt-count-mismatch",
            f"{prefix}-reason": "counted by hand",
        },
    )
    assert accepted.status_code == 302
    row.refresh_from_db()
    assert row.state == PaxlstManifest.State.PROCESSED
    assert "No manifest is quarantined." in officer.get("/border/manifests/").content.decode()


def test_an_admit_until_beyond_the_longest_stay_is_refused_beside_it_in_french(
    traveller: Bonded, officer: Client
) -> None:
    data = zones(traveller, admit_until="9999-12-31")
    shown = read(officer, data, "/fr" + ADMIT)
    with clock.frozen(AT_THE_PORT + dt.timedelta(minutes=1)):
        answer = officer.post(
            "/fr" + ADMIT,
            {**data, "shown": shown_token(shown.content.decode()), "action": "admit"},
        )
    assert answer.status_code == 422
    assert answer.context["form"].has_error("admit_until", "admit_until_too_late")
    assert "aucun séjour n'est aussi long" in html.unescape(answer.content.decode())
    data = zones(traveller, admit_until="2025-12-31")
    refused = confirm(officer, data)
    assert refused.context["form"].has_error("admit_until", "admit_until_beyond_stay")
    assert not Admission.objects.exists()


def test_a_console_form_without_its_record_id_says_so_in_a_sentence(
    traveller: Bonded, officer: Client
) -> None:
    answer = read(officer, zones(traveller, record_id=""))
    page = html.unescape(answer.content.decode())
    assert answer.status_code == 422
    assert "The record id this form carries" in page


def test_the_parts_pending_of_a_multi_part_manifest_are_listed_until_it_is_assembled(
    traveller: Bonded, officer: Client
) -> None:
    assert 'id="parts-pending-empty"' in officer.get("/border/manifests/").content.decode()
    manifest_ingest(raw=part(1), source="p1.edi", actor="test carrier")
    manifest_ingest(raw=part(3), source="p3.edi", actor="test carrier")
    series = PaxlstSeries.objects.get()
    page = officer.get("/border/manifests/").content.decode()
    row = page[page.index(f'id="series-{series.pk}"') :]
    row = row[: row.index("</tr>")]
    cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in row.split("<td>")[1:]]
    due = series.first_received_at + dt.timedelta(hours=24)
    assert cells == [
        "SER0042",
        "ETHIOPIAN",
        "ET 501",
        "1, 3",
        "2",
        f"{series.first_received_at:%Y-%m-%d %H:%M} UTC",
        f"{due:%Y-%m-%d %H:%M} UTC",
    ]
    manifest_ingest(raw=part(2), source="p2.edi", actor="test carrier")
    page = officer.get("/border/manifests/").content.decode()
    assert f'id="series-{series.pk}"' not in page
    assert 'id="parts-pending-empty"' in page


def warnings_of(page: Any) -> dict[str, str]:
    """The read step's admission warnings: rule code -> the text shown."""
    text = html.unescape(page.content.decode())
    found = re.findall(r'id="admission-warning-([a-z_]+)" role="alert">(.*?)</div>', text, re.S)
    return {code: re.sub(r"<[^>]+>", "", shown).strip() for code, shown in found}


def test_reading_the_zones_of_an_admissible_traveller_warns_of_nothing(
    traveller: Bonded, officer: Client
) -> None:
    assert warnings_of(read(officer, zones(traveller))) == {}


def test_the_read_step_warns_of_an_open_stay_naming_its_port_and_day_and_writes_nothing(
    traveller: Bonded, officer: Client
) -> None:
    Visa.objects.filter(pk=traveller.visa.pk).update(entries=2)
    first = admit(grace(), port="IAD", on="2025-09-20", until="2025-10-19").record
    audited = AuditEvent.objects.count()
    shown = warnings_of(read(officer, zones(traveller)))
    assert list(shown) == ["admission_open"]
    assert (
        f"admission {first.pk} at IAD on 2025-09-20 on visa {traveller.visa.number}"
        in (shown["admission_open"])
    )
    assert "(rule admission_open)" in shown["admission_open"]
    assert (Admission.objects.count(), AuditEvent.objects.count()) == (1, audited)


def test_the_read_step_warns_of_a_used_single_entry_visa_naming_the_admission(
    traveller: Bonded, officer: Client
) -> None:
    first = admit(grace(), port="IAD", on="2025-09-20", until="2025-10-19").record
    depart(grace(), port="IAD", on="2025-09-25")
    shown = warnings_of(read(officer, zones(traveller)))
    assert list(shown) == ["visa_entries_used"]
    assert f"admission {first.pk} at IAD on 2025-09-20" in shown["visa_entries_used"]
    assert "allows 1 entry and was used" in shown["visa_entries_used"]


def test_the_used_entries_warning_counts_entries_in_the_singular_and_plural_in_french(
    traveller: Bonded, officer: Client
) -> None:
    admit(grace(), port="IAD", on="2025-09-20", until="2025-10-19")
    depart(grace(), port="IAD", on="2025-09-25")
    single = warnings_of(read(officer, zones(traveller), path="/fr" + ADMIT))
    assert "permet 1 entrée et a déjà servi" in single["visa_entries_used"]
    Visa.objects.filter(pk=traveller.visa.pk).update(entries=2)
    admit(grace(), port="IAD", on="2025-09-27", until="2025-10-19")
    depart(grace(), port="IAD", on="2025-09-28")
    double = warnings_of(read(officer, zones(traveller), path="/fr" + ADMIT))
    assert "permet 2 entrées et a déjà servi" in double["visa_entries_used"]
    assert "entrée(s)" not in single["visa_entries_used"] + double["visa_entries_used"]


def test_the_read_step_warns_of_a_visa_of_another_states_program(
    traveller: Bonded, officer: Client
) -> None:
    Case.objects.filter(pk=traveller.case.pk).update(program=Program.objects.get(issuer="MLI"))
    shown = warnings_of(read(officer, zones(traveller)))
    # The foil scanned says USA, the file now says MLI's program: that is warned of too.
    assert list(shown) == ["visa_not_for_state", "visa_issuer_not_on_file"]
    assert (
        "issued under MLI's program: it admits into MLI only, not at a port of USA"
        in (shown["visa_not_for_state"])
    )


def test_the_read_step_warns_of_a_visa_not_valid_on_the_day(
    traveller: Bonded, officer: Client
) -> None:
    with clock.frozen(dt.datetime(2025, 12, 15, 15, 0, tzinfo=dt.UTC)):
        page = officer.post(ADMIT, {**zones(traveller, admit_until=""), "action": "read"})
    shown = warnings_of(page)
    assert list(shown) == ["visa_not_valid"]
    assert "from 2025-09-01 to 2025-11-29, not on 2025-12-15" in shown["visa_not_valid"]


def test_the_read_step_warns_of_an_admit_until_date_beyond_the_longest_stay(
    traveller: Bonded, officer: Client
) -> None:
    shown = warnings_of(read(officer, zones(traveller, admit_until="2026-03-01")))
    assert list(shown) == ["admit_until_beyond_stay"]
    assert "the admit-until date 2026-03-01 is beyond" in shown["admit_until_beyond_stay"]


def test_the_read_steps_warning_is_said_in_french(traveller: Bonded, officer: Client) -> None:
    Visa.objects.filter(pk=traveller.visa.pk).update(entries=2)
    first = admit(grace(), port="IAD", on="2025-09-20", until="2025-10-19").record
    with clock.frozen(AT_THE_PORT):
        page = officer.post("/fr" + ADMIT, {**zones(traveller), "action": "read"})
    shown = warnings_of(page)["admission_open"]
    assert f"l'admission {first.pk} à IAD le 20 septembre 2025" in shown
    assert "(règle admission_open)" in shown


def visa_zone(traveller: Bonded, **changes: Any) -> str:
    """The visa's zone as a foil would print it: the visa on file's, or with `changes`
    (another number, expiry or issuing state), its check digits right."""
    case, visa = traveller.case, traveller.visa
    data = {
        "issuing_state": case.program.issuer,
        "document_number": visa.number,
        "surname": case.surname,
        "given_names": case.given_names,
        "nationality": case.nationality,
        "birth_date": case.birth_date,
        "sex": case.sex,
        "expiry_date": visa.valid_until,
        "optional_data": traveller.bond.number.replace("-", ""),
        **changes,
    }
    return "\n".join(mrva_zone(VisaZoneData(**data)))


def test_a_visa_zone_as_on_file_asks_for_no_reason(traveller: Bonded, officer: Client) -> None:
    assert visa_zone(traveller) == zones(traveller)["visa_mrz"]
    page = read(officer, zones(traveller, visa_mrz=visa_zone(traveller)))
    assert warnings_of(page) == {}
    assert "visa_difference_reason" not in page.content.decode()


def test_the_read_step_warns_of_a_visa_zone_that_is_not_the_visa_on_file_naming_what_differs(
    traveller: Bonded, officer: Client
) -> None:
    scanned = visa_zone(
        traveller,
        document_number="VZ9999999",
        expiry_date=dt.date(2026, 1, 31),
        issuing_state="MLI",
    )
    page = read(officer, zones(traveller, visa_mrz=scanned))
    text = page.content.decode()
    # The conditions shown are the visa on file's, found by the passport.
    assert f'id="bond-number">{traveller.bond.number}<' in text
    assert 'name="visa_difference_reason"' in text
    shown = warnings_of(page)
    number = traveller.visa.number
    assert list(shown) == [
        "visa_number_not_on_file",
        "visa_expiry_not_on_file",
        "visa_issuer_not_on_file",
    ]
    assert (
        f"numbered VZ9999999, but the visa on file for this traveller is {number}"
        in (shown["visa_number_not_on_file"])
    )
    assert (
        f"expires on 2026-01-31, but visa {number} on file expires on 2025-11-29"
        in (shown["visa_expiry_not_on_file"])
    )
    assert (
        f"issued by MLI, but visa {number} on file was issued under USA's program"
        in (shown["visa_issuer_not_on_file"])
    )
    assert not Admission.objects.exists()


def test_a_visa_zone_not_on_file_is_admitted_only_once_the_officer_says_why_which_is_audited(
    traveller: Bonded, officer: Client
) -> None:
    data = zones(traveller, visa_mrz=visa_zone(traveller, expiry_date=dt.date(2026, 1, 31)))
    refused = confirm(officer, data)
    assert refused.status_code == 422
    form = refused.context["form"]
    assert form.has_error("visa_difference_reason", "visa_expiry_not_on_file")
    assert "expires on 2026-01-31, but visa" in html.unescape(refused.content.decode())
    assert not Admission.objects.exists()
    shown = shown_token(read(officer, data).content.decode())
    with clock.frozen(AT_THE_PORT + dt.timedelta(minutes=1)):
        too_long = officer.post(
            ADMIT,
            {**data, "shown": shown, "action": "admit", "visa_difference_reason": "x" * 5000},
        )
    assert too_long.status_code == 422
    assert too_long.context["form"].has_error("visa_difference_reason")
    assert 'name="visa_difference_reason"' in too_long.content.decode()  # beside its error
    assert too_long.context["reading"] is not None
    for nothing_visible in (" ", "\u200b", "\u200b\u2060 \ufeff"):
        unsaid = confirm(officer, {**data, "visa_difference_reason": nothing_visible})
        assert unsaid.status_code == 422
        assert unsaid.context["form"].has_error("visa_difference_reason")
    assert not Admission.objects.exists()
    why = "foil reissued at the consulate on 2025-09-15; checked by phone"
    admitted = confirm(officer, {**data, "visa_difference_reason": why})
    assert admitted.status_code == 302
    admission = Admission.objects.get()
    assert admission.bond_id == traveller.bond.pk
    event = AuditEvent.objects.get(action="border.recorded", subject_id=str(admission.pk))
    assert event.details["acknowledged"] == {"visa_expiry_not_on_file": why}


def test_the_read_step_warns_of_an_admit_until_already_past_in_the_words_of_the_refusal(
    traveller: Bonded, officer: Client
) -> None:
    data = zones(traveller, admit_until="2025-09-30")
    shown = warnings_of(read(officer, data))
    assert list(shown) == ["admit_until_before_admission"]
    said = "admitted on 2025-10-01 at JFK: the admit-until date 2025-09-30 is before it"
    assert said in shown["admit_until_before_admission"]
    refused = confirm(officer, data)
    assert refused.status_code == 422
    assert refused.context["form"].has_error("admit_until", "admit_until_before_admission")
    assert refused.context["form"].errors["admit_until"] == [said]
    assert not Admission.objects.exists()


def test_a_hard_refusal_is_said_on_the_first_confirmation_before_any_box_or_reason_is_asked(
    traveller: Bonded, officer: Client
) -> None:
    """A visa of another state's program at a port it does not designate, scanned with
    another number: the officer is told the visa cannot admit here, not to tick a box
    first, and neither the box nor a reason overrides it."""
    Case.objects.filter(pk=traveller.case.pk).update(program=Program.objects.get(issuer="MLI"))
    data = zones(traveller, port="LAX", visa_mrz=visa_zone(traveller, document_number="VZ9999999"))
    first = confirm(officer, data)
    assert first.status_code == 422
    form = first.context["form"]
    assert form.has_error("visa_mrz", "visa_not_for_state")
    assert not form.has_error("port_acknowledged")
    assert not form.has_error("visa_difference_reason")
    # Every refusal still standing is listed beside it, the hard ones first.
    assert list(warnings_of(first)) == [
        "visa_not_for_state",
        "visa_number_not_on_file",
        "visa_issuer_not_on_file",
    ]
    acknowledged = {**data, "port_acknowledged": "on", "visa_difference_reason": "checked"}
    again = confirm(officer, acknowledged)
    assert again.context["form"].has_error("visa_mrz", "visa_not_for_state")
    assert not Admission.objects.exists()


def test_the_ports_box_is_asked_before_the_reason_for_a_visa_not_on_file(
    traveller: Bonded, officer: Client
) -> None:
    data = zones(traveller, port="LAX", visa_mrz=visa_zone(traveller, document_number="VZ9999999"))
    first = confirm(officer, data)
    assert first.context["form"].has_error("port_acknowledged", "port_not_designated")
    ticked = confirm(officer, {**data, "port_acknowledged": "on"})
    assert ticked.context["form"].has_error("visa_difference_reason", "visa_number_not_on_file")
    assert not Admission.objects.exists()


def test_the_visa_zone_and_past_admit_until_warnings_are_said_in_french(
    traveller: Bonded, officer: Client
) -> None:
    scanned = visa_zone(traveller, document_number="VZ9999999")
    data = zones(traveller, visa_mrz=scanned, admit_until="2025-09-30")
    shown = warnings_of(read(officer, data, path="/fr" + ADMIT))
    assert "le visa lu porte le numéro VZ9999999" in shown["visa_number_not_on_file"]
    assert (
        "la date limite de séjour du 30 septembre 2025 est antérieure"
        in (shown["admit_until_before_admission"])
    )
    assert list(shown) == ["admit_until_before_admission", "visa_number_not_on_file"]


def test_a_visa_zone_naming_another_person_is_warned_and_needs_a_reason(
    traveller: Bonded, officer: Client
) -> None:
    data = zones(traveller, visa_mrz=visa_zone(traveller, surname="MWALE"))
    shown = warnings_of(read(officer, data))
    assert list(shown) == ["visa_name_not_on_file"]
    assert (
        f"names MWALE, but visa {traveller.visa.number} on file was issued to"
        in (shown["visa_name_not_on_file"])
    )
    refused = confirm(officer, data)
    assert refused.status_code == 422
    assert refused.context["form"].has_error("visa_difference_reason", "visa_name_not_on_file")
    assert not Admission.objects.exists()
