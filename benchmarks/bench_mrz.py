"""Machine readable zones parsed per second on one core, per layout and with OCR tolerance.

Run: `python benchmarks/bench_mrz.py`. Each figure is the best of several timed runs, since
a shared machine's noise only ever slows a run down.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from visabond.documents.mrz import parse_mrz

TODAY = date(2025, 6, 1)
# Invented specimen holders; every check digit is correct.
ZONES: dict[str, tuple[str, ...]] = {
    "TD1": (
        "IDUTOK7Q2M4P811<<<<<<<<<<<<<<<",
        "8802299M3011308UTO<<<<<<<<<<<4",
        "OKONKWO<<ADAEZE<CHIOMA<<<<<<<<",
    ),
    "TD2": (
        "I<UTOVASQUEZ<<MARISOL<<<<<<<<<<<<<<<",
        "X4R88T2L73UTO9012318F2907158<<<<<<<0",
    ),
    "TD3": (
        "P<UTOHALVORSEN<<SIGRID<ASTRID<<<<<<<<<<<<<<<",
        "H70452X9<3UTO8105174F3305212AB1234567<<<<<16",
    ),
    "MRVA": (
        "V<UTOMBEKI<<THABO<<<<<<<<<<<<<<<<<<<<<<<<<<<",
        "VB4471Q0<6UTO7702288M2701312CASE42<<<<<<<<<<",
    ),
}
# The TD3 zone with O read for 0 in the birth date: OCR mode must repair it.
MISREAD_TD3 = (ZONES["TD3"][0], ZONES["TD3"][1].replace("8105174", "81O5174"))


def parses_per_second(parse: Callable[[], object], *, runs: int = 7, number: int = 20_000) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(number):
            parse()
        best = min(best, time.perf_counter() - start)
    return number / best


def main() -> None:
    for name, zone in ZONES.items():
        result = parse_mrz(zone, today=TODAY)
        assert result.valid, (name, result.checks)
        rate = parses_per_second(lambda zone=zone: parse_mrz(zone, today=TODAY))
        print(f"{name:<22} {rate:>10,.0f} parses/s")
    clean = ZONES["TD3"]
    rate = parses_per_second(lambda: parse_mrz(clean, ocr=True, today=TODAY))
    print(f"{'TD3 OCR mode, clean':<22} {rate:>10,.0f} parses/s")
    assert parse_mrz(MISREAD_TD3, ocr=True, today=TODAY).corrections
    rate = parses_per_second(lambda: parse_mrz(MISREAD_TD3, ocr=True, today=TODAY), number=2_000)
    print(f"{'TD3 OCR mode, misread':<22} {rate:>10,.0f} parses/s")


if __name__ == "__main__":
    main()
