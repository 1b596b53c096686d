"""The public "did my departure register?" page and the officer's pages for uploads, through
Django's test client: same page for every wrong guess, a ceiling per address, the file
checked by content, served only to a border officer."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.border.evidence_samples import HTML, png
from tests.border_world import BORN, Bonded, admit, bonded, grace
from tests.casework_world import person, today_is
from tests.pages import comparable, signed_in
from visabond.accounts.roles import Role
from visabond.border.models import Departure, DepartureUpload

pytestmark = pytest.mark.usefixtures("pilot")

NOON = dt.datetime(2025, 10, 31, 12, tzinfo=dt.UTC)
TOKEN = re.compile(r'name="token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _uploads_in(settings: object, tmp_path: Path) -> None:
    settings.UPLOAD_DIR = tmp_path / "uploads"  # type: ignore[attr-defined]


@pytest.fixture
def traveller() -> Bonded:
    traveller = bonded()
    admit(grace(), until="2025-10-30")
    return traveller


def ask(client: Client, number: str, born: str, *, path: str = "/departure-check/") -> str:
    with today_is(NOON):
        response = client.post(path, {"bond_number": number, "birth_date": born})
    return f"{response.status_code}\n{response.content.decode()}"


def send(client: Client, token: str, content: bytes, name: str = "boarding.pdf") -> object:
    with today_is(NOON):
        return client.post(
            "/departure-check/evidence/",
            {
                "token": token,
                "document": "boarding_pass",
                "port": "iad",
                "departed_on": "2025-10-29",
                "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
            },
        )


def token_from(page: str) -> str:
    found = TOKEN.search(page)
    assert found is not None, page
    return found.group(1)


def test_a_wrong_bond_number_and_a_wrong_birth_date_get_the_same_page(traveller: Bonded) -> None:
    client = Client()
    number = traveller.bond.number
    wrong_number = ask(client, "B-0000-0000", BORN.isoformat())
    wrong_birth = ask(client, number, "1990-04-03")
    assert wrong_number.startswith("404\n")
    assert "We could not find a bond with these details." in wrong_number
    masked = comparable(wrong_birth, reference=number, placeholder="B-0000-0000")
    assert comparable(wrong_number, reference="B-0000-0000", placeholder="B-0000-0000").replace(
        BORN.isoformat(), "DAY"
    ) == masked.replace("1990-04-03", "DAY")


def test_a_match_shows_the_stay_and_nothing_about_the_traveller(traveller: Bonded) -> None:
    page = ask(Client(), traveller.bond.number, BORN.isoformat())
    assert page.startswith("200\n")
    assert "2025-10-30" in page
    assert "No departure is registered for this stay." in page
    for private in ("Banda", "BANDA", "Grace", "MA1234567", traveller.case.reference):
        assert private not in page


def test_an_address_past_the_ceiling_gets_a_page_that_says_so(
    traveller: Bonded, settings: object
) -> None:
    cache.clear()
    settings.DEPARTURE_CHECK_THROTTLE_RATE = "2/m"  # type: ignore[attr-defined]
    client = Client()
    assert [ask(client, "B-0000-0000", "1990-01-01")[:3] for _ in range(2)] == ["404", "404"]
    with today_is(NOON):
        refused = client.post(
            "/departure-check/", {"bond_number": traveller.bond.number, "birth_date": "1990-04-02"}
        )
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1
    assert "Too many attempts in a short time" in refused.content.decode()
    assert "2025-10-30" not in refused.content.decode()
    # The way back is the page asked on, in its language.
    assert '<a href="/departure-check/" id="back">Back to the departure check</a>' in (
        refused.content.decode()
    )
    with today_is(NOON):
        french = client.post("/fr/departure-check/", {"bond_number": "x", "birth_date": "x"})
    assert 'href="/fr/departure-check/" id="back"' in french.content.decode()


def test_the_page_in_french(traveller: Bonded) -> None:
    assert (
        "Mon départ a-t-il été enregistré ?"
        in Client().get("/fr/departure-check/").content.decode()
    )
    page = ask(Client(), "B-0000-0000", "1990-01-01", path="/fr/departure-check/")
    assert "Nous n’avons trouvé aucune caution correspondant à ces informations." in page


def test_a_png_named_pdf_is_received_as_a_png(traveller: Bonded) -> None:
    client = Client()
    token = token_from(ask(client, traveller.bond.number, BORN.isoformat()))
    response = send(client, token, png(), name="boarding.pdf")
    assert response.status_code == 201  # type: ignore[attr-defined]
    (kept,) = DepartureUpload.objects.all()
    assert (kept.content_type, kept.original_name) == ("image/png", "boarding.pdf")


def test_an_html_file_named_pdf_is_refused_beside_the_file_field(traveller: Bonded) -> None:
    client = Client()
    token = token_from(ask(client, traveller.bond.number, BORN.isoformat()))
    response = send(client, token, HTML, name="boarding.pdf")
    page = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert re.search(r"id_file_error.*not a PDF, PNG or JPEG", page, re.S)
    # The form sent again still says the limit.
    assert "of at most 5 MB" in page
    assert not Departure.objects.exists()


def test_a_file_over_the_limit_is_refused_naming_the_limit(traveller: Bonded) -> None:
    client = Client()
    token = token_from(ask(client, traveller.bond.number, BORN.isoformat()))
    response = send(client, token, png() + bytes(5 * 1024 * 1024))
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "larger than 5 MB" in response.content.decode()  # type: ignore[attr-defined]


def test_an_officer_sees_the_file_and_accepts_it(traveller: Bonded) -> None:
    client = Client()
    send(client, token_from(ask(client, traveller.bond.number, BORN.isoformat())), png())
    (kept,) = DepartureUpload.objects.all()
    officer = signed_in(person("officer-border", Role.BORDER_OFFICER))
    listing = officer.get("/console/border/uploads/").content.decode()
    assert f'data-upload="{kept.pk}"' in listing
    served = officer.get(f"/console/border/uploads/{kept.pk}/file")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["Content-Security-Policy"].startswith("sandbox")
    assert b"".join(served.streaming_content) == png()  # type: ignore[attr-defined]
    decided = officer.post(
        f"/console/border/uploads/{kept.pk}/", {"decision": "accept", "reason": "legible"}
    )
    assert decided.status_code == 302
    assert Departure.objects.get(pk=kept.departure_id).accepted


def test_the_page_says_how_many_files_one_lookup_takes(traveller: Bonded) -> None:
    page = ask(Client(), traveller.bond.number, BORN.isoformat())
    assert "This form takes up to 3 files (one set of evidence)" in page


def test_a_missing_or_altered_token_is_said_in_a_sentence_in_the_pages_language(
    traveller: Bonded,
) -> None:
    for token, language in (("", ""), ("x" * 501, "/fr")):
        with today_is(NOON):
            response = Client().post(
                f"{language}/departure-check/evidence/",
                {"token": token, "document": "boarding_pass", "port": "IAD"},
            )
        page = html.unescape(response.content.decode())
        assert response.status_code == 422
        assert "[" not in re.sub(r"<[^>]*>|\[\d+\]", "", page.split("<main", 1)[-1])
        said = "Le code de ce formulaire" if language else "This form's code (given by your lookup"
        assert said in page


def uploaded_for_a_french_officer(traveller: Bonded) -> tuple[DepartureUpload, Client]:
    """A boarding pass the traveller sent, and a border officer reading French."""
    client = Client()
    send(client, token_from(ask(client, traveller.bond.number, BORN.isoformat())), png())
    (kept,) = DepartureUpload.objects.all()
    return kept, signed_in(person("officer-border", Role.BORDER_OFFICER, language="fr"))


def test_an_upload_given_its_verdict_twice_is_refused_in_a_sentence_in_french(
    traveller: Bonded,
) -> None:
    kept, officer = uploaded_for_a_french_officer(traveller)
    path = f"/fr/console/border/uploads/{kept.pk}/"
    officer.post(path, {"decision": "accept", "reason": "lisible"})
    again = officer.post(path, {"decision": "reject", "reason": "illisible"})
    assert again.status_code == 409
    said = html.unescape(again.content.decode())
    assert "a déjà reçu son verdict (acceptée, par officer-border)" in said


def test_a_bond_number_typed_without_dashes_is_found(traveller: Bonded) -> None:
    typed = traveller.bond.number.replace("-", "").lower()
    page = ask(Client(), typed, BORN.isoformat())
    assert page.startswith("200")
    assert 'id="admit-until">2025-10-30<' in page


def test_the_date_is_written_as_the_pages_language_writes_it_or_in_iso(
    traveller: Bonded,
) -> None:
    french = Client().get("/fr/departure-check/").content.decode()
    assert 'placeholder="JJ/MM/AAAA"' in french
    assert 'placeholder="YYYY-MM-DD"' in Client().get("/departure-check/").content.decode()
    for born in (BORN.strftime("%d/%m/%Y"), BORN.isoformat()):
        page = ask(Client(), traveller.bond.number, born, path="/fr/departure-check/")
        assert page.startswith("200"), born
    refused = ask(Client(), traveller.bond.number, "04/02/1990/x", path="/fr/departure-check/")
    assert refused.startswith("422")
    assert "Écrivez la date sous la forme JJ/MM/AAAA (p. ex. 31/10/2025)" in html.unescape(refused)
    # English pages read ISO only: 02/04/1990 is read two ways.
    assert ask(Client(), traveller.bond.number, "02/04/1990").startswith("422")


def test_the_officers_pages_name_the_document_and_verdict_in_words_in_french(
    traveller: Bonded,
) -> None:
    kept, officer = uploaded_for_a_french_officer(traveller)
    listing = html.unescape(officer.get("/fr/console/border/uploads/").content.decode())
    assert "<td>Carte d'embarquement</td>" in listing
    assert "Boarding Pass" not in listing
    detail = html.unescape(officer.get(f"/fr/console/border/uploads/{kept.pk}/").content.decode())
    assert 'id="upload-state">en attente d\'un verdict<' in detail
