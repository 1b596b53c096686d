"""The contract's rules read literally, in plain Python, one traveller at a time.

Slow and simple on purpose: an independent reading to compare both engines with on a
generated year, not a second implementation to ship.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

import pyarrow.parquet as pq


def reference_counts(
    directory: Path, *, first: dt.date, last: dt.date, as_of: dt.date
) -> Counter[str]:
    admissions = pq.read_table(directory / "admissions.parquet").to_pylist()
    departures = pq.read_table(directory / "departures.parquet").to_pylist()
    changes = pq.read_table(directory / "status_changes.parquet").to_pylist()

    removed: set[str] = set()
    latest: dict[str, tuple[dt.date, dt.date]] = {}
    for change in changes:
        if change["decided_on"] > as_of:
            continue
        if change["new_admit_until"] is None:
            removed.add(change["admission_id"])
        else:
            key = (change["decided_on"], change["new_admit_until"])
            latest[change["admission_id"]] = max(latest.get(change["admission_id"], key), key)

    known: dict[str, list[dt.datetime]] = defaultdict(list)
    for departure in departures:
        if departure["departed_at"].date() <= as_of:
            known[departure["traveller_id"]].append(departure["departed_at"])
    for times in known.values():
        times.sort()
    stays: dict[str, list[tuple[dt.datetime, str]]] = defaultdict(list)
    for admission in admissions:
        stays[admission["traveller_id"]].append(
            (admission["admitted_at"], admission["admission_id"])
        )
    for times in stays.values():
        times.sort()

    tally: Counter[str] = Counter()
    for admission in admissions:
        if admission["admission_id"] in removed:
            continue
        until = latest.get(admission["admission_id"], (None, admission["admit_until"]))[1]
        if not first <= until <= last:
            continue
        own = stays[admission["traveller_id"]]
        position = own.index((admission["admitted_at"], admission["admission_id"]))
        following = own[position + 1][0] if position + 1 < len(own) else None
        times = known[admission["traveller_id"]]
        index = bisect.bisect_left(times, admission["admitted_at"])
        departed = times[index] if index < len(times) else None
        if departed is not None and following is not None and departed > following:
            departed = None
        tally["expected_departures"] += 1
        if departed is not None:
            tally[
                "departed_on_time" if departed.date() <= until else "out_of_country_overstays"
            ] += 1
        else:
            tally["in_status" if until >= as_of else "suspected_in_country_overstays"] += 1
    return tally
