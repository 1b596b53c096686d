"""A departure closes the admission made on the same document or visa, never on a name."""

from __future__ import annotations

import datetime as dt

from visabond.border.matching import (
    DepartureFacts,
    DocumentKey,
    MatchOutcome,
    OpenAdmission,
    match_departure,
    visa_key,
)

BIRTH = dt.date(1990, 4, 2)
PASSPORT = DocumentKey.of("MA1234567", "MWI", BIRTH)
RENEWED = DocumentKey.of("MB7654321", "MWI", BIRTH)
ADMITTED = dt.datetime(2025, 10, 1, 14, 0, tzinfo=dt.UTC)
LEFT = dt.datetime(2025, 10, 20, 22, 0, tzinfo=dt.UTC)


def admission(
    admission_id: int = 1, *docs: DocumentKey, visa: str | None = "V12345678"
) -> OpenAdmission:
    return OpenAdmission(admission_id, frozenset(docs or {PASSPORT}), visa, ADMITTED)


def test_the_same_document_closes_the_admission() -> None:
    found = match_departure(DepartureFacts(PASSPORT, None, LEFT), [admission()])
    assert (found.outcome, found.admission_id, found.on) == (MatchOutcome.MATCHED, 1, "document")


def test_a_document_number_is_compared_as_the_zone_writes_it() -> None:
    assert DocumentKey.of(" ma 123-4567<<", "mwi", BIRTH) == PASSPORT


def test_the_same_number_from_another_state_or_with_another_birth_date_does_not_match() -> None:
    for other in (
        DocumentKey.of("MA1234567", "ZMB", BIRTH),
        DocumentKey.of("MA1234567", "MWI", dt.date(1990, 4, 3)),
    ):
        found = match_departure(DepartureFacts(other, None, LEFT), [admission(visa=None)])
        assert found.outcome is MatchOutcome.UNMATCHED


def test_a_passport_renewed_during_the_stay_still_closes_it() -> None:
    found = match_departure(DepartureFacts(RENEWED, None, LEFT), [admission(1, PASSPORT, RENEWED)])
    assert (found.outcome, found.admission_id) == (MatchOutcome.MATCHED, 1)


def test_the_visa_number_closes_it_when_the_document_is_new() -> None:
    found = match_departure(DepartureFacts(RENEWED, "v1234-5678", LEFT), [admission()])
    assert (found.outcome, found.on) == (MatchOutcome.MATCHED, "visa")


def test_a_departure_before_the_admission_does_not_close_it() -> None:
    early = ADMITTED - dt.timedelta(minutes=1)
    assert match_departure(DepartureFacts(PASSPORT, None, early), [admission()]).outcome is (
        MatchOutcome.UNMATCHED
    )
    assert match_departure(DepartureFacts(PASSPORT, None, ADMITTED), [admission()]).outcome is (
        MatchOutcome.MATCHED
    )


def test_two_candidates_are_ambiguous_unless_one_matches_on_both_keys() -> None:
    two = [admission(1, visa="V1"), admission(2, visa="V2")]
    found = match_departure(DepartureFacts(PASSPORT, None, LEFT), two)
    assert (found.outcome, found.candidates) == (MatchOutcome.AMBIGUOUS, (1, 2))
    found = match_departure(DepartureFacts(PASSPORT, "V2", LEFT), two)
    assert (found.outcome, found.admission_id, found.on) == (
        MatchOutcome.MATCHED,
        2,
        "document and visa",
    )


def test_an_empty_visa_number_matches_nothing() -> None:
    assert visa_key("  <<") is None
    found = match_departure(DepartureFacts(None, "", LEFT), [admission(visa="")])
    assert found.outcome is MatchOutcome.UNMATCHED
