"""The DHS Entry/Exit Overstay Report method, made exact: the parts that are plain arithmetic.

Rules (issue 15, "Rules"; DHS Fiscal Year Entry/Exit Overstay Report, "Methodology"):
1. status changes decided on or before the cut-off count; the latest extension wins (ties: the
   later admit-until); a change to a status with no departure expected removes the admission;
2. expected departures of fiscal year Y: admissions whose effective admit-until falls in Y;
3. an admission's departure is the traveller's first departure at or after the admission and
   at or before the next admission (a departure comes first at the same instant), known by
   the cut-off;
4. each expected departure is in exactly one of the four classes below;
5. rates are decimals rounded half-up to 6 places, or None when nothing was expected.
The set operations of rules 1-4 are in `visabond.stats.sql`; this module holds the calendar
and the rates, which both engines share.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from visabond.core.errors import InvalidInput

# Bumped whenever a rule's reading changes, so a snapshot says which rules made it.
RULES_VERSION = "dhs-overstay-1"

CLASSES = (
    "departed_on_time",
    "out_of_country_overstay",
    "in_status",
    "suspected_in_country_overstay",
)
COUNT_COLUMNS = (
    "expected_departures",
    "departed_on_time",
    "out_of_country_overstays",
    "suspected_in_country_overstays",
    "in_status",
)
RATE_COLUMNS = ("total_overstay_rate", "in_country_overstay_rate")
RATE_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class FiscalYear:
    """Fiscal year `year`: the twelve months ending in the month before `start_month` of `year`.

    With the US federal start month (October), FY2025 runs 2024-10-01 to 2025-09-30; with
    January it is the calendar year.
    """

    year: int
    start_month: int = 10

    def __post_init__(self) -> None:
        if not 1 <= self.start_month <= 12:
            raise InvalidInput(
                f"{self.start_month} is not a month (1-12)",
                code="month_invalid",
                field="--fiscal-year-start",
            )
        if not 1900 <= self.year <= 9998:
            raise InvalidInput(
                f"{self.year} is not a plausible fiscal year",
                code="year_invalid",
                field="--fiscal-year",
            )

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year - 1 if self.start_month > 1 else self.year, self.start_month, 1)

    @property
    def last_day(self) -> dt.date:
        start = self.first_day
        return dt.date(start.year + 1, start.month, 1) - dt.timedelta(days=1)


def rate(numerator: int, denominator: int) -> Decimal | None:
    """`numerator / denominator` rounded half-up to 6 decimal places; None when nothing was expected."""
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)


def with_rates(counts: dict[str, Any]) -> dict[str, Any]:
    """A result row (group columns and the five counts) with its two rates added (rule 5)."""
    row = dict(counts)
    for name in COUNT_COLUMNS:
        row[name] = int(row[name])
    expected = row["expected_departures"]
    out_of_country = row["out_of_country_overstays"]
    in_country = row["suspected_in_country_overstays"]
    row["total_overstay_rate"] = rate(out_of_country + in_country, expected)
    row["in_country_overstay_rate"] = rate(in_country, expected)
    return row
