"""The applicant's portal: sign-up, the application checked against the passport's zone, the
case and bond as a timeline with the next step and the refund clock, in English and French."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from tests.border_world import admit, bonded, depart, grace
from tests.casework_world import (
    PASSWORD,
    directed_case,
    person,
    posted_case,
    td3,
    today_is,
    world,
)
from tests.pages import comparable, signed_in
from visabond.accounts.models import User
from visabond.accounts.roles import Role, roles_of
from visabond.audit.models import AuditEvent
from visabond.casework.models import Case
from visabond.casework.services import case_refuse

pytestmark = pytest.mark.usefixtures("pilot")

STRONG = "plum-harbour-lantern-47"


def sign_up(client: Client, **changes: str) -> tuple[int, str]:
    fields = {
        "username": "amina",
        "email": "amina@example.org",
        "preferred_language": "fr",
        "password1": STRONG,
        "password2": STRONG,
    }
    response = client.post("/accounts/sign-up/", {**fields, **changes})
    return response.status_code, response.content.decode()


def test_sign_ups_are_limited_per_client_address(settings: Any) -> None:
    settings.SIGN_UP_THROTTLE_RATE = "2/h"
    cache.clear()
    assert sign_up(Client(), username="amina")[0] == 302
    assert sign_up(Client(), username="john", email="john@example.org")[0] == 302
    refused = Client().post(
        "/accounts/sign-up/",
        {
            "username": "grace",
            "email": "grace@example.org",
            "preferred_language": "en",
            "password1": STRONG,
            "password2": STRONG,
        },
    )
    assert refused.status_code == 429
    assert refused["Retry-After"]
    page = refused.content.decode()
    assert "Too many attempts" in page
    assert re.search(r"Please wait \d+ minutes? and try again", page)
    assert 'href="/accounts/sign-up/"' in page
    assert not User.objects.filter(username="grace").exists()
    # Another address is not held by this one's count.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert sign_up(other, username="grace", email="grace@example.org")[0] == 302


def field_block(text: str, name: str) -> str:
    start = text.index(f'id="field-{name}"')
    return html.unescape(text[start : text.index("</div>", start)])


def test_a_person_signs_up_as_an_applicant_and_lands_on_the_portal() -> None:
    client = Client()
    status, _ = sign_up(client)
    assert status == 302
    user = User.objects.get(username="amina")
    assert roles_of(user) == {Role.APPLICANT}
    assert (user.email, user.preferred_language) == ("amina@example.org", "fr")
    assert client.get("/portal/").status_code == 200
    assert list(
        AuditEvent.objects.filter(
            subject_type="accounts.user", subject_id=str(user.pk)
        ).values_list("action", flat=True)
    ) == [
        "account.created",
        "account.role_granted",
    ]


def test_a_weak_password_is_refused_beside_it_and_creates_nobody() -> None:
    status, text = sign_up(Client(), password1="password", password2="password")
    assert status == 422
    assert "too common" in field_block(text, "password1")
    assert not User.objects.filter(username="amina").exists()


def test_signing_up_under_a_taken_name_never_reaches_that_account() -> None:
    officer = person("Amina", Role.CONSULAR_OFFICER)
    status, text = sign_up(Client(), username="amina")
    assert status == 409
    assert "is taken" in field_block(text, "username")
    assert roles_of(User.objects.get(pk=officer.pk)) == {Role.CONSULAR_OFFICER}


def test_a_name_in_full_width_letters_is_the_name_signing_in_reads() -> None:
    """Signing in reads a name in NFKC (Django's `normalize_username`): "ｄemo" signed up as
    typed made an account nobody could sign in to, looking like another's."""
    person("demo-applicant", Role.APPLICANT)
    status, text = sign_up(Client(), username="\uff44emo-applicant")
    assert status == 409
    assert "is taken" in field_block(text, "username")
    status, _ = sign_up(Client(), username="\uff41mina")
    assert status in (200, 302)
    assert User.objects.filter(username="amina").exists()
    assert not User.objects.filter(username="\uff41mina").exists()


APPLICATION = {
    "post": "lilongwe",
    "visa_class": "B1/B2",
    "passport_mrz": td3(),
    "surname": "Banda",
    "given_names": "Grace",
    "birth_date": "1990-04-02",
    "passport_number": "MA1234567",
    "purpose": "Conference in Boston",
    "intended_arrival": "2025-10-01",
    "intended_departure": "2025-10-20",
}


def apply(client: Client, **changes: str) -> tuple[int, str]:
    response = client.post("/portal/apply/", {**APPLICATION, **changes})
    return response.status_code, response.content.decode()


def test_an_application_opens_a_case_read_from_the_passport_zone() -> None:
    people = world()
    client = signed_in(people.applicant)
    response = client.post("/portal/apply/", APPLICATION)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/portal/cases/{case.reference}/"
    assert (case.applicant, case.surname, case.state) == (people.applicant, "BANDA", "submitted")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"surname": "Bandah"}, "surname", "the passport says 'BANDA'"),
        ({"birth_date": "1990-04-03"}, "birth_date", "the passport says"),
        ({"passport_mrz": td3().replace("MA1234567", "MA1234568")}, "passport_mrz", "fails"),
        ({"passport_mrz": "not a passport"}, "passport_mrz", "does not read"),
        ({"intended_departure": "2025-09-20"}, "intended_departure", "before the arrival"),
        ({"intended_arrival": "2025-08-01"}, "intended_arrival", "in the past"),
        ({"visa_class": "SHORT-STAY"}, "visa_class", "USA has no visa class"),
    ],
)
def test_a_refused_application_names_the_field_and_creates_nothing(
    changes: dict[str, str], field: str, message: str
) -> None:
    people = world()
    status, text = apply(signed_in(people.applicant), **changes)
    assert status == 422
    assert message in field_block(text, field)
    assert Case.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"surname": "Bandah"}, "surname", "mais le passeport indique 'BANDA'"),
        ({"intended_departure": "2025-09-20"}, "intended_departure", "antérieur à l'arrivée"),
        ({"intended_arrival": "2025-08-01"}, "intended_arrival", "dans le passé"),
    ],
)
def test_a_refused_application_is_said_in_french_on_a_french_page(
    changes: dict[str, str], field: str, message: str
) -> None:
    people = world()
    client = signed_in(people.applicant)
    response = client.post("/fr/portal/apply/", {**APPLICATION, **changes})
    assert response.status_code == 422
    assert message in html.unescape(field_block(response.content.decode(), field))
    assert Case.objects.count() == 0


def journey_of(text: str) -> dict[str, str]:
    start = text.index('id="journey"')
    section = text[start : text.index("</section>", start)]
    marks: dict[str, str] = {}
    for chunk in section.split("<li ")[1:]:
        milestone = chunk.split('data-milestone="')[1].split('"')[0]
        marks[milestone] = "done" if chunk.startswith('class="done"') else "to come"
    return marks


def test_a_directed_bond_shows_on_the_timeline_with_the_deadline_to_pay() -> None:
    people = world()
    case = directed_case(people)
    with today_is(dt.datetime(2025, 9, 21, 9, 0, tzinfo=dt.UTC)):
        text = signed_in(people.applicant).get(f"/portal/cases/{case.reference}/").content.decode()
    marks = journey_of(text)
    assert marks["directed"] == "done"
    assert marks["paid"] == "to come"
    assert list(marks)[-4:] == ["departed", "cancelled", "refund_sent", "refund_confirmed"]
    next_step = text[text.index('id="next-step"') :]
    assert case.bond.number in next_step
    assert "Pay.gov" in next_step
    assert "2025-10-01" in next_step
    assert "10 days left" in next_step
    decision = text[text.index('id="decision"') :]
    assert "22 CFR 41.11(c)" in decision
    assert "5,000.00 USD, 10,000.00 USD, 15,000.00 USD" in decision


def test_after_a_refusal_after_posting_the_refund_clock_runs_against_the_promise() -> None:
    people = world()
    case = posted_case(people)
    case_refuse(reference=case.reference, explanation="new information", actor=people.officer)
    with today_is(dt.datetime(2025, 9, 13, 9, 0, tzinfo=dt.UTC)):
        text = signed_in(people.applicant).get(f"/portal/cases/{case.reference}/").content.decode()
    marks = journey_of(text)
    assert [m for m, state in marks.items() if state == "done"] == [
        "applied",
        "interviewed",
        "directed",
        "paid",
        "refused",
        "cancelled",
    ]
    assert [m for m, state in marks.items() if state == "to come"] == [
        "refund_sent",
        "refund_confirmed",
    ]
    clock = text[text.index('id="refund-clock"') :]
    assert "12 days since the cancellation, of the 30 the program promises." in clock
    assert "refund due by 2025-10-01" in clock
    assert "new information" in text


def test_another_applicants_case_is_not_found_like_a_missing_one() -> None:
    people = world()
    case = directed_case(people)
    stranger = signed_in(person("intruder", Role.APPLICANT))
    for suffix in ("", "refund-account/"):
        theirs = stranger.get(f"/portal/cases/{case.reference}/{suffix}")
        missing = stranger.get(f"/portal/cases/C-0000-0000/{suffix}")
        assert theirs.status_code == missing.status_code == 404
        assert comparable(theirs.content.decode(), reference=case.reference) == comparable(
            missing.content.decode(), reference="C-0000-0000"
        )


def test_the_portal_reads_in_french_without_english_labels() -> None:
    people = world()
    case = posted_case(people)
    case_refuse(reference=case.reference, explanation="nouvelle information", actor=people.officer)
    text = signed_in(people.applicant).get(f"/fr/portal/cases/{case.reference}/").content.decode()
    assert 'lang="fr"' in text
    for french in ("Prochaine étape", "Votre dossier et votre caution", "Remboursement"):
        assert french in text
    for english in ("Next step", "Your case and your bond", "Refund clock", "to come", "Bond paid"):
        assert english not in text


def test_the_french_portal_says_an_applications_state_in_the_feminine() -> None:
    """ "Demande" is feminine: its state agrees ("refusée"), where the console's "Dossier"
    keeps the masculine ("refusé")."""
    people = world()
    directed = directed_case(people)
    client = signed_in(people.applicant)
    page = html.unescape(client.get(f"/fr/portal/cases/{directed.reference}/").content.decode())
    assert "Échéance\u00a0:" in page
    assert "Échéance:" not in page
    case_refuse(reference=directed.reference, explanation="motif", actor=people.officer)
    page = html.unescape(client.get(f"/fr/portal/cases/{directed.reference}/").content.decode())
    assert re.search(r"<h1>Demande \S+ <span[^>]*>refusée</span>", page)
    assert "Motif donné\u00a0:" in page
    listing = html.unescape(client.get("/fr/portal/").content.decode())
    assert ">refusée</span>" in listing
    console = signed_in(people.officer).get(f"/fr/console/cases/{directed.reference}/")
    assert ">refusé</span>" in html.unescape(console.content.decode())


def test_the_portal_is_for_applicants() -> None:
    people = world()
    assert signed_in(people.officer).get("/portal/").status_code == 403
    anonymous = Client().get("/portal/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


def test_signing_in_lands_each_role_on_its_own_page() -> None:
    people = world()
    for user, page in ((people.applicant, "/portal/"), (people.officer, "/console/cases/")):
        client = Client()
        response = client.post(
            "/accounts/login/", {"username": user.get_username(), "password": PASSWORD}
        )
        assert response.status_code == 302
        assert client.get(response["Location"])["Location"] == page


def test_the_timeline_shows_the_admission_and_the_departure_recorded_at_the_border() -> None:
    traveller = bonded()
    path = f"/portal/cases/{traveller.case.reference}/"
    client = signed_in(traveller.people.applicant)
    before = journey_of(client.get(path).content.decode())
    assert (before["admitted"], before["departed"]) == ("to come", "to come")
    admit(grace(), on="2025-10-01")
    depart(grace(), on="2025-10-20")
    text = client.get(path).content.decode()
    marks = journey_of(text)
    assert (marks["visa_issued"], marks["admitted"], marks["departed"]) == ("done",) * 3
    assert 'data-milestone="admitted">' in text
    admitted = text[text.index('data-milestone="admitted"') :]
    assert "2025-10-01" in admitted[: admitted.index("</li>")]
