"""The designation assistant's arithmetic: which nationalities pass a threshold, and bond effects.

A nationality is proposed when its total overstay rate is above `rate` and it had at least
`min_expected` expected departures (small counts make rates unstable: the DHS report
itself flags them). Rates are recomputed from summed counts, never averaged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from visabond.stats.method import COUNT_COLUMNS, with_rates


@dataclass(frozen=True)
class Threshold:
    rate: Decimal  # a fraction: 0.10 is 10%
    min_expected: int


@dataclass(frozen=True)
class Figures:
    expected: int
    overstays: int
    total_rate: Decimal | None
    in_country_rate: Decimal | None


@dataclass(frozen=True)
class NationalityFigures:
    nationality: str
    all: Figures
    bonded: Figures | None
    unbonded: Figures | None

    def proposed(self, threshold: Threshold) -> bool:
        rate = self.all.total_rate
        return (
            rate is not None
            and rate > threshold.rate
            and self.all.expected >= threshold.min_expected
        )


def _figures(rows: Sequence[dict[str, Any]]) -> Figures | None:
    if not rows:
        return None
    summed = with_rates({c: sum(int(r[c]) for r in rows) for c in COUNT_COLUMNS})
    return Figures(
        summed["expected_departures"],
        summed["out_of_country_overstays"] + summed["suspected_in_country_overstays"],
        summed["total_overstay_rate"],
        summed["in_country_overstay_rate"],
    )


def by_nationality(rows: Sequence[dict[str, Any]]) -> list[NationalityFigures]:
    """Rows broken down by nationality (and optionally `bonded`) -> one entry per nationality,
    largest expected departures first."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[str(row["nationality"])].append(row)
    found = []
    for nationality, members in groups.items():
        whole = _figures(members)
        assert whole is not None
        found.append(
            NationalityFigures(
                nationality,
                whole,
                _figures([r for r in members if r.get("bonded") is True]),
                _figures([r for r in members if r.get("bonded") is False]),
            )
        )
    found.sort(key=lambda f: (-f.all.expected, f.nationality))
    return found
