"""The border API over real HTTP: machine clients' keys and scopes checked before the body is
read, every use and refusal audited, batches answered item by item (good items stored, bad
ones named by index and field), and the review queue for border officers."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.border_world import Bonded, bonded
from tests.casework_world import PASSWORD, person
from tests.http_client import Response, Session
from visabond.accounts.roles import Role
from visabond.audit.models import AuditEvent
from visabond.border.client_services import border_client_add, border_client_revoke
from visabond.border.models import Admission, Departure, ReviewItem

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(live_server: Any, pilot: None) -> str:
    return str(live_server.url)


@pytest.fixture
def traveller(server: str) -> Bonded:
    return bonded()


def with_key(server: str, path: str, payload: object, key: str) -> Response:
    return Session(server).request(
        "POST",
        path,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
    )


def admission_item(record_id: str, **change: object) -> dict[str, object]:
    return {
        "record_id": record_id,
        "document_number": "MA1234567",
        "document_issuing_state": "MWI",
        "birth_date": "1990-04-02",
        "nationality": "MWI",
        "port": "JFK",
        "admitted_at": "2025-10-01T15:00:00-04:00",
        "admit_until": "2025-10-30",
        "visa_class": "B2",
    } | change


def test_a_client_sends_a_batch_and_each_item_is_answered(server: str, traveller: Bonded) -> None:
    _, key = border_client_add(name="cbp-ades", scopes=["admission"], actor="t")
    payload = {
        "items": [
            admission_item("I94-1"),
            admission_item("I94-2", admit_until="2025-09-01"),
            admission_item("I94-3", port="ZZZ"),
            "not an object",
            admission_item("I94-4", admitted_at="2025-10-01T15:00:00"),
        ]
    }
    response = with_key(server, "/api/v1/border/admissions", payload, key)
    assert response.status == 200, response.text
    body = response.json()
    assert (body["created"], body["errors"]) == (1, 4)
    first, *bad = body["results"]
    assert first["status"] == "created"
    assert first["record"]["bond"] == traveller.bond.number
    assert [b["error"]["field"] for b in bad] == [
        "items.1.admit_until",
        "items.2.port",
        "items.3",
        "items.4.admitted_at",
    ]
    assert Admission.objects.get().sender == "cbp-ades"
    used = AuditEvent.objects.filter(action="border.client_used").get()
    assert (used.details["created"], used.details["errors"]) == (1, 4)


def test_the_same_batch_twice_changes_nothing_and_other_facts_are_refused(
    server: str, traveller: Bonded
) -> None:
    _, key = border_client_add(name="cbp-ades", scopes=["admission"], actor="t")
    batch = {"items": [admission_item("I94-1")]}
    with_key(server, "/api/v1/border/admissions", batch, key)
    again = with_key(server, "/api/v1/border/admissions", batch, key).json()
    assert again["results"][0]["status"] == "unchanged"
    other = {"items": [admission_item("I94-1", admit_until="2025-10-31")]}
    refused = with_key(server, "/api/v1/border/admissions", other, key).json()["results"][0]
    assert refused["error"]["code"] == "record_differs"
    assert refused["error"]["field"] == "items.0.admit_until"
    assert Admission.objects.count() == 1


def test_a_scope_is_checked_before_the_body_and_the_refusal_audited(
    server: str, traveller: Bonded
) -> None:
    _, key = border_client_add(name="carrier", scopes=["paxlst"], actor="t")
    response = with_key(server, "/api/v1/border/departures", {"no": "items"}, key)
    assert response.status == 403
    assert response.json()["code"] == "scope_required"
    refusal = AuditEvent.objects.filter(action="border.client_refused").get()
    assert refusal.details["reason"] == "scope departure"
    assert not Departure.objects.exists()


def test_a_revoked_or_unknown_key_is_401_in_the_error_shape(server: str, traveller: Bonded) -> None:
    _, key = border_client_add(name="cbp-ades", scopes=["admission"], actor="t")
    border_client_revoke(name="cbp-ades", actor="t")
    revoked = with_key(server, "/api/v1/border/admissions", {"items": []}, key)
    assert revoked.status == 401
    assert revoked.json()["code"] == "key_revoked"
    unknown = with_key(
        server, "/api/v1/border/admissions", {"items": []}, "vbb_00000000_" + "x" * 43
    )
    assert (unknown.status, unknown.json()["code"]) == (401, "key_unknown")
    nobody = Session(server).request(
        "POST",
        "/api/v1/border/admissions",
        data=b"{}",
        headers={"Content-Type": "application/json"},
    )
    assert (nobody.status, nobody.json()["code"]) == (401, "not_authenticated")
    assert AuditEvent.objects.filter(action="border.client_refused").count() == 1


def test_a_batch_holds_at_most_a_thousand_items(server: str, traveller: Bonded) -> None:
    _, key = border_client_add(name="cbp-ades", scopes=["admission"], actor="t")
    response = with_key(server, "/api/v1/border/admissions", {"items": [{}] * 1001}, key)
    assert response.status == 422
    assert (response.json()["code"], response.json()["field"]) == ("too_many_items", "items")


def test_a_border_officer_sends_records_with_the_session_and_others_may_not(
    server: str, traveller: Bonded
) -> None:
    person("border-officer", Role.BORDER_OFFICER)
    person("auditor", Role.AUDITOR)
    officer = Session(server)
    officer.login("border-officer", PASSWORD)
    response = officer.post_json("/api/v1/border/admissions", {"items": [admission_item("A1")]})
    assert response.status == 200, response.text
    assert Admission.objects.get().sender == "officer:border-officer"
    forged = officer.request(
        "POST",
        "/api/v1/border/admissions",
        data=json.dumps({"items": [admission_item("A3")]}).encode(),
        headers={"Content-Type": "application/json"},
    )
    assert (forged.status, forged.json()["code"]) == (403, "csrf_failed")
    auditor = Session(server)
    auditor.login("auditor", PASSWORD)
    refused = auditor.post_json("/api/v1/border/admissions", {"items": [admission_item("A2")]})
    assert (refused.status, refused.json()["code"]) == (403, "role_required")


def test_an_officer_resolves_what_waits_in_the_review_queue(server: str, traveller: Bonded) -> None:
    _, key = border_client_add(name="cbp-ades", scopes=["admission", "departure"], actor="t")
    departure = admission_item("D1", departed_at="2025-10-30T21:00:00-04:00")
    for name in ("admitted_at", "admit_until", "visa_class"):
        departure.pop(name)
    with_key(server, "/api/v1/border/departures", {"items": [departure]}, key)
    item = ReviewItem.objects.get()
    person("border-officer", Role.BORDER_OFFICER)
    officer = Session(server)
    officer.login("border-officer", PASSWORD)
    listed = officer.get("/api/v1/border/review").json()
    assert [i["id"] for i in listed] == [item.pk]
    assert listed[0]["record"]["sender_record_id"] == "D1"
    resolved = officer.post_json(
        f"/api/v1/border/review/{item.pk}/resolution",
        {"admission": None, "note": "a crew member's passport, not the traveller's"},
    )
    assert resolved.status == 200, resolved.text
    assert resolved.json()["state"] == "dismissed"
    assert officer.get("/api/v1/border/review").json() == []


def test_the_openapi_document_describes_each_item(server: str) -> None:
    document = Session(server).get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/border/admissions"]["post"]
    items = operation["requestBody"]["content"]["application/json"]["schema"]["properties"]
    described, anything = items["items"]["items"]["anyOf"]
    assert {"record_id", "port", "admitted_at", "admit_until"} <= set(described["properties"])
    # Each item is answered on its own: the request accepts an item of any other shape.
    assert anything == {}


def test_a_carrier_sends_a_manifest_and_a_quarantined_one_is_answered_422(
    server: str, traveller: Bonded
) -> None:
    from tests.border_world import manifest_passenger, paxlst

    _, key = border_client_add(name="carrier-et", scopes=["paxlst"], actor="t")
    raw = paxlst(manifest_passenger())
    headers = {"Content-Type": "application/edifact", "Authorization": f"Bearer {key}"}
    sent = Session(server).request("POST", "/api/v1/border/manifests", data=raw, headers=headers)
    assert sent.status == 200, sent.text
    assert (sent.json()["state"], sent.json()["passengers"]) == ("processed", 1)
    again = Session(server).request("POST", "/api/v1/border/manifests", data=raw, headers=headers)
    assert again.json()["duplicate"] is True
    broken = re.sub(rb"UNT\+\d+\+", b"UNT+99+", paxlst(manifest_passenger(), reference="2"))
    refused = Session(server).request(
        "POST", "/api/v1/border/manifests", data=broken, headers=headers
    )
    assert refused.status == 422
    assert refused.json()["code"] == "paxlst.unt-count-mismatch"
    assert refused.json()["state"] == "quarantined"


def test_parts_sent_by_two_border_systems_wait_apart_and_each_series_assembles_once(
    server: str, traveller: Bonded
) -> None:
    from tests.border_world import manifest_passenger, paxlst

    def part(number: int, marker: str) -> bytes:
        return paxlst(
            manifest_passenger(surname=f"PHIRI{number}", passport=f"MA700000{number}"),
            reference=f"00020{number}",
            part=("SER7", number, marker),
            counts=(("42", 2),),
        )

    def send(raw: bytes, key: str) -> Response:
        headers = {"Content-Type": "application/edifact", "Authorization": f"Bearer {key}"}
        return Session(server).request(
            "POST", "/api/v1/border/manifests", data=raw, headers=headers
        )

    _, key_a = border_client_add(name="system-a", scopes=["paxlst"], actor="t")
    _, key_b = border_client_add(name="system-b", scopes=["paxlst"], actor="t")
    first = send(part(1, "C"), key_a)
    assert first.status == 200, first.text
    assert first.json()["state"] == "pending"
    assert first.json()["series"]["parts"] == [1]
    # Part 2 from another border system belongs to a series of its own.
    other = send(part(2, "F"), key_b)
    assert other.json()["state"] == "pending"
    assert other.json()["series"]["missing"] == [1]
    done = send(part(2, "F") + b"\n", key_a)
    assert done.json()["state"] == "assembled"
    whole = done.json()["series"]["assembled_into"]
    assert isinstance(whole, int)
    assert Departure.objects.filter(manifest_id=whole).count() == 2
    assert Departure.objects.count() == 2
