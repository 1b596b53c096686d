"""The printed visa foil and bond notice: print pages and PDFs that say what the decision said,
read back from the PDF (text, and the visa's zone through our own reader)."""

from __future__ import annotations

import datetime as dt
import html
import io
import re

import pytest
from pypdf import PdfReader

from tests.casework_world import (
    World,
    directed_case,
    officer_at,
    person,
    posted_case,
    td3,
    today_is,
    world,
)
from tests.pages import signed_in
from visabond.accounts.roles import Role
from visabond.casework.models import Visa
from visabond.casework.services import case_issue_visa
from visabond.documents.mrz import parse_mrz

pytestmark = pytest.mark.usefixtures("pilot")


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def prose(text: str) -> str:
    """The text with its line breaks and runs of spaces as single spaces (lines wrap)."""
    return " ".join(text.split())


def pdf_fonts(content: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(content))
    return {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


def issued(people: World) -> tuple[str, object]:
    case = posted_case(people)
    visa = case_issue_visa(reference=case.reference, actor=people.officer)
    return case.reference, visa


def test_the_visa_foil_pdf_carries_the_annotation_and_a_zone_our_reader_reads_back() -> None:
    people = world()
    reference, visa = issued(people)
    response = signed_in(people.applicant).get(f"/cases/{reference}/visa.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    annotation = "BOND POSTED 10,000 USD I-352; ENTRY/EXIT ONLY BOS JFK IAD; MAX STAY 30 DAYS"
    assert annotation in prose(text)
    # Doc 9303-3: the zone is printed in OCR-B (Debian's fonts-ocr-b, installed by ./dev).
    assert "OCR-B" in pdf_fonts(response.content)
    assert "2025-11-29" in text
    lines = [line.strip() for line in text.splitlines()]
    assert visa.mrz_line1 in lines  # type: ignore[attr-defined]
    assert visa.mrz_line2 in lines  # type: ignore[attr-defined]
    zone = parse_mrz([visa.mrz_line1, visa.mrz_line2], today=dt.date(2025, 9, 1))  # type: ignore[attr-defined]
    read = parse_mrz(
        [lines[lines.index(visa.mrz_line1)], lines[lines.index(visa.mrz_line2)]],  # type: ignore[attr-defined]
        today=dt.date(2025, 9, 1),
    )
    assert read.valid, read.failed_checks()
    assert (read.format, read.document_number) == ("MRVA", visa.number)  # type: ignore[attr-defined]
    assert read == zone


def test_the_visa_foil_print_page_sets_the_zone_in_ocr_b() -> None:
    people = world()
    reference, visa = issued(people)
    page = signed_in(people.officer).get(f"/cases/{reference}/visa/")
    text = page.content.decode()
    assert page.status_code == 200
    assert html.escape(visa.mrz_line2) in text  # type: ignore[attr-defined]
    assert '"OCR B"' in text
    assert "@media print" in text
    assert f"/cases/{reference}/visa.pdf" in text


def test_the_bond_notice_pdf_names_the_obligor_amount_conditions_return_forfeit_and_rule() -> None:
    people = world()
    case = directed_case(people)
    text = prose(
        pdf_text(
            signed_in(people.applicant).get(f"/cases/{case.reference}/bond-notice.pdf").content
        )
    )
    assert "GRACE BANDA" in text
    assert "10,000.00 USD" in text
    assert case.bond.number in text
    assert "2025-10-01" in text  # pay by
    assert "Pay.gov" in text
    assert "BOS, JFK, IAD" in text
    assert "you leave on or before the last day of your authorized stay" in text
    assert "the visa is refused after you paid" in text
    assert "asylum included" in text
    assert "within 30 days of the bond's cancellation" in text
    assert "22 CFR 41.11(c)" in text
    assert "90 FR 37378" in text
    assert "5,000.00 USD, 10,000.00 USD, 15,000.00 USD" in text
    assert "standard amount" in text


def test_the_bond_notice_reads_in_french_for_a_french_page() -> None:
    people = world()
    case = directed_case(people)
    client = signed_in(people.applicant)
    text = prose(pdf_text(client.get(f"/fr/cases/{case.reference}/bond-notice.pdf").content))
    assert "Avis de caution de visa" in text
    assert "Quand la caution est restituée" in text
    assert "When the bond is returned" not in text


def test_the_visa_foil_of_a_case_without_a_visa_is_not_found() -> None:
    people = world()
    case = directed_case(people)
    response = signed_in(people.applicant).get(f"/cases/{case.reference}/visa/")
    assert response.status_code == 404
    assert "no visa is issued" in response.content.decode()


def test_another_applicants_documents_are_not_found_like_a_missing_case() -> None:
    people = world()
    case = directed_case(people)
    stranger = signed_in(person("intruder", Role.APPLICANT))
    theirs = stranger.get(f"/cases/{case.reference}/bond-notice.pdf")
    missing = stranger.get("/cases/C-0000-0000/bond-notice.pdf")
    assert theirs.status_code == missing.status_code == 404
    assert b"application/pdf" not in theirs["Content-Type"].encode()


def test_the_french_bond_notice_and_visa_foil_write_amounts_the_french_way() -> None:
    """Amounts on the printed pages and PDFs read as French writes them (10 000,00 USD)."""
    people = world()
    case = posted_case(people)
    case_issue_visa(reference=case.reference, actor=people.officer)
    client = signed_in(people.applicant)
    french = re.compile(r"10\s000,00\sUSD")
    for path in ("bond-notice/", "bond-notice.pdf", "visa/", "visa.pdf"):
        answer = client.get(f"/fr/cases/{case.reference}/{path}")
        text = pdf_text(answer.content) if path.endswith(".pdf") else answer.content.decode()
        assert french.search(text), path
        assert "10,000.00" not in text, path
        assert "10000.00" not in text, path


def test_a_mali_visa_names_no_us_form_where_malis_measure_names_none() -> None:
    """Form I-352 is the US DHS form: Mali's reciprocal bond is not one, and its foil and
    annotation say so by naming no form."""
    with today_is(dt.datetime(2025, 11, 15, 14, 0, tzinfo=dt.UTC)):
        people = World(
            applicant=person("emily", Role.APPLICANT), officer=officer_at("mali-washington")
        )
        case = posted_case(
            people,
            post="mali-washington",
            visa_class="SHORT-STAY",
            passport_mrz=td3(
                surname="SMITH", given_names="EMILY", number="US4000001", nationality="USA"
            ),
            surname="Smith",
            given_names="Emily",
            passport_number="US4000001",
            intended_arrival=dt.date(2025, 12, 1),
            intended_departure=dt.date(2025, 12, 10),
        )
        visa = case_issue_visa(reference=case.reference, actor=people.officer)
        client = signed_in(people.applicant)
        foil = html.unescape(client.get(f"/fr/cases/{case.reference}/visa/").content.decode())
        pdf = prose(pdf_text(client.get(f"/cases/{case.reference}/visa.pdf").content))
    assert visa.annotation.startswith("BOND POSTED 10,000 USD;")  # type: ignore[attr-defined]
    assert "I-352" not in visa.annotation  # type: ignore[attr-defined]
    assert "garantit ces conditions." in foil
    assert "I-352" not in foil
    assert "guarantees these conditions." in pdf
    assert "I-352" not in pdf


def test_a_one_day_stay_reads_in_the_singular_on_the_foil() -> None:
    people = world()
    reference, visa = issued(people)
    Visa.objects.filter(pk=visa.pk).update(max_stay_days=1)  # type: ignore[attr-defined]
    client = signed_in(people.applicant)
    english = prose(html.unescape(client.get(f"/cases/{reference}/visa/").content.decode()))
    french = prose(html.unescape(client.get(f"/fr/cases/{reference}/visa/").content.decode()))
    assert "Admission is usually for at most 1 day;" in english
    assert "1 days" not in english
    assert "d'au plus 1 jour ;" in french
    assert "1 jours" not in french


def test_the_french_bond_notice_names_the_issuer_and_the_way_to_pay_in_french() -> None:
    people = world()
    case = directed_case(people)
    client = signed_in(people.applicant)
    french = html.unescape(client.get(f"/fr/cases/{case.reference}/bond-notice/").content.decode())
    assert "États-Unis" in french
    assert "Formulaire I-352 sur Pay.gov" in french
    assert "United States" not in french
    assert "through the direct link" not in french
    english = html.unescape(client.get(f"/cases/{case.reference}/bond-notice/").content.decode())
    assert "United States" in english
    assert "Form I-352 on Pay.gov" in english
