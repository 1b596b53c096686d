"""The consular console: a post's cases, a case, the interview, the decision beside its rule,
the visa, the refusal; each refusal of a service shown beside its field, in English and French."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.test import Client

from tests.casework_world import (
    World,
    application,
    directed_case,
    officer_at,
    person,
    posted_case,
    td3,
    world,
)
from tests.pages import comparable, signed_in
from visabond.accounts.roles import Role
from visabond.audit.models import AuditEvent
from visabond.bonds.lifecycle import BondState
from visabond.casework.models import Case
from visabond.casework.rules import CaseState
from visabond.casework.services import case_interview, case_submit
from visabond.policy.models import Rule

pytestmark = pytest.mark.usefixtures("pilot")


def submitted(people: World, **changes: object) -> Case:
    return case_submit(
        application=application(**changes), applicant=people.applicant, actor=people.applicant
    )


def interviewed(people: World) -> Case:
    case = submitted(people)
    return case_interview(reference=case.reference, notes="interviewed", actor=people.officer)


def test_the_case_list_shows_the_posts_cases_by_state_and_no_other_posts() -> None:
    people = world()
    ours = submitted(people)
    directed = directed_case(
        people, passport_mrz=td3(number="MA7654321"), passport_number="MA7654321"
    )
    lusaka_officer = officer_at("lusaka")
    theirs = case_submit(
        application=application(
            post="lusaka",
            passport_mrz=td3(nationality="ZMB", number="ZN0000001"),
            passport_number="ZN0000001",
        ),
        applicant=people.applicant,
        actor=people.applicant,
    )
    page = signed_in(people.officer).get("/console/cases/")
    text = page.content.decode()
    assert page.status_code == 200
    assert ours.reference in text
    assert directed.reference in text
    assert theirs.reference not in text
    assert 'data-state="bond_directed"' in text
    only_directed = signed_in(people.officer).get("/console/cases/", {"state": "bond_directed"})
    listed = only_directed.content.decode()
    assert directed.reference in listed
    assert ours.reference not in listed
    assert theirs.reference in signed_in(lusaka_officer).get("/console/cases/").content.decode()


@pytest.mark.parametrize(
    "query",
    ["grace", "Bandá", "ma1234567", "reference"],
    ids=["given", "accent", "passport", "ref"],
)
def test_the_case_list_finds_a_case_by_reference_passport_or_name(query: str) -> None:
    people = world()
    wanted = submitted(people)
    other = submitted(
        people,
        passport_mrz=td3(surname="PHIRI", given_names="JOHN", number="MA0000009"),
        surname="Phiri",
        given_names="John",
        passport_number="MA0000009",
    )
    typed = wanted.reference.lower() if query == "reference" else query
    text = signed_in(people.officer).get("/console/cases/", {"q": typed}).content.decode()
    assert wanted.reference in text
    assert other.reference not in text


def test_the_case_page_shows_the_identity_from_the_zone_the_trip_and_the_timeline() -> None:
    people = world()
    case = interviewed(people)
    text = signed_in(people.officer).get(f"/console/cases/{case.reference}/").content.decode()
    assert "BANDA" in text
    assert "GRACE" in text
    assert "1990-04-02" in text
    assert "MA1234567" in text
    assert html.escape(case.passport_mrz[0]) in text
    assert "Conference in Boston" in text
    assert "2025-10-20" in text
    history = text[text.index('id="history"') :]
    assert "grace" in history
    assert "officer-lilongwe" in history
    assert "submitted → interviewed" in history
    assert "2025-09-01 09:00" in history


def test_an_interview_without_notes_is_refused_beside_the_field_and_changes_nothing() -> None:
    people = world()
    case = submitted(people)
    client = signed_in(people.officer)
    page = client.post(
        f"/console/cases/{case.reference}/", {"action": "interview", "interview-notes": " "}
    )
    text = page.content.decode()
    assert page.status_code == 422
    form = text[text.index('id="interview-form"') :]
    assert "notes is required" in form[: form.index("</form>")]
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    done = client.post(
        f"/console/cases/{case.reference}/", {"action": "interview", "interview-notes": "seen"}
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.INTERVIEWED


def test_the_decision_page_shows_the_rule_in_force_its_source_amounts_and_waiver_grounds() -> None:
    people = world()
    case = interviewed(people)
    page = signed_in(people.officer).get(f"/console/cases/{case.reference}/decision/")
    text = page.content.decode()
    rule = text[text.index('id="rule-in-force"') : text.index('id="decision-form"')]
    assert page.status_code == 200
    pk = Rule.objects.get(issuer="USA", nationality="MWI").pk
    assert f"us-visa-bond-pilot rule {pk} v1" in rule
    assert "22 CFR 41.11(c)" in rule
    assert "5,000.00 USD, 10,000.00 USD, 15,000.00 USD" in rule
    assert "Official government travel (90 FR 37378 (2025-08-05))" in rule
    assert "Urgent humanitarian reasons" in rule
    assert "Federal Register" in rule or "federalregister.gov" in rule


def decide(client: Client, case: Case, **fields: str) -> tuple[int, str]:
    values = {
        "outcome": "direct_bond",
        "amount": "10000.00",
        "currency": "USD",
        "reason": "standard",
        "waiver_ground": "",
        "explanation": "strong ties",
    }
    response = client.post(f"/console/cases/{case.reference}/decision/", {**values, **fields})
    return response.status_code, response.content.decode()


def field_block(text: str, name: str) -> str:
    start = text.index(f'id="field-{name}"')
    return text[start : text.index("</div>", start)]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"amount": "12000.00", "reason": "extent_of_contacts"}, "amount", "is not an amount"),
        ({"amount": "5000.00", "reason": "standard"}, "reason", "goes with the standard amount"),
        ({"amount": "ten"}, "amount", "write digits"),
        ({"explanation": ""}, "explanation", "needs an explanation"),
        ({"outcome": "approve"}, "waiver_ground", "waive it on a ground"),
        ({"outcome": "approve", "waiver_ground": "friendship"}, "waiver_ground", "not a ground"),
    ],
)
def test_a_refused_decision_is_shown_beside_its_field_and_changes_nothing(
    fields: dict[str, str], field: str, message: str
) -> None:
    people = world()
    case = interviewed(people)
    status, text = decide(signed_in(people.officer), case, **fields)
    assert status == 422
    assert message in field_block(text, field)
    case.refresh_from_db()
    assert (case.state, case.captured_rule) == (CaseState.INTERVIEWED, None)


def test_a_directed_bond_is_explained_on_the_case_page() -> None:
    people = world()
    case = interviewed(people)
    client = signed_in(people.officer)
    status, _ = decide(client, case, amount="15000.00", reason="extent_of_contacts")
    assert status == 302
    text = client.get(f"/console/cases/{case.reference}/").content.decode()
    decision = text[text.index('id="decision"') : text.index('id="bond"')]
    assert "15,000.00 USD — higher: extent of contacts in the issuing state" in decision
    assert "strong ties" in decision
    assert "5,000.00 USD, 10,000.00 USD, 15,000.00 USD" in decision
    assert "22 CFR 41.11(c)" in decision


def test_a_waiver_on_a_ground_the_program_allows_approves_without_a_bond() -> None:
    people = world()
    case = interviewed(people)
    client = signed_in(people.officer)
    status, _ = decide(
        client, case, outcome="approve", amount="", waiver_ground="urgent_humanitarian"
    )
    assert status == 302
    case.refresh_from_db()
    assert (case.state, case.waiver_ground) == (CaseState.APPROVED, "urgent_humanitarian")
    text = client.get(f"/console/cases/{case.reference}/").content.decode()
    assert "Bond waived on the ground of" in text
    assert "Urgent humanitarian reasons" in text


def test_the_officer_issues_the_visa_once_the_bond_is_posted() -> None:
    people = world()
    case = posted_case(people)
    client = signed_in(people.officer)
    assert 'id="issue-form"' in client.get(f"/console/cases/{case.reference}/").content.decode()
    assert client.post(f"/console/cases/{case.reference}/", {"action": "issue"}).status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.ISSUED
    text = client.get(f"/console/cases/{case.reference}/").content.decode()
    assert html.escape(case.visa.mrz_line1) in text
    assert "ENTRY/EXIT ONLY BOS JFK IAD" in text


def test_issuing_before_the_bond_is_paid_names_the_state_and_changes_nothing() -> None:
    people = world()
    case = directed_case(people)
    page = signed_in(people.officer).post(f"/console/cases/{case.reference}/", {"action": "issue"})
    assert page.status_code == 409
    assert "the case is bond_directed" in page.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.BOND_DIRECTED


def test_a_refusal_after_posting_cancels_the_bond_and_needs_a_reason() -> None:
    people = world()
    case = posted_case(people)
    client = signed_in(people.officer)
    empty = client.post(
        f"/console/cases/{case.reference}/", {"action": "refuse", "refuse-explanation": ""}
    )
    assert empty.status_code == 422
    assert "explanation is required" in empty.content.decode()
    done = client.post(
        f"/console/cases/{case.reference}/",
        {"action": "refuse", "refuse-explanation": "new information"},
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.bond.state) == (CaseState.REFUSED, BondState.CANCELLED)


@pytest.mark.parametrize("suffix", ["", "decision/"])
def test_a_case_of_another_post_is_not_found_like_a_missing_one(suffix: str) -> None:
    people = world()
    case = submitted(people)
    stranger = signed_in(officer_at("lusaka"))
    theirs = stranger.get(f"/console/cases/{case.reference}/{suffix}")
    missing = stranger.get(f"/console/cases/C-0000-0000/{suffix}")
    assert theirs.status_code == missing.status_code == 404
    assert comparable(theirs.content.decode(), reference=case.reference) == comparable(
        missing.content.decode(), reference="C-0000-0000"
    )


def test_the_console_reads_in_french_without_english_labels() -> None:
    people = world()
    case = interviewed(people)
    client = signed_in(people.officer)
    text = client.get(f"/fr/console/cases/{case.reference}/decision/").content.decode()
    assert 'lang="fr"' in text
    for french in ("La règle en vigueur", "Montants autorisés", "Motif du montant"):
        assert french in text
    for english in ("The rule in force", "Amounts allowed", "Reason for the amount", "Decide"):
        assert english not in text
    listing = client.get("/fr/console/cases/").content.decode()
    assert "Dossiers consulaires" in listing
    assert "Consular cases" not in listing


def test_the_french_decision_page_offers_amounts_written_the_french_way() -> None:
    people = world()
    case = interviewed(people)
    text = html.unescape(
        signed_in(people.officer)
        .get(f"/fr/console/cases/{case.reference}/decision/")
        .content.decode()
    )
    options = re.findall(r'<option value="([0-9.]+)"[^>]*>([^<]+)</option>', text)
    # The value stays the machine form the service reads; the label is the French way.
    assert [value for value, _label in options] == ["5000.00", "10000.00", "15000.00"]
    for (_value, label), thousands in zip(options, ("5", "10", "15"), strict=True):
        assert re.fullmatch(rf"{thousands}\s000,00\sUSD", label), label


def test_french_labels_set_their_colon_off_by_a_no_break_space() -> None:
    people = world()
    case = directed_case(people)
    text = html.unescape(
        signed_in(people.officer).get(f"/fr/console/cases/{case.reference}/").content.decode()
    )
    for label in ("Règle", "Motif donné"):
        assert f"{label}\u00a0:" in text, label
        assert f"{label}:" not in text, label


def test_the_console_is_for_consular_officers() -> None:
    people = world()
    assert signed_in(people.applicant).get("/console/cases/").status_code == 403
    anonymous = Client().get("/console/cases/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


def test_the_passport_expiry_shown_is_the_one_the_zone_reads() -> None:
    people = world()
    case = submitted(people, passport_mrz=td3(expiry=dt.date(2032, 5, 6)))
    text = signed_in(people.officer).get(f"/console/cases/{case.reference}/").content.decode()
    assert "2032-05-06" in text


def walk_in_form(**changes: str) -> dict[str, str]:
    values = {
        key: str(value) if not isinstance(value, dt.date) else value.isoformat()
        for key, value in application().__dict__.items()
        if key not in ("post", "program")
    }
    return {**values, **changes}


def test_an_officer_opens_a_walk_in_case_from_the_console_with_no_account_behind_it() -> None:
    people = world()
    client = signed_in(people.officer)
    assert 'id="open-walk-in"' in client.get("/console/cases/").content.decode()
    assert client.get("/console/cases/walk-in/").status_code == 200
    response = client.post("/console/cases/walk-in/", walk_in_form())
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == f"/console/cases/{case.reference}/"
    assert (case.applicant_id, case.post.code, case.state) == (None, "lilongwe", "submitted")
    entry = AuditEvent.objects.get(action="case.submitted")
    assert (entry.actor_name, entry.details["walk_in"]) == (people.officer.username, True)


def test_the_walk_in_page_reads_in_french() -> None:
    people = world()
    text = html.unescape(
        signed_in(people.officer).get("/fr/console/cases/walk-in/").content.decode()
    )
    assert 'lang="fr"' in text
    assert "Ouvrir un dossier pour un demandeur sans compte" in text
    assert "Date de naissance" in text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"given_names": "Gracie"}, "given_names", "but the passport says"),
        ({"birth_date": "someday"}, "birth_date", "valid date"),
        ({"visa_class": "Z9"}, "visa_class", "valid choice"),
    ],
)
def test_a_refused_walk_in_case_is_shown_beside_its_field_and_nothing_is_opened(
    changes: dict[str, str], field: str, message: str
) -> None:
    people = world()
    response = signed_in(people.officer).post("/console/cases/walk-in/", walk_in_form(**changes))
    assert response.status_code == 422
    assert message in html.unescape(field_block(response.content.decode(), field))
    assert Case.objects.count() == 0


def test_only_a_consular_officer_with_a_post_opens_a_walk_in_case_and_with_a_csrf_token() -> None:
    people = world()
    assert Client().get("/console/cases/walk-in/")["Location"].startswith("/accounts/login/")
    assert (
        signed_in(people.applicant).post("/console/cases/walk-in/", walk_in_form()).status_code
        == 403
    )
    unposted = person("unposted", Role.CONSULAR_OFFICER)
    assert signed_in(unposted).get("/console/cases/walk-in/").status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people.officer, backend="django.contrib.auth.backends.ModelBackend")
    assert strict.post("/console/cases/walk-in/", walk_in_form()).status_code == 403
    assert Case.objects.count() == 0


def test_a_second_walk_in_case_for_an_open_passport_is_refused_beside_its_number() -> None:
    people = world()
    client = signed_in(people.officer)
    assert client.post("/console/cases/walk-in/", walk_in_form()).status_code == 302
    first = Case.objects.get()
    response = client.post("/console/cases/walk-in/", walk_in_form(purpose="Another trip"))
    assert response.status_code == 409
    text = html.unescape(response.content.decode())
    beside = field_block(text, "passport_number")
    assert "has a case open" in beside
    assert first.reference in beside
    assert f'href="/console/cases/{first.reference}/" id="open-case-link"' in beside
    assert Case.objects.count() == 1


def test_the_refused_second_walk_in_case_reads_in_french() -> None:
    people = world()
    client = signed_in(people.officer)
    assert client.post("/fr/console/cases/walk-in/", walk_in_form()).status_code == 302
    first = Case.objects.get()
    response = client.post("/fr/console/cases/walk-in/", walk_in_form())
    assert response.status_code == 409
    beside = field_block(html.unescape(response.content.decode()), "passport_number")
    assert "a déjà un dossier ouvert" in beside
    assert f"Aller au dossier {first.reference}" in beside


def test_a_new_claim_code_asked_by_an_officer_of_another_post_is_not_found_and_on_the_trail() -> (
    None
):
    people = world()
    case = case_submit(application=application(), applicant=None, actor=people.officer)
    lusaka = officer_at("lusaka")
    response = signed_in(lusaka).post(f"/console/cases/{case.reference}/", {"action": "claim_code"})
    assert response.status_code == 404
    entry = AuditEvent.objects.get(action="case.claim_code_refused")
    assert (entry.actor_name, entry.details) == (
        "officer-lusaka",
        {"reference": case.reference, "reason": "post_not_assigned"},
    )
    # Only asking for a code is a refusal recorded; reading the page is not.
    assert signed_in(lusaka).get(f"/console/cases/{case.reference}/").status_code == 404
    assert AuditEvent.objects.filter(action="case.claim_code_refused").count() == 1
