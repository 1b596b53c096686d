"""The set store of a manifest's passengers gives what storing them one by one gives: the
same departures, matches, review items, expected arrivals, deciding departures, quarantines
and audit entries, on every rule of matching the manifests below exercise."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pytest
from django.db import transaction

from tests.border.test_manifest_services import with_unt_count
from tests.border_world import (
    Bonded,
    admit,
    at_port,
    bonded,
    depart,
    grace,
    manifest_passenger,
    paxlst,
    renew,
)
from visabond.audit.models import AuditEvent
from visabond.border import records
from visabond.border.manifest_services import manifest_ingest
from visabond.border.models import (
    Admission,
    Departure,
    ExpectedArrival,
    PaxlstManifest,
    ReviewItem,
)

pytestmark = pytest.mark.usefixtures("pilot")

ZAMBIA_BORN = dt.date(1985, 1, 1)


def zambian(passport: str, *, visa: str = "") -> records.Traveller:
    return records.traveller(
        document_number=passport,
        document_issuing_state="ZMB",
        birth_date=ZAMBIA_BORN,
        nationality="ZMB",
        visa_number=visa,
    )


def second_stay(admission_id: int, *, on: str, until: str) -> int:
    """A second stay on the same single-entry visa with no departure between, written as a
    feed kept it before such an admission was refused (`admissions.py`): matching must
    still take the later stay."""
    stay = Admission.objects.get(pk=admission_id)
    stay.pk, stay.sender_record_id = None, f"{stay.sender_record_id}-again"
    stay.admitted_at = at_port(on, "15:00")
    stay.admitted_on = dt.date.fromisoformat(on)
    stay.admit_until = stay.authorized_until = dt.date.fromisoformat(until)
    stay.save()
    return int(stay.pk)


def world(grace_: Bonded) -> dict[str, int]:
    """Admissions every rule of matching meets: Grace admitted twice (the later stay is the
    open one), her passport renewed during it and an exit record already closing it; two
    Zambians one departure reaches through the document and the visa respectively; a
    Tanzanian admitted with nothing recorded of her leaving yet."""
    visa = grace_.visa.number
    earlier = admit(grace(visa=visa), on="2025-09-05", until="2025-09-20").record.pk
    later = second_stay(earlier, on="2025-10-01", until="2025-10-30")
    renew(grace(), new_passport="MB7654321")
    depart(grace(), on="2025-10-29", time="10:00")
    by_document = admit(zambian("ZN1111111"), on="2025-10-02").record.pk
    by_visa = admit(zambian("ZN2222222", visa="Q9999999"), on="2025-10-03").record.pk
    tanzanian = admit(
        records.traveller(
            document_number="TZ3333333",
            document_issuing_state="TZA",
            birth_date=dt.date(1979, 6, 6),
            nationality="TZA",
        ),
        on="2025-10-04",
    ).record.pk
    return {
        "earlier": earlier,
        "later": later,
        "by_document": by_document,
        "by_visa": by_visa,
        "tanzanian": tanzanian,
    }


def manifests(grace_: Bonded) -> list[bytes]:
    visa = grace_.visa.number
    outbound = paxlst(
        # the renewed passport and the visa: the later stay, on both
        manifest_passenger(passport="MB7654321", visa=visa),
        # one admission by the document, another by the visa, none by both: ambiguous
        manifest_passenger(
            surname="MWALE",
            passport="ZN1111111",
            issuing_state="ZMB",
            nationality="ZMB",
            born=ZAMBIA_BORN,
            visa="Q9999999",
        ),
        # the old passport alone: the later stay (the earlier one was closed by it)
        manifest_passenger(),
        # nobody admitted, no bond at stake: kept unmatched, no review
        manifest_passenger(surname="NOBODY", passport="MA0000001"),
        # no birth date, no visa: nothing to match
        manifest_passenger(surname="INFANT", born=None),
        # a misread passport and the visa: the later stay, on the visa
        manifest_passenger(surname="BANDA", passport="MA9999999", visa=visa),
        manifest_passenger(
            surname="MOSHI",
            passport="TZ3333333",
            issuing_state="TZA",
            nationality="TZA",
            born=dt.date(1979, 6, 6),
        ),
        # her passport (the later stay) with the Zambian's visa (his stay): ambiguous, and
        # her bond is at stake
        manifest_passenger(visa="Q9999999"),
    )
    return [
        outbound,
        # before any admission, on the bonded visa: unmatched, for an officer
        paxlst(manifest_passenger(visa=visa), departs="2025-09-01T21:40", reference="2"),
        # through a port her visa does not name
        paxlst(manifest_passenger(), route=("ATL", "ADD"), reference="3"),
        # inbound: an expected arrival on the bond
        paxlst(
            manifest_passenger(visa=visa),
            route=("ADD", "IAD"),
            departs="2025-09-30T23:00",
            arrives="2025-10-01T07:30",
            reference="4",
        ),
        with_unt_count(paxlst(manifest_passenger(), reference="5"), 40),
        outbound,
    ]


def outcome(ingest_each: bool, files: list[bytes]) -> dict[str, Any]:
    """Ingest `files` and describe what became of them, without the ids either way draws."""
    for number, raw in enumerate(files):
        manifest_ingest(
            raw=raw, source=f"m{number}.edi", actor="test carrier", per_passenger=ingest_each
        )
    manifests = {m.pk: m.digest for m in PaxlstManifest.objects.all()}
    departures = {d.pk: d.sender_record_id for d in Departure.objects.all()}

    def described(row: Any, *drop: str) -> dict[str, Any]:
        fields = {
            f.attname: getattr(row, f.attname)
            for f in type(row)._meta.concrete_fields
            if f.attname not in {"id", "received_at", "opened_at", "processed_at", *drop}
        }
        if "manifest_id" in fields:
            fields["manifest_id"] = manifests.get(fields["manifest_id"])
        if "departure_id" in fields:
            fields["departure_id"] = departures.get(fields["departure_id"])
        return fields

    def audited(details: dict[str, Any]) -> dict[str, Any]:
        said = dict(details)
        if "manifest" in said:
            said["manifest"] = manifests[said["manifest"]]
        said["matched"] = [
            {**item, "id": departures[item["id"]], "review": item["review"] is not None}
            for item in said.get("matched", [])
        ]
        return said

    return {
        "departures": sorted(
            (described(d) for d in Departure.objects.all()), key=lambda d: d["sender_record_id"]
        ),
        "reviews": sorted(
            (described(r) for r in ReviewItem.objects.all()), key=lambda r: str(r["departure_id"])
        ),
        "arrivals": sorted(
            (described(a) for a in ExpectedArrival.objects.all()),
            key=lambda a: a["sender_record_id"],
        ),
        "deciding": {
            a.pk: departures.get(a.deciding_departure_id) for a in Admission.objects.order_by("pk")
        },
        "manifests": sorted(
            (described(m, "raw") for m in PaxlstManifest.objects.all()), key=lambda m: m["digest"]
        ),
        "audit": [
            (e.action, e.subject_type, audited(e.details))
            for e in AuditEvent.objects.filter(action__startswith="border.manifest").order_by(
                "sequence"
            )
        ],
    }


def both_ways(files: list[bytes]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The outcome passenger by passenger, undone, then the outcome of the set store."""
    # A bare savepoint: the entry point's durable transaction may not nest in an atomic block.
    before = transaction.savepoint()
    each = outcome(True, files)
    transaction.savepoint_rollback(before)
    return each, outcome(False, files)


def test_the_set_store_records_what_storing_passenger_by_passenger_records() -> None:
    traveller = bonded()
    admissions = world(traveller)
    files = manifests(traveller)
    each, together = both_ways(files)
    assert together == each
    # and what both record is what the rules say
    digests = [hashlib.sha256(raw).hexdigest() for raw in files]

    def of(number: int) -> dict[str, Any]:
        return {
            d["sender_record_id"].split("/", 2)[2]: d
            for d in together["departures"]
            if d["manifest_id"] == digests[number]
        }

    outbound = of(0)
    assert {key: (d["match"], d["matched_on"]) for key, d in outbound.items()} == {
        "0/IAD": ("matched", "document and visa"),
        "1/IAD": ("ambiguous", ""),
        "2/IAD": ("matched", "document"),
        "3/IAD": ("unmatched", ""),
        "5/IAD": ("matched", "visa"),
        "6/IAD": ("matched", "document"),
        "7/IAD": ("ambiguous", ""),
    }
    assert {d["admission_id"] for d in outbound.values()} == {
        None,
        admissions["later"],
        admissions["tanzanian"],
    }
    [(unmatched_early, _)] = of(1).items()
    assert of(1)[unmatched_early]["match"] == "unmatched"
    assert [d["port_designated"] for d in of(2).values()] == [False]
    assert sorted(
        (r["departure_id"], r["reason"], r["candidates"]) for r in together["reviews"]
    ) == sorted(
        [
            (
                outbound["7/IAD"]["sender_record_id"],
                "ambiguous",
                sorted([admissions["later"], admissions["by_visa"]]),
            ),
            (of(1)[unmatched_early]["sender_record_id"], "unmatched", []),
        ]
    )
    assert together["deciding"][admissions["tanzanian"]] == outbound["6/IAD"]["sender_record_id"]
    assert together["deciding"][admissions["later"]].startswith("R")  # the exit record outranks
    assert [a["bond_id"] for a in together["arrivals"]] == [traveller.bond.pk]
    assert [m["state"] for m in together["manifests"]].count("quarantined") == 1
    assert len(together["audit"]) == 5  # four processed, one quarantined; the copy: nothing


def twice_in_one_interchange(first: bytes, second: bytes) -> bytes:
    """One interchange holding the message of `first` and then that of `second`, both under
    the UNH reference MSG1: their first passengers share one record id."""
    start, end = first.index(b"UNH+"), first.index(b"UNE+")
    message = second[second.index(b"UNH+") : second.index(b"UNE+")]
    closing = first[end:].replace(b"UNE+1+", b"UNE+2+")  # UNZ counts the one group
    return first[:start] + first[start:end] + message + closing


def test_the_same_record_id_twice_in_one_interchange_is_stored_once_when_it_says_the_same() -> None:
    traveller = bonded()
    admission = admit(grace(visa=traveller.visa.number)).record.pk
    once = paxlst(manifest_passenger(visa=traveller.visa.number))
    raw = twice_in_one_interchange(once, once)
    each, together = both_ways([raw])
    assert together == each
    [row] = together["manifests"]
    assert (row["state"], row["passengers"], row["departures"]) == ("processed", 2, 2)
    [departure] = together["departures"]
    assert departure["sender_record_id"].endswith("/MSG1/0/IAD")
    assert Admission.objects.get(pk=admission).deciding_departure_id is not None


def test_the_same_record_id_twice_in_one_interchange_with_other_facts_quarantines_it_whole() -> (
    None
):
    traveller = bonded()
    admit(grace(visa=traveller.visa.number))
    raw = twice_in_one_interchange(
        paxlst(manifest_passenger(visa=traveller.visa.number)),
        paxlst(manifest_passenger(surname="MWALE", passport="MA7777777")),
    )
    each, together = both_ways([raw])
    assert together == each
    [row] = together["manifests"]
    assert (row["state"], row["error_code"]) == ("quarantined", "record_differs")
    assert together["departures"] == []
    assert together["reviews"] == []
