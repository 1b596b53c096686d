"""PAXLST parsing speed: manifest passengers per second, and the ratio against pydifact.

Run: `python benchmarks/bench_paxlst.py`. The manifest is 260 invented passengers, each with
a passport and a visa (~15 segments), written with our own writer. pydifact is timed on
segment parsing only (no PAXLST reading), so the ratio flatters it; it is here because it
is the library we did not use. The parse is also timed with the cyclic garbage collector
off, to show what the collector costs: the parser itself never switches it off. Figures are
the best of several runs (shared, noisy cores); compare the ratios of one run.
"""
# ruff: noqa: DTZ001 - manifest times are local times at the airport, hence naive

from __future__ import annotations

import datetime as dt
import gc
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from pydifact.segmentcollection import Interchange as PydifactInterchange
from pydifact.segmentcollection import RawSegmentCollection

from visabond.documents.paxlst import (
    Call,
    Flight,
    Interchange,
    Manifest,
    Person,
    Reference,
    TravelDocument,
    parse_paxlst,
    write_paxlst,
)

PASSENGERS = 260
FLOOR_PASSENGERS_PER_SECOND = 20_000
REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "paxlst"


def manifest(passengers: int = PASSENGERS) -> Manifest:
    """Invented Malawian visitors on an Addis Ababa - Washington Dulles flight."""
    persons = tuple(
        Person(
            role="FL",
            surname=f"PHIRI{index}",
            given_names="TAONGA GRACE",
            sex="F" if index % 2 else "M",
            birth_date=dt.date(1960, 1, 1) + dt.timedelta(days=53 * index),
            nationality="MWI",
            embarkation="LLW",
            debarkation="IAD",
            residence_country="MWI",
            references=(Reference("AVF", f"BK{index:05d}"), Reference("SEA", f"{index % 40}A")),
            documents=(
                TravelDocument("P", f"MA{index:07d}", dt.date(2031, 5, 1), issuing_country="MWI"),
                TravelDocument("V", f"V{index:08d}", dt.date(2026, 4, 1), issuing_country="USA"),
            ),
        )
        for index in range(passengers)
    )
    flight = Flight(
        "ET500",
        "ET",
        (
            Call("125", "ADD", "189", dt.datetime(2026, 1, 5, 22, 30)),
            Call("87", "IAD", "232", dt.datetime(2026, 1, 6, 7, 45)),
        ),
    )
    return Manifest(
        message_reference="PAX260",
        version="D05B",
        document_code="745",
        flights=(flight,),
        persons=persons,
        reporting_party="ET CONTROL ADD",
        common_access_reference="ET500/260106/0745",
        interchange=Interchange(
            "UNOA",
            "ETHIOPIAN",
            "USCBP",
            dt.datetime(2026, 1, 5, 20),
            "1",
        ),
    )


def best_seconds(work: Callable[[], object], *, runs: int = 7, repeat: int = 10) -> float:
    """The best mean time of one call over `runs` batches of `repeat` calls."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(repeat):
            work()
        best = min(best, (time.perf_counter() - start) / repeat)
    return best


def pydifact_segments(text: str) -> object:
    return list(RawSegmentCollection.from_str(text).segments)


def pydifact_messages(text: str) -> object:
    return list(PydifactInterchange.from_str(text).get_messages())


def pydifact_failure(work: Callable[[str], object], text: str) -> str:
    try:
        work(text)
    except Exception as error:
        return f"{type(error).__name__}: {str(error)[:70]}"
    return ""


def main() -> None:
    warnings.simplefilter("ignore")  # pydifact warns about its missing service directories
    data = write_paxlst(manifest(), line_breaks=True)
    text = data.decode("latin-1")
    segments = text.count("'")
    ours = best_seconds(lambda: parse_paxlst(data))
    gc.disable()  # the benchmark's own process; the parser never does this
    try:
        without_collector = best_seconds(lambda: parse_paxlst(data))
    finally:
        gc.enable()
    theirs = best_seconds(lambda: pydifact_segments(text))
    print(f"manifest: {PASSENGERS} passengers (passport + visa), {segments} segments")
    print(f"visabond parse_paxlst: {ours * 1e3:7.2f} ms  {PASSENGERS / ours:9.0f} passengers/s")
    print(
        f"  collector off:       {without_collector * 1e3:7.2f} ms  "
        f"{PASSENGERS / without_collector:9.0f} passengers/s "
        f"(the collector costs {ours / without_collector - 1:.0%})"
    )
    print(f"pydifact segments:     {theirs * 1e3:7.2f} ms  {PASSENGERS / theirs:9.0f} passengers/s")
    print(f"ratio: visabond is {theirs / ours:.1f}x pydifact's segment parser")
    verdict = "above" if PASSENGERS / ours >= FLOOR_PASSENGERS_PER_SECOND else "BELOW"
    print(f"floor {FLOOR_PASSENGERS_PER_SECOND:,} passengers/s: {verdict}")
    failure = pydifact_failure(pydifact_messages, text)
    print(f"pydifact messages (UNG/UNE group): {failure or 'ok'}")
    if REFERENCE.is_dir():
        reference_samples()


def reference_samples() -> None:
    print("\nreference samples (ms per file: visabond / pydifact segments; messages):")
    for path in sorted(REFERENCE.iterdir()):
        if path.suffix not in (".edi", ".txt"):
            continue
        data = path.read_bytes()
        text = data.decode("latin-1")
        ours = best_seconds(lambda data=data: parse_paxlst(data), runs=5, repeat=5)
        failure = pydifact_failure(pydifact_segments, text)
        if failure:
            print(f"  {path.name:52} {ours * 1e3:6.2f} / fails  ({failure})")
            continue
        theirs = best_seconds(lambda text=text: pydifact_segments(text), runs=5, repeat=5)
        messages = pydifact_failure(pydifact_messages, text) or "ok"
        print(
            f"  {path.name:52} {ours * 1e3:6.2f} / {theirs * 1e3:6.2f}  "
            f"x{theirs / ours:4.1f}  messages: {messages}"
        )


if __name__ == "__main__":
    main()
