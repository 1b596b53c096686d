"""Hand-worked cases of the overstay method: one per rule of issue 15 and each rule's edges.

Each case is a traveller's (or a few travellers') story, the report's fiscal year and
cut-off, and the counts worked out by hand: (expected departures, departed on time,
out-of-country overstays, suspected in-country overstays, in status).
"""

from __future__ import annotations

from dataclasses import dataclass, field

Counts = tuple[int, int, int, int, int]


@dataclass(frozen=True)
class Case:
    name: str
    rule: str
    as_of: str
    expected: Counts
    admissions: tuple[tuple[str, ...], ...]  # (id, traveller, admitted_at, admit_until)
    departures: tuple[tuple[str, ...], ...] = ()  # (id, traveller, departed_at)
    status_changes: tuple[tuple[str, ...], ...] = ()  # (admission, decided_on, new_admit_until)
    fiscal_year: int = 2025
    start_month: int = 10
    note: str = field(default="", compare=False)


ADMITTED = "2024-11-01T10:00:00Z"
CASES = (
    # Rule 1: status changes known by the cut-off.
    Case(
        "extension_decided_before_cutoff_replaces_admit_until",
        "1",
        "2025-02-01",
        (1, 0, 0, 0, 1),
        (("A", "T", ADMITTED, "2024-12-01"),),
        status_changes=(("A", "2025-01-10", "2025-03-01"),),
    ),
    Case(
        "extension_decided_on_the_cutoff_counts",
        "1",
        "2025-02-01",
        (1, 0, 0, 0, 1),
        (("A", "T", ADMITTED, "2024-12-01"),),
        status_changes=(("A", "2025-02-01", "2025-03-01"),),
    ),
    Case(
        "extension_decided_after_cutoff_is_ignored",
        "1",
        "2025-02-01",
        (1, 0, 0, 1, 0),
        (("A", "T", ADMITTED, "2024-12-01"),),
        status_changes=(("A", "2025-02-02", "2025-03-01"),),
    ),
    Case(
        "latest_decided_extension_wins_even_if_shorter",
        "1",
        "2025-02-01",
        (1, 0, 0, 1, 0),
        (("A", "T", ADMITTED, "2024-12-01"),),
        status_changes=(("A", "2025-01-05", "2025-06-01"), ("A", "2025-01-10", "2025-01-20")),
    ),
    Case(
        "extensions_decided_the_same_day_the_later_admit_until_wins",
        "1",
        "2025-02-01",
        (1, 0, 0, 0, 1),
        (("A", "T", ADMITTED, "2024-12-01"),),
        status_changes=(("A", "2025-01-10", "2025-01-20"), ("A", "2025-01-10", "2025-06-01")),
    ),
    Case(
        "extension_makes_a_late_departure_on_time",
        "1",
        "2025-09-01",
        (1, 1, 0, 0, 0),
        (("A", "T", ADMITTED, "2024-12-01"),),
        (("D", "T", "2025-01-15T08:00:00Z"),),
        (("A", "2024-11-20", "2025-01-31"),),
    ),
    Case(
        "extension_moves_the_admission_out_of_the_fiscal_year",
        "1",
        "2025-12-31",
        (0, 0, 0, 0, 0),
        (("A", "T", "2025-09-01T10:00:00Z", "2025-09-30"),),
        status_changes=(("A", "2025-09-15", "2025-10-15"),),
    ),
    Case(
        "change_to_a_status_with_no_departure_removes_the_admission",
        "1",
        "2025-09-01",
        (1, 0, 0, 1, 0),
        (("A", "T", ADMITTED, "2024-12-01"), ("B", "U", ADMITTED, "2024-12-01")),
        status_changes=(("A", "2024-11-20", ""),),
    ),
    Case(
        "change_of_status_decided_after_cutoff_does_not_remove",
        "1",
        "2025-01-31",
        (1, 0, 0, 1, 0),
        (("A", "T", ADMITTED, "2024-12-01"),),
        status_changes=(("A", "2025-02-01", ""),),
    ),
    Case(
        "change_of_status_removes_even_beside_an_extension",
        "1",
        "2025-09-01",
        (0, 0, 0, 0, 0),
        (("A", "T", ADMITTED, "2024-12-01"),),
        status_changes=(("A", "2024-11-10", ""), ("A", "2024-11-20", "2025-03-01")),
    ),
    Case(
        "status_change_of_an_unknown_admission_changes_nothing",
        "1",
        "2025-09-01",
        (1, 1, 0, 0, 0),
        (("A", "T", ADMITTED, "2024-12-01"),),
        (("D", "T", "2024-11-20T08:00:00Z"),),
        (("ZZ", "2024-11-10", ""),),
    ),
    # Rule 2: the fiscal year's window of admit-until dates.
    Case(
        "fiscal_year_includes_its_first_and_last_day",
        "2",
        "2025-12-31",
        (2, 0, 0, 2, 0),
        (
            ("A", "T", "2024-09-01T10:00:00Z", "2024-10-01"),
            ("B", "U", "2025-09-01T10:00:00Z", "2025-09-30"),
            ("C", "V", "2024-09-01T10:00:00Z", "2024-09-30"),
            ("E", "W", "2025-09-01T10:00:00Z", "2025-10-01"),
        ),
    ),
    Case(
        "fiscal_year_may_start_in_january",
        "2",
        "2026-03-01",
        (2, 0, 0, 2, 0),
        (
            ("A", "T", "2024-12-01T10:00:00Z", "2025-01-01"),
            ("B", "U", "2025-12-01T10:00:00Z", "2025-12-31"),
            ("C", "V", "2024-12-01T10:00:00Z", "2024-12-31"),
            ("E", "W", "2025-12-01T10:00:00Z", "2026-01-01"),
        ),
        start_month=1,
    ),
    Case(
        "admissions_are_counted_by_admit_until_not_by_arrival",
        "2",
        "2025-12-31",
        (1, 1, 0, 0, 0),
        (("A", "T", "2024-05-01T10:00:00Z", "2024-10-15"),),
        (("D", "T", "2024-10-10T10:00:00Z"),),
    ),
    # Rule 3: matching departures to admissions.
    Case(
        "departure_at_the_instant_of_admission_matches",
        "3",
        "2025-09-01",
        (1, 1, 0, 0, 0),
        (("A", "T", ADMITTED, "2024-12-01"),),
        (("D", "T", ADMITTED),),
    ),
    Case(
        "departure_before_the_admission_does_not_match",
        "3",
        "2025-09-01",
        (1, 0, 0, 1, 0),
        (("A", "T", ADMITTED, "2024-12-01"),),
        (("D", "T", "2024-11-01T09:59:59Z"),),
    ),
    Case(
        "first_of_two_departures_is_the_match",
        "3",
        "2025-09-01",
        (1, 1, 0, 0, 0),
        (("A", "T", ADMITTED, "2024-12-01"),),
        (("D2", "T", "2024-12-05T10:00:00Z"), ("D1", "T", "2024-11-20T10:00:00Z")),
    ),
    Case(
        "departure_after_the_next_admission_belongs_to_it",
        "3",
        "2025-09-01",
        (2, 1, 0, 1, 0),
        (("A", "T", ADMITTED, "2024-12-01"), ("B", "T", "2024-11-10T10:00:00Z", "2024-12-10")),
        (("D", "T", "2024-11-15T10:00:00Z"),),
    ),
    Case(
        "departure_at_the_instant_of_the_next_admission_closes_the_earlier_stay",
        "3",
        "2025-09-01",
        (2, 2, 0, 0, 0),
        (("A", "T", ADMITTED, "2024-12-01"), ("B", "T", "2024-11-10T10:00:00Z", "2024-12-10")),
        (("D", "T", "2024-11-10T10:00:00Z"),),
        note="comes before the admission, and is at or after both admissions' instants",
    ),
    Case(
        "admissions_at_one_instant_are_ordered_by_admission_id",
        "3",
        "2025-09-01",
        (2, 1, 0, 1, 0),
        (("A2", "T", ADMITTED, "2024-12-01"), ("A1", "T", ADMITTED, "2024-11-03")),
        (("D", "T", "2024-11-10T10:00:00Z"),),
        note="A1 comes first: its next admission is A2, at its own instant, so D is A2's",
    ),
    Case(
        "departure_at_the_instant_of_simultaneous_admissions_is_the_departure_of_each",
        "3",
        "2025-09-01",
        (3, 3, 0, 0, 0),
        (
            ("A3", "T", ADMITTED, "2024-11-03"),
            ("A1", "T", ADMITTED, "2024-11-03"),
            ("A2", "T", ADMITTED, "2024-11-03"),
        ),
        (("D", "T", ADMITTED),),
    ),
    Case(
        "departure_of_another_traveller_does_not_match",
        "3",
        "2025-09-01",
        (1, 0, 0, 1, 0),
        (("A", "T", ADMITTED, "2024-12-01"),),
        (("D", "U", "2024-11-20T10:00:00Z"),),
    ),
    Case(
        "departure_on_the_cutoff_day_is_known",
        "3",
        "2025-01-15",
        (1, 0, 1, 0, 0),
        (("A", "T", ADMITTED, "2024-12-01"),),
        (("D", "T", "2025-01-15T23:59:59Z"),),
    ),
    Case(
        "departure_after_the_cutoff_day_is_not_known_yet",
        "3",
        "2025-01-15",
        (1, 0, 0, 1, 0),
        (("A", "T", ADMITTED, "2024-12-01"),),
        (("D", "T", "2025-01-16T00:00:00Z"),),
    ),
    Case(
        "departure_after_the_cutoff_does_not_hide_a_known_one",
        "3",
        "2025-01-15",
        (1, 1, 0, 0, 0),
        (("A", "T", ADMITTED, "2024-12-01"),),
        (("D2", "T", "2025-01-20T00:00:00Z"), ("D1", "T", "2024-11-30T00:00:00Z")),
    ),
    Case(
        "an_offset_is_read_as_the_utc_instant",
        "3",
        "2025-09-01",
        (2, 1, 1, 0, 0),
        (("A", "T", ADMITTED, "2024-12-01"), ("B", "U", ADMITTED, "2024-12-01")),
        (("D1", "T", "2024-12-02T01:30:00+02:00"), ("D2", "U", "2024-12-01T20:00:00-05:00")),
        note="D1 is 23:30 UTC on the 1st; D2 is 01:00 UTC on the 2nd",
    ),
    Case(
        "a_time_without_zone_is_utc",
        "3",
        "2025-09-01",
        (1, 1, 0, 0, 0),
        (("A", "T", "2024-11-01 10:00:00", "2024-12-01"),),
        (("D", "T", "2024-12-01 23:59:59"),),
    ),
    # Rule 4: the four classes and their edges.
    Case(
        "departure_on_the_admit_until_day_is_on_time",
        "4",
        "2025-09-01",
        (1, 1, 0, 0, 0),
        (("A", "T", ADMITTED, "2024-12-01"),),
        (("D", "T", "2024-12-01T23:59:59Z"),),
    ),
    Case(
        "departure_the_day_after_admit_until_is_an_out_of_country_overstay",
        "4",
        "2025-09-01",
        (1, 0, 1, 0, 0),
        (("A", "T", ADMITTED, "2024-12-01"),),
        (("D", "T", "2024-12-02T00:00:00Z"),),
    ),
    Case(
        "no_departure_with_admit_until_on_the_cutoff_is_in_status",
        "4",
        "2025-03-01",
        (1, 0, 0, 0, 1),
        (("A", "T", "2025-02-01T10:00:00Z", "2025-03-01"),),
    ),
    Case(
        "no_departure_with_admit_until_before_the_cutoff_is_a_suspected_overstay",
        "4",
        "2025-03-02",
        (1, 0, 0, 1, 0),
        (("A", "T", "2025-02-01T10:00:00Z", "2025-03-01"),),
    ),
    Case(
        "a_departure_known_before_admit_until_passes_is_on_time_whatever_the_cutoff",
        "4",
        "2024-11-15",
        (1, 1, 0, 0, 0),
        (("A", "T", ADMITTED, "2024-12-01"),),
        (("D", "T", "2024-11-10T10:00:00Z"),),
    ),
)
