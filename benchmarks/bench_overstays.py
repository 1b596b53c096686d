"""Overstay report: visabond's full method beside straightforward peers, same files, one run.

    .venv/bin/python benchmarks/bench_overstays.py                       # 1M admissions (./dev bench)
    .venv/bin/python benchmarks/bench_overstays.py --sizes 1M,10M --repeat 2
    .venv/bin/python benchmarks/bench_overstays.py --sizes 200k --only visabond --spark
    .venv/bin/python benchmarks/bench_overstays.py --sizes 50M --only visabond,duckdb

A seeded year (`visabond.stats.synthetic`) is generated once per size into --data-root (a
temporary directory by default, outside the repository) as Parquet and reused. On those
files, one after the other, each in a fresh process of its own: visabond's whole method
(contract checks, status changes, matching, classes) on DuckDB, and the same rules written
the obvious way by a competent user of pandas (`merge_asof`), Polars (`join_asof`) and
DuckDB (a plain `ASOF JOIN`), each with the next admission from a sort by traveller.
All must give the same counts. Prints, for each: wall time, CPU time (user + system, all
threads) and peak resident memory of its process (interpreter and libraries included);
with --repeat, the best of the runs, taken in turn. The machine's load average is printed
beside every figure: on a shared machine, compare within one run, not across runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from visabond.stats.method import COUNT_COLUMNS, FiscalYear  # noqa: E402

FY = FiscalYear(2025)
AS_OF = dt.date(2025, 12, 31)
# The first instant after the cut-off day: departures from then on are not known yet.
AFTER = AS_OF + dt.timedelta(days=1)
Counts = dict[str, int]


def visabond_method(data: Path, memory_limit: str | None) -> Counts:
    from visabond.stats.engines.duckdb_engine import DuckDBEngine
    from visabond.stats.runner import OverstayQuery, overstay_report

    engine = DuckDBEngine(memory_limit=memory_limit)
    try:
        (row,) = overstay_report(engine, OverstayQuery(data, FY, AS_OF))
    finally:
        engine.close()
    return {c: row[c] for c in COUNT_COLUMNS}


# What a Spark run reports besides its counts: its session's start and its JVM's usage.
_JVM_USAGE: dict[str, float] = {}


def spark_method(data: Path, memory_limit: str | None) -> Counts:
    from visabond.stats.engines.spark_engine import SparkEngine, spark_session
    from visabond.stats.runner import OverstayQuery, overstay_report

    started = time.perf_counter()
    session = spark_session("local[2]")
    _JVM_USAGE["session_start_s"] = time.perf_counter() - started
    try:
        (row,) = overstay_report(SparkEngine(session), OverstayQuery(data, FY, AS_OF))
        _JVM_USAGE.update(_jvm_usage(session))
    finally:
        session.stop()
    return {c: row[c] for c in COUNT_COLUMNS}


def _jvm_usage(session: Any) -> dict[str, float]:
    """Peak memory (MiB) and CPU (s) of the Spark driver's JVM, read from /proc."""
    try:
        pid = session.sparkContext._gateway.proc.pid
        status = Path(f"/proc/{pid}/status").read_text()
        peak_kib = next(
            int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")
        )
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return {
            "jvm_peak_mib": peak_kib / 1024,
            "jvm_cpu_s": (int(fields[11]) + int(fields[12])) / ticks,
        }
    except (AttributeError, OSError, StopIteration, ValueError):
        return {}


def _tally(on_time: int, out: int, in_country: int, in_status: int) -> Counts:
    return {
        "expected_departures": on_time + out + in_country + in_status,
        "departed_on_time": on_time,
        "out_of_country_overstays": out,
        "suspected_in_country_overstays": in_country,
        "in_status": in_status,
    }


def pandas_peer(data: Path, memory_limit: str | None) -> Counts:
    """merge_asof on frames sorted by instant, traveller ids factorized once to integers."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    text = pd.ArrowDtype(pa.string())

    def read(name: str, columns: list[str] | None = None) -> pd.DataFrame:
        table = pq.read_table(data / f"{name}.parquet", columns=columns)
        # Text stays in Arrow (fast to hash and sort); instants and days become numpy's.
        frame = table.to_pandas(date_as_object=False, types_mapper={pa.string(): text}.get)
        for column in frame.columns:
            if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
                frame[column] = frame[column].dt.tz_localize(None)
        return frame

    adm = read("admissions", ["admission_id", "traveller_id", "admitted_at", "admit_until"])
    dep = read("departures", ["traveller_id", "departed_at"])
    chg = read("status_changes")
    chg = chg[chg["decided_on"] <= np.datetime64(AS_OF)]
    removed = chg.loc[chg["new_admit_until"].isna(), "admission_id"]
    latest = (
        chg[chg["new_admit_until"].notna()]
        .sort_values(["admission_id", "decided_on", "new_admit_until"])
        .drop_duplicates("admission_id", keep="last")
        .set_index("admission_id")["new_admit_until"]
    )
    adm["admit_until"] = adm["admission_id"].map(latest).fillna(adm["admit_until"])
    adm["removed"] = adm["admission_id"].isin(removed)
    codes, _ = pd.factorize(pd.concat([adm["traveller_id"], dep["traveller_id"]]))
    adm["traveller"], dep["traveller"] = codes[: len(adm)], codes[len(adm) :]
    # The next admission of the same traveller, admissions at one instant by admission_id.
    adm = adm.sort_values(["traveller", "admitted_at", "admission_id"], ignore_index=True)
    same = adm["traveller"].shift(-1) == adm["traveller"]
    adm["next_at"] = adm["admitted_at"].shift(-1).where(same)
    dep = dep[dep["departed_at"] < np.datetime64(AFTER)].sort_values("departed_at")
    merged = pd.merge_asof(
        adm.sort_values("admitted_at"),
        dep[["traveller", "departed_at"]],
        left_on="admitted_at",
        right_on="departed_at",
        by="traveller",
        direction="forward",
    )
    until = merged["admit_until"]
    merged = merged[
        ~merged["removed"]
        & (until >= np.datetime64(FY.first_day))
        & (until <= np.datetime64(FY.last_day))
    ]
    until = merged["admit_until"]
    gone = merged["departed_at"].notna() & ~(merged["departed_at"] > merged["next_at"])
    day = merged["departed_at"].dt.floor("D")
    cut = np.datetime64(AS_OF)
    return _tally(
        int((gone & (day <= until)).sum()),
        int((gone & (day > until)).sum()),
        int((~gone & (until < cut)).sum()),
        int((~gone & (until >= cut)).sum()),
    )


def polars_peer(data: Path, memory_limit: str | None) -> Counts:
    """join_asof by traveller, the next admission from one sort by traveller and instant."""
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
        pl.scan_parquet(data / "admissions.parquet")
        .select("admission_id", "traveller_id", "admitted_at", "admit_until")
        .join(latest.lazy(), on="admission_id", how="left")
        .with_columns(pl.coalesce("new_admit_until", "admit_until").alias("admit_until"))
        .sort(["traveller_id", "admitted_at", "admission_id"])
        .with_columns(
            pl.when(pl.col("traveller_id").shift(-1) == pl.col("traveller_id"))
            .then(pl.col("admitted_at").shift(-1))
            .alias("next_at")
        )
        .sort("admitted_at")
        .collect()
    )
    dep = (
        pl.scan_parquet(data / "departures.parquet")
        .select("traveller_id", "departed_at")
        .filter(pl.col("departed_at").dt.date() <= AS_OF)
        .sort("departed_at")
        .collect()
    )
    gone = pl.col("departed_at").is_not_null() & ~(
        pl.col("departed_at") > pl.col("next_at")
    ).fill_null(False)
    day, until = pl.col("departed_at").dt.date(), pl.col("admit_until")
    row = (
        adm.join_asof(
            dep,
            left_on="admitted_at",
            right_on="departed_at",
            by="traveller_id",
            strategy="forward",
            check_sortedness=False,
        )
        .join(removed, on="admission_id", how="anti")
        .filter(until.is_between(FY.first_day, FY.last_day))
        .select(
            (gone & (day <= until)).sum().alias("on_time"),
            (gone & (day > until)).sum().alias("out_of_country"),
            (~gone & (until < AS_OF)).sum().alias("in_country"),
            (~gone & (until >= AS_OF)).sum().alias("in_status"),
        )
        .row(0)
    )
    return _tally(*(int(v) for v in row))


def duckdb_peer(data: Path, memory_limit: str | None) -> Counts:
    """A plain ASOF JOIN on the text traveller id, the next admission from LEAD."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    row = con.execute(f"""
    WITH chg AS (SELECT * FROM '{data}/status_changes.parquet' WHERE decided_on <= DATE '{AS_OF}'),
    latest AS (SELECT admission_id, arg_max(new_admit_until, (decided_on, new_admit_until)) AS until
               FROM chg WHERE new_admit_until IS NOT NULL GROUP BY 1),
    removed AS (SELECT DISTINCT admission_id FROM chg WHERE new_admit_until IS NULL),
    adm AS (SELECT a.admission_id, a.traveller_id, a.admitted_at, coalesce(l.until, a.admit_until) AS admit_until,
                   lead(a.admitted_at) OVER (PARTITION BY a.traveller_id ORDER BY a.admitted_at, a.admission_id) AS next_at
            FROM '{data}/admissions.parquet' a LEFT JOIN latest l USING (admission_id)),
    dep AS (SELECT traveller_id, departed_at FROM '{data}/departures.parquet'
            WHERE departed_at < TIMESTAMPTZ '{AFTER} 00:00:00+00'),
    m AS (SELECT adm.admit_until, CASE WHEN next_at IS NULL OR d.departed_at <= next_at THEN d.departed_at END AS gone
          FROM adm ASOF LEFT JOIN dep d ON adm.traveller_id = d.traveller_id AND d.departed_at >= adm.admitted_at
          WHERE adm.admit_until BETWEEN DATE '{FY.first_day}' AND DATE '{FY.last_day}'
            AND adm.admission_id NOT IN (SELECT admission_id FROM removed))
    SELECT count(*) FILTER (gone IS NOT NULL AND gone::DATE <= admit_until),
           count(*) FILTER (gone IS NOT NULL AND gone::DATE > admit_until),
           count(*) FILTER (gone IS NULL AND admit_until < DATE '{AS_OF}'),
           count(*) FILTER (gone IS NULL AND admit_until >= DATE '{AS_OF}')
    FROM m""").fetchone()
    con.close()
    assert row is not None
    return _tally(*(int(v) for v in row))


RUNS: dict[str, tuple[str, Callable[[Path, str | None], Counts]]] = {
    "visabond": ("visabond, full method, DuckDB", visabond_method),
    "pandas": ("pandas merge_asof", pandas_peer),
    "polars": ("Polars join_asof", polars_peer),
    "duckdb": ("DuckDB plain ASOF JOIN", duckdb_peer),
    "spark": ("visabond on Spark local[2]", spark_method),
}
# Imported before the clock starts: loading a library is not the work being measured.
MODULES = {
    "visabond": ("visabond.stats.engines.duckdb_engine", "visabond.stats.runner"),
    "pandas": ("pandas", "numpy", "pyarrow.parquet"),
    "polars": ("polars",),
    "duckdb": ("duckdb",),
    "spark": ("pyspark.sql", "visabond.stats.engines.spark_engine", "visabond.stats.runner"),
}


def _child(name: str, data: Path, memory_limit: str | None) -> None:
    """Run one implementation in this (fresh) process; print one JSON line of figures."""
    run = RUNS[name][1]
    for module in MODULES[name]:
        importlib.import_module(module)
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    counts = run(data, memory_limit)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    peak = after.ru_maxrss / 1024  # KiB on Linux
    print(json.dumps({"counts": counts, "wall": wall, "cpu": cpu, "peak_mib": peak, **_JVM_USAGE}))


def _measure(name: str, data: Path, memory_limit: str | None) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    command = [sys.executable, __file__, "--child", name, "--data", str(data)]
    if memory_limit:
        command += ["--memory-limit", memory_limit]
    # This very script, with arguments it builds itself.
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{name} failed")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["load"] = (load_before, os.getloadavg()[0])
    return figures


def _size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1M", help="admissions, e.g. 1M,10M,50M (default 1M)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument(
        "--only", default="visabond,pandas,polars,duckdb", help="of: " + ",".join(RUNS)
    )
    parser.add_argument("--spark", action="store_true", help="also Spark local[2] (slow to start)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each, best kept")
    parser.add_argument("--memory-limit", default=None, help="DuckDB memory limit, e.g. 7GB")
    parser.add_argument(
        "--data-root",
        type=Path,
        default=Path(
            os.environ.get("VISABOND_BENCH_DATA", Path(tempfile.gettempdir()) / "visabond-bench")
        ),
        help="where generated years are kept (default: $VISABOND_BENCH_DATA or /tmp/visabond-bench)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child, args.data, args.memory_limit)
        return 0

    names = [n.strip() for n in args.only.split(",") if n.strip()]
    if args.spark and "spark" not in names:
        names.append("spark")
    unknown = [n for n in names if n not in RUNS]
    if unknown:
        parser.error(f"unknown: {', '.join(unknown)}; choose among {', '.join(RUNS)}")
    failed = False
    for size in (_size(s) for s in args.sizes.split(",")):
        data = args.data_root / f"overstays-{size}-{args.seed}"
        if not (data / "status_changes.parquet").exists():
            from visabond.stats.synthetic import generate_year

            start = time.perf_counter()
            year = generate_year(data, admissions=size, seed=args.seed)
            print(f"generated {year} in {time.perf_counter() - start:.1f} s into {data}")
        print(f"{size:,} admissions, FY{FY.year}, as of {AS_OF}; {os.cpu_count()} cores")
        best: dict[str, dict[str, Any]] = {}
        for _ in range(args.repeat):
            for name in names:
                figures = _measure(name, data, args.memory_limit)
                if name not in best or figures["wall"] < best[name]["wall"]:
                    best[name] = figures
                load = "load {:.1f} -> {:.1f}".format(*figures["load"])
                print(
                    f"  {RUNS[name][0]:<32} {figures['wall']:8.2f} s wall {figures['cpu']:8.2f} s cpu"
                    f" {figures['peak_mib']:8.0f} MiB peak   ({load})",
                    flush=True,
                )
                if "jvm_peak_mib" in figures:
                    print(
                        f"  {'  its JVM':<32} {'':8}   {'':4} {figures['jvm_cpu_s']:8.2f} s cpu"
                        f" {figures['jvm_peak_mib']:8.0f} MiB peak"
                        f"   (session start {figures['session_start_s']:.1f} s of the wall time)"
                    )
        reference = best[names[0]]["counts"]
        print(f"  counts: {reference}")
        disagree = [n for n in names if best[n]["counts"] != reference]
        if disagree:
            for n in names:
                print(f"  {RUNS[n][0]}: {best[n]['counts']}")
            print(f"DISAGREE: {', '.join(disagree)}")
            failed = True
        else:
            print("  all agree")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
