"""Overstay report: visabond's full method beside straightforward peers, same files, one process.

    .venv/bin/python benchmarks/bench_overstays.py                  # 1M admissions (modest)
    .venv/bin/python benchmarks/bench_overstays.py --size 10000000  # the US-scale figures
    .venv/bin/python benchmarks/bench_overstays.py --size 50000000 --only visabond --memory-limit 7GB

A seeded year is generated once into benchmarks/results/ (Parquet) and reused. Peers apply
the same rules in the obvious way: pandas `merge_asof`, Polars `join_asof`, DuckDB's plain
`ASOF JOIN`, each with the next admission from a window; visabond runs its whole method
(contract checks, status changes, matching, classes). All must give the same counts.
Prints wall time and peak resident memory of each (sampled every 5 ms).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from visabond.stats.engines.duckdb_engine import DuckDBEngine  # noqa: E402
from visabond.stats.method import COUNT_COLUMNS, FiscalYear  # noqa: E402
from visabond.stats.runner import OverstayQuery, overstay_report  # noqa: E402
from visabond.stats.synthetic import generate_year  # noqa: E402

FY = FiscalYear(2025)
AS_OF = dt.date(2025, 12, 31)
Counts = dict[str, int]


class PeakMemory:
    """Peak resident set size of this process while a block runs (MiB)."""

    def __enter__(self) -> PeakMemory:
        self.peak = self.base = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self._rss())

    @staticmethod
    def _rss() -> float:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * 4096 / 2**20


def visabond_method(data: Path, memory_limit: str | None) -> Counts:
    engine = DuckDBEngine(memory_limit=memory_limit)
    try:
        (row,) = overstay_report(engine, OverstayQuery(data, FY, AS_OF))
    finally:
        engine.close()
    return {c: row[c] for c in COUNT_COLUMNS}


def spark_method(data: Path) -> Counts:
    from visabond.stats.engines.spark_engine import SparkEngine, spark_session

    session = spark_session("local[2]")
    try:
        (row,) = overstay_report(SparkEngine(session), OverstayQuery(data, FY, AS_OF))
    finally:
        session.stop()
    return {c: row[c] for c in COUNT_COLUMNS}


def _tally(on_time: int, out: int, in_country: int, in_status: int) -> Counts:
    return {
        "expected_departures": on_time + out + in_country + in_status,
        "departed_on_time": on_time,
        "out_of_country_overstays": out,
        "suspected_in_country_overstays": in_country,
        "in_status": in_status,
    }


def pandas_peer(data: Path) -> Counts:
    import pandas as pd

    adm = pd.read_parquet(
        data / "admissions.parquet",
        columns=["admission_id", "traveller_id", "admitted_at", "admit_until"],
    )
    dep = pd.read_parquet(data / "departures.parquet", columns=["traveller_id", "departed_at"])
    chg = pd.read_parquet(data / "status_changes.parquet")
    as_of = pd.Timestamp(AS_OF)
    chg = chg[chg["decided_on"] <= AS_OF]
    removed = set(chg.loc[chg["new_admit_until"].isna(), "admission_id"])
    ext = chg[chg["new_admit_until"].notna()].sort_values(
        ["admission_id", "decided_on", "new_admit_until"]
    )
    latest = ext.groupby("admission_id")["new_admit_until"].last()
    adm["admit_until"] = adm["admission_id"].map(latest).fillna(adm["admit_until"])
    adm = adm.sort_values(["traveller_id", "admitted_at", "admission_id"])
    adm["next_admitted_at"] = adm.groupby("traveller_id")["admitted_at"].shift(-1)
    dep = dep[dep["departed_at"].dt.tz_convert(None).dt.normalize() <= as_of].sort_values(
        "departed_at"
    )
    merged = pd.merge_asof(
        adm.sort_values("admitted_at"),
        dep,
        left_on="admitted_at",
        right_on="departed_at",
        by="traveller_id",
        direction="forward",
        allow_exact_matches=True,
    )
    late_next = merged["next_admitted_at"].notna() & (
        merged["departed_at"] > merged["next_admitted_at"]
    )
    merged.loc[late_next, "departed_at"] = pd.NaT
    until = pd.to_datetime(merged["admit_until"])
    expected = (
        (~merged["admission_id"].isin(removed))
        & (until >= pd.Timestamp(FY.first_day))
        & (until <= pd.Timestamp(FY.last_day))
    )
    m = merged[expected]
    until = until[expected]
    day = m["departed_at"].dt.tz_convert(None).dt.normalize()
    gone = m["departed_at"].notna()
    return _tally(
        int((gone & (day <= until)).sum()),
        int((gone & (day > until)).sum()),
        int((~gone & (until < as_of)).sum()),
        int((~gone & (until >= as_of)).sum()),
    )


def polars_peer(data: Path) -> Counts:
    import polars as pl

    chg = pl.read_parquet(data / "status_changes.parquet").filter(pl.col("decided_on") <= AS_OF)
    removed = chg.filter(pl.col("new_admit_until").is_null()).select("admission_id").unique()
    latest = (
        chg.filter(pl.col("new_admit_until").is_not_null())
        .sort(["admission_id", "decided_on", "new_admit_until"])
        .group_by("admission_id")
        .agg(pl.col("new_admit_until").last())
    )
    adm = (
        pl.read_parquet(
            data / "admissions.parquet",
            columns=["admission_id", "traveller_id", "admitted_at", "admit_until"],
        )
        .join(latest, on="admission_id", how="left")
        .with_columns(pl.coalesce("new_admit_until", "admit_until").alias("admit_until"))
        .sort(["traveller_id", "admitted_at", "admission_id"])
        .with_columns(
            pl.col("admitted_at").shift(-1).over("traveller_id").alias("next_admitted_at")
        )
        .sort("admitted_at")
    )
    dep = (
        pl.read_parquet(data / "departures.parquet", columns=["traveller_id", "departed_at"])
        .filter(pl.col("departed_at").dt.date() <= AS_OF)
        .sort("departed_at")
    )
    m = (
        adm.join_asof(
            dep,
            left_on="admitted_at",
            right_on="departed_at",
            by="traveller_id",
            strategy="forward",
        )
        .join(removed, on="admission_id", how="anti")
        .filter(pl.col("admit_until").is_between(FY.first_day, FY.last_day))
        .with_columns(
            pl.when(
                pl.col("next_admitted_at").is_not_null()
                & (pl.col("departed_at") > pl.col("next_admitted_at"))
            )
            .then(None)
            .otherwise(pl.col("departed_at"))
            .alias("departed_at")
        )
        .with_columns(pl.col("departed_at").dt.date().alias("day"))
    )
    gone = pl.col("departed_at").is_not_null()
    row = m.select(
        (gone & (pl.col("day") <= pl.col("admit_until"))).sum().alias("a"),
        (gone & (pl.col("day") > pl.col("admit_until"))).sum().alias("b"),
        (~gone & (pl.col("admit_until") < AS_OF)).sum().alias("c"),
        (~gone & (pl.col("admit_until") >= AS_OF)).sum().alias("d"),
    ).row(0)
    return _tally(*(int(v) for v in row))


def duckdb_peer(data: Path) -> Counts:
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    row = con.execute(f"""
    WITH chg AS (SELECT * FROM '{data}/status_changes.parquet' WHERE decided_on <= DATE '{AS_OF}'),
    latest AS (SELECT admission_id, arg_max(new_admit_until, (decided_on, new_admit_until)) AS until
               FROM chg WHERE new_admit_until IS NOT NULL GROUP BY 1),
    adm AS (SELECT a.admission_id, a.traveller_id, a.admitted_at, coalesce(l.until, a.admit_until) AS admit_until,
                   lead(a.admitted_at) OVER (PARTITION BY a.traveller_id ORDER BY a.admitted_at, a.admission_id) AS next_at
            FROM '{data}/admissions.parquet' a LEFT JOIN latest l USING (admission_id)
            WHERE a.admission_id NOT IN (SELECT admission_id FROM chg WHERE new_admit_until IS NULL)),
    dep AS (SELECT traveller_id, departed_at FROM '{data}/departures.parquet' WHERE departed_at::DATE <= DATE '{AS_OF}'),
    m AS (SELECT adm.*, CASE WHEN next_at IS NULL OR d.departed_at <= next_at THEN d.departed_at END AS gone
          FROM adm ASOF LEFT JOIN dep d ON adm.traveller_id = d.traveller_id AND d.departed_at >= adm.admitted_at
          WHERE admit_until BETWEEN DATE '{FY.first_day}' AND DATE '{FY.last_day}')
    SELECT count(*) FILTER (gone IS NOT NULL AND gone::DATE <= admit_until),
           count(*) FILTER (gone IS NOT NULL AND gone::DATE > admit_until),
           count(*) FILTER (gone IS NULL AND admit_until < DATE '{AS_OF}'),
           count(*) FILTER (gone IS NULL AND admit_until >= DATE '{AS_OF}')
    FROM m""").fetchone()
    con.close()
    assert row is not None
    return _tally(*(int(v) for v in row))


def measure(name: str, run: Callable[[], Counts]) -> tuple[str, float, float, Counts]:
    gc.collect()
    with PeakMemory() as memory:
        start = time.perf_counter()
        counts = run()
        elapsed = time.perf_counter() - start
    print(f"  {name:<34} {elapsed:8.2f} s  {memory.peak - memory.base:8.0f} MiB", flush=True)
    return name, elapsed, memory.peak - memory.base, counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--size", type=int, default=1_000_000, help="admissions (default 1,000,000)"
    )
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument(
        "--only", default="", help="comma-separated: visabond,pandas,polars,duckdb,spark"
    )
    parser.add_argument("--spark", action="store_true", help="also Spark local[2] (slow to start)")
    parser.add_argument(
        "--memory-limit", default=None, help="DuckDB memory limit for visabond, e.g. 7GB"
    )
    args = parser.parse_args(argv)

    data = ROOT / "benchmarks" / "results" / f"overstays-{args.size}-{args.seed}"
    if not (data / "status_changes.parquet").exists():
        start = time.perf_counter()
        year = generate_year(data, admissions=args.size, seed=args.seed)
        print(f"generated {year} in {time.perf_counter() - start:.1f} s into {data}")
    runs: dict[str, Callable[[], Counts]] = {
        "visabond (full method, DuckDB)": lambda: visabond_method(data, args.memory_limit),
        "pandas merge_asof": lambda: pandas_peer(data),
        "Polars join_asof": lambda: polars_peer(data),
        "DuckDB plain ASOF JOIN": lambda: duckdb_peer(data),
    }
    if args.spark:
        runs["visabond on Spark local[2]"] = lambda: spark_method(data)
    chosen = {part.strip() for part in args.only.split(",") if part.strip()}
    if chosen:
        runs = {k: v for k, v in runs.items() if any(c.lower() in k.lower() for c in chosen)}
    print(f"{args.size:,} admissions, FY{FY.year}, as of {AS_OF}")
    results = [measure(name, run) for name, run in runs.items()]
    reference = results[0][3]
    print(f"  counts: {reference}")
    disagree = [name for name, _, _, counts in results if counts != reference]
    if disagree:
        for name, _, _, counts in results:
            print(f"  {name}: {counts}")
        print(f"DISAGREE: {', '.join(disagree)}")
        return 1
    print("  all agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
