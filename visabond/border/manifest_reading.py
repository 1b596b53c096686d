"""A manifest's bytes read into what the border stores, without the database, so that
`visabond ingest paxlst` can read the next files in other processes while it stores one.

Plain Python, no Django. `manifest_read` is the whole reading: the PAXLST parse, the
interchange's sender and control reference, the decisive defects (`passengers.py`) and each
passenger's records. It raises what the parse raises; an unreadable passenger is kept in the
result (`unreadable`) because `manifest_services` refuses a reused control reference and a
decisive defect before it, in that order. `read_ahead` runs it in a process pool and yields
the results in the files' order; a worker that fails yields None, and the caller reads that
file itself, so what is quarantined and why is the same with or without the pool.
"""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass

from visabond.border.passengers import (
    DECISIVE,
    PassengerRecords,
    flight_label,
    manifest_passenger_records,
)
from visabond.core.errors import InvalidInput
from visabond.documents.paxlst import Defect, Manifest, assemble_series, parse_paxlst


@dataclass(frozen=True, slots=True)
class SeriesPart:
    """An interchange that carries parts of a multi-part message, not the whole series
    (ISO 9735-1 §8.3, UNH S010): the series' common access reference, the part numbers it
    carries and, when it carries the final part (marker F), that part's number."""

    common_access_reference: str
    numbers: tuple[int, ...]
    final: int | None


@dataclass(frozen=True, slots=True)
class ManifestRead:
    """What one interchange says, for the states and the day it was read for.

    `decisive` holds the decisive warnings in message order as (defect code, text, segment
    number); `passengers` each passenger as (message reference, index in its message,
    records); `unreadable` the first passenger error as (message, code, field), when one of
    them could not be read (then `passengers` is empty).
    """

    states: frozenset[str]
    today: dt.date
    sender: str
    control_reference: str
    flights: str
    messages: int
    decisive: tuple[tuple[str, str, int], ...]
    passengers: tuple[tuple[str, int, PassengerRecords], ...]
    unreadable: tuple[str, str, str | None] | None
    part: SeriesPart | None = None

    def unreadable_error(self) -> InvalidInput | None:
        if self.unreadable is None:
            return None
        message, code, field = self.unreadable
        return InvalidInput(message, code=code, field=field)


def message_keys(manifests: Sequence[Manifest]) -> list[str]:
    """Each message's part of its passengers' record ids: its reference (UNH 0062), with
    `@2`, `@3`... for a message of the file's second, third... interchange. A reference is
    unique within its interchange only (ISO 9735-1 §8.3): a file of two interchanges may
    number a message 1 in each, and their record ids must differ, while a message repeated
    within one interchange keeps its id (stored once, or quarantined if it says otherwise).
    The same bytes give the same keys."""
    interchanges: dict[object, int] = {}
    keys = []
    for manifest in manifests:
        ordinal = interchanges.setdefault(manifest.interchange, len(interchanges) + 1)
        keys.append(manifest.message_reference + (f"@{ordinal}" if ordinal > 1 else ""))
    return keys


def manifest_read(
    raw: bytes, *, source: str, states: frozenset[str], today: dt.date
) -> ManifestRead:
    """Read one interchange for the program states `states` (alpha-3) on `today`.

    Raises `PaxlstError` (an `InvalidInput`) when the bytes cannot be parsed.
    """
    parsed = parse_paxlst(raw, source=source, today=today).manifests
    manifests = assemble_series(parsed)
    interchange = next((m.interchange for m in manifests if m.interchange), None)
    decisive = tuple(
        (warning.code.value, str(warning), warning.segment_number)
        for manifest in manifests
        for warning in manifest.warnings
        if warning.code in DECISIVE
    )
    unreadable = None
    try:
        passengers = tuple(
            (key, index, found)
            for key, manifest in zip(message_keys(manifests), manifests, strict=True)
            for index, found in enumerate(manifest_passenger_records(manifest, states=states))
        )
    except InvalidInput as error:
        passengers, unreadable = (), (error.message, error.code, error.field)
    return ManifestRead(
        states=states,
        today=today,
        sender=interchange.sender if interchange else "",
        control_reference=interchange.control_reference if interchange else "",
        flights=", ".join(flight_label(m) for m in manifests),
        messages=len(manifests),
        decisive=decisive,
        passengers=passengers,
        unreadable=unreadable,
        part=series_part(parsed, manifests),
    )


def series_part(parsed: tuple[Manifest, ...], assembled: list[Manifest]) -> SeriesPart | None:
    """The series an interchange carries a part of, when all it holds is one series short
    of parts (its other parts come in other interchanges), else None.

    An interchange that also holds whole messages, or parts of two series, is read as it is:
    its missing parts are reported (`multipart-missing`) and keep it out for review."""
    if len(assembled) != 1:
        return None
    (message,) = assembled
    incomplete = any(w.code is Defect.MULTIPART_MISSING for w in message.warnings)
    if not incomplete or not message.common_access_reference or message.sequence is None:
        return None
    numbers = tuple(sorted({m.sequence.number for m in parsed if m.sequence is not None}))
    finals = [m.sequence.number for m in parsed if m.sequence and m.sequence.marker == "F"]
    return SeriesPart(message.common_access_reference, numbers, max(finals, default=None))


def series_missing(parts: Iterable[tuple[Iterable[int], int | None]]) -> list[int] | None:
    """The part numbers a series still lacks, given each received interchange's (part
    numbers, final part number or None): [] when complete, None while its final part (and so
    its length) is unknown (ISO 9735-1 §8.3: the final part is marked F)."""
    numbers: set[int] = set()
    final: int | None = None
    for carried, last in parts:
        numbers.update(carried)
        if last is not None:
            final = last if final is None else min(final, last)
    if final is None:
        return None
    return [n for n in range(1, final + 1) if n not in numbers]


# A reader process collects its cyclic garbage itself, every this many files.
_COLLECT_EVERY = 20
_read_since_collected = 0


def _reader_started(parent: int) -> None:
    """A reader process does nothing but read: the parse frees what it builds by reference
    counting (a test checks it leaves no cyclic garbage), so the cyclic collector, which
    would scan every list the parse builds several times over, runs only between files.

    A parent killed outright (kill -9) cannot stop its readers: each one ends itself once
    its parent is gone rather than wait for work forever."""
    gc.disable()
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()


def _end_with(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _read_in_worker(
    raw: bytes, source: str, states: frozenset[str], today: dt.date
) -> ManifestRead | None:
    global _read_since_collected
    try:
        return manifest_read(raw, source=source, states=states, today=today)
    except Exception:
        # The parent reads this file again itself and quarantines it with the same error.
        return None
    finally:
        _read_since_collected += 1
        if _read_since_collected >= _COLLECT_EVERY:
            gc.collect()
            _read_since_collected = 0


def read_ahead(
    files: Iterable[tuple[str, bytes | None]],
    *,
    states: frozenset[str],
    today: dt.date,
    workers: int | None = None,
) -> Iterator[tuple[str, bytes | None, ManifestRead | None]]:
    """Each (source, bytes) with its `manifest_read`, in order, read by `workers` processes
    (default: the cores this process may use) a few files ahead of the caller. The read is
    None for a file a worker could not read, for bytes None (a file that could not be
    opened, passed through) and, with fewer than two workers, for every file."""
    count = workers or len(os.sched_getaffinity(0))
    if count < 2:
        for source, raw in files:
            yield source, raw, None
        return
    # Spawned, not forked: a forked child would share the parent's database connection.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=count,
        mp_context=context,
        initializer=_reader_started,
        initargs=(os.getpid(),),
    ) as pool:
        pending: deque[tuple[str, bytes | None, Future[ManifestRead | None] | None]] = deque()
        for source, raw in files:
            future = (
                None if raw is None else pool.submit(_read_in_worker, raw, source, states, today)
            )
            pending.append((source, raw, future))
            if len(pending) > 2 * count:
                yield _result(*pending.popleft())
        while pending:
            yield _result(*pending.popleft())


def _result(
    source: str, raw: bytes | None, future: Future[ManifestRead | None] | None
) -> tuple[str, bytes | None, ManifestRead | None]:
    if future is None:
        return source, raw, None
    try:
        read = future.result()
    except Exception:
        read = None  # a worker lost (killed, out of memory): the caller reads the file itself
    return source, raw, read
