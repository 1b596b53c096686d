"""A realistic fiscal year of admissions, departures and status changes, from a seed.

For benchmarks and tests: travellers make several trips (geometric, mean about 2.2, at most
12), 200
nationalities with Zipf-skewed sizes, visa classes and ports in realistic proportions;
about 97% of trips end on time, 2% late, 1% with no recorded departure; about 1% of
admissions are extended (some twice) and 0.4% change to a status with no departure
expected. Written in the contract's schema (`visabond.stats.contract`), as Parquet or CSV.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pycountry

VISA_CLASSES = (("B1/B2", 0.80), ("F1", 0.07), ("J1", 0.04), ("H1B", 0.06), ("L1", 0.03))
PORTS = ("JFK", "IAD", "BOS", "MIA", "LAX", "ORD", "ATL", "SFO", "IAH", "EWR", "DFW", "SEA")
DAY = 86_400


@dataclass(frozen=True)
class Year:
    """What a generated directory holds, for a caller to check its size."""

    admissions: int
    departures: int
    status_changes: int


def nationalities() -> list[str]:
    """200 ISO 3166-1 alpha-3 codes, in a fixed order (the first are the largest)."""
    codes = sorted(c.alpha_3 for c in pycountry.countries)
    rng = numpy.random.default_rng(9303)
    return [codes[i] for i in rng.permutation(len(codes))[:200]]


def _ids(prefix: str, numbers: numpy.ndarray, width: int) -> pa.ChunkedArray:
    # In chunks: one Arrow string array holds at most 2 GiB of text.
    chunks = []
    for start in range(0, max(len(numbers), 1), 10_000_000):
        part = pa.array(numbers[start : start + 10_000_000]).cast(pa.string())
        text = pc.utf8_lpad(part, width=width, padding="0")
        chunks.append(pc.binary_join_element_wise(pa.scalar(prefix), text, ""))
    return pa.chunked_array(chunks, type=pa.string())


def generate_year(
    directory: Path,
    *,
    admissions: int,
    seed: int = 15,
    fiscal_year: int = 2025,
    file_format: str = "parquet",
    bonded_nationalities: int = 12,
) -> Year:
    """Write admissions, departures and status_changes for about one fiscal year to `directory`.

    Deterministic for a given (`admissions`, `seed`, `fiscal_year`). Admissions are ordered
    by time of admission and departures by time of departure, as a border system exports them.
    """
    rng = numpy.random.default_rng(seed)
    n = admissions
    countries = nationalities()
    weights = 1.0 / numpy.arange(1, len(countries) + 1) ** 1.07
    weights /= weights.sum()

    trips_each = numpy.minimum(rng.geometric(0.45, size=int(n / 2.0) + 16), 12)
    travellers = int(numpy.searchsorted(numpy.cumsum(trips_each), n)) + 1
    trips_each = trips_each[:travellers]
    trips_each[-1] -= int(trips_each.sum()) - n
    traveller = numpy.repeat(numpy.arange(travellers), trips_each)
    first_trip = numpy.repeat(numpy.cumsum(trips_each) - trips_each, trips_each)

    nationality = rng.choice(len(countries), size=travellers, p=weights)[traveller]
    visa = rng.choice(len(VISA_CLASSES), size=n, p=[p for _, p in VISA_CLASSES])
    port = rng.integers(0, 3, size=n)  # most traffic through the three pilot ports
    port = numpy.where(rng.random(n) < 0.4, rng.integers(0, len(PORTS), size=n), port)

    authorized = rng.choice(numpy.array([30, 90, 180]), size=n, p=[0.25, 0.25, 0.5])
    extended = rng.random(n) < 0.01
    extension_days = numpy.where(extended, rng.integers(30, 181, size=n), 0)
    changed = (rng.random(n) < 0.004) & ~extended
    bonded = (
        (nationality >= len(countries) - bonded_nationalities) & (visa == 0) & (rng.random(n) < 0.6)
    )
    outcome = rng.random(n)
    late_share = numpy.where(bonded, 0.01, 0.02)
    late = (outcome >= 0.97) & (outcome < 0.97 + late_share)
    never = (outcome >= 0.97 + late_share) | changed
    allowed = authorized + extension_days
    stay = numpy.where(late, allowed + rng.integers(1, 91, size=n), rng.integers(1, allowed + 1))
    # Frequent travellers make shorter gaps, so every history fits in about two years.
    gap = rng.integers(2, numpy.maximum(3, 400 // trips_each[traveller] + 7))
    length = stay + gap
    offset = numpy.cumsum(length) - length
    offset -= offset[first_trip]

    fy_start = dt.date(fiscal_year - 1, 10, 1)
    epoch = dt.date(1970, 1, 1)
    first_day = (fy_start - epoch).days - 200 + rng.integers(0, 330, size=travellers)[traveller]
    admitted_day = first_day + offset
    admitted_at = admitted_day * DAY + rng.integers(0, DAY, size=n)
    admit_until = admitted_day + authorized
    departed_day = admitted_day + stay
    departed_at = departed_day * DAY + rng.integers(0, DAY, size=n)

    order = numpy.argsort(admitted_at, kind="stable")
    admission_numbers = numpy.empty(n, dtype=numpy.int64)
    admission_numbers[order] = numpy.arange(1, n + 1)
    admissions_table = pa.table(
        {
            "admission_id": _ids("A", admission_numbers[order], 10),
            "traveller_id": _ids("T", traveller[order] + 1, 9),
            "nationality": pa.array(numpy.array(countries)[nationality[order]]),
            "visa_class": pa.array(numpy.array([v for v, _ in VISA_CLASSES])[visa[order]]),
            "port": pa.array(numpy.array(PORTS)[port[order]]),
            "admitted_at": pa.array(admitted_at[order] * 1_000_000, pa.timestamp("us", tz="UTC")),
            "admit_until": pa.array(admit_until[order].astype("int32"), pa.date32()),
            "bonded": pa.array(bonded[order]),
        }
    )

    departs = numpy.flatnonzero(~never)
    orphans = max(1, n // 100)  # departures of people admitted before the data begin
    dep_traveller = numpy.concatenate(
        [traveller[departs] + 1, travellers + 1 + numpy.arange(orphans)]
    )
    dep_at = numpy.concatenate(
        [
            departed_at[departs],
            (first_day.min() + rng.integers(0, 60, size=orphans)) * DAY
            + rng.integers(0, DAY, size=orphans),
        ]
    )
    dep_port = numpy.concatenate([port[departs], rng.integers(0, len(PORTS), size=orphans)])
    dep_order = numpy.argsort(dep_at, kind="stable")
    departures_table = pa.table(
        {
            "departure_id": _ids("D", numpy.arange(1, len(dep_at) + 1), 10),
            "traveller_id": _ids("T", dep_traveller[dep_order], 9),
            "departed_at": pa.array(dep_at[dep_order] * 1_000_000, pa.timestamp("us", tz="UTC")),
            "port": pa.array(numpy.array(PORTS)[dep_port[dep_order]]),
        }
    )

    ext = numpy.flatnonzero(extended)
    twice = ext[rng.random(len(ext)) < 0.15]
    chg = numpy.flatnonzero(changed)
    change_trip = numpy.concatenate([ext, twice, chg])
    decided = numpy.concatenate(
        [
            admitted_day[ext] + rng.integers(5, authorized[ext]),
            admitted_day[twice] + rng.integers(1, 5, size=len(twice)),
            admitted_day[chg] + rng.integers(1, authorized[chg]),
        ]
    )
    new_until = numpy.concatenate(
        [
            admit_until[ext] + extension_days[ext],
            admit_until[twice] + 15,
            numpy.zeros(len(chg), dtype=numpy.int64),
        ]
    )
    is_change = numpy.concatenate(
        [numpy.zeros(len(ext) + len(twice), bool), numpy.ones(len(chg), bool)]
    )
    change_order = numpy.argsort(decided, kind="stable")
    status_table = pa.table(
        {
            "admission_id": _ids("A", admission_numbers[change_trip[change_order]], 10),
            "decided_on": pa.array(decided[change_order].astype("int32"), pa.date32()),
            "new_admit_until": pa.array(
                new_until[change_order].astype("int32"), pa.date32(), mask=is_change[change_order]
            ),
        }
    )

    directory.mkdir(parents=True, exist_ok=True)
    for name, table in (
        ("admissions", admissions_table),
        ("departures", departures_table),
        ("status_changes", status_table),
    ):
        if file_format == "parquet":
            pq.write_table(table, directory / f"{name}.parquet", row_group_size=1 << 20)
        else:
            pacsv.write_csv(table, directory / f"{name}.csv")
    return Year(admissions_table.num_rows, departures_table.num_rows, status_table.num_rows)
