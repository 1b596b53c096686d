"""`visabond ingest paxlst FILE...|DIR`, `visabond ingest reprocess ID`, `visabond ingest list`,
`visabond ingest assemble [--as-of MOMENT]`.

Airline PAXLST manifests into the border's records: outbound passengers become departures,
inbound ones expected arrivals. Each file is kept whole: the same file again changes nothing;
one that cannot be processed is quarantined with its error (exit 1) and read again by
`reprocess` after a fix, where an officer may accept a decisive defect they have checked
(`--accept unt-count-mismatch --reason ...`). A file carrying a part of a multi-part message
waits for the rest of its series (`pending`); `assemble` assembles the series still short of
parts after their wait, as they are, for review (run it periodically, e.g. hourly).
A directory's regular files are read in the order of their names; its subdirectories,
links and special files are named and not read, and an empty file is refused by name, the
run going on with the next file (exit 1 for each of these).
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from visabond.border.manifest_reading import read_ahead
from visabond.border.manifest_services import (
    Ingested,
    manifest_ingest,
    manifest_reprocess,
    series_assemble_overdue,
)
from visabond.border.models import PaxlstManifest
from visabond.border.selectors import manifests_listed, program_states
from visabond.cli.base import VisabondCommand
from visabond.core import clock
from visabond.core.errors import InvalidInput

EXIT_QUARANTINED = 1


class Command(VisabondCommand):
    help = "Ingest PAXLST manifests; read quarantined ones again; list what was received."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        paxlst = actions.add_parser("paxlst", help="ingest manifest files (or directories)")
        paxlst.add_argument("paths", nargs="+", type=Path, metavar="FILE|DIR")
        again = actions.add_parser("reprocess", help="read a quarantined manifest again")
        again.add_argument("id", type=int)
        again.add_argument(
            "--accept",
            action="append",
            default=[],
            metavar="DEFECT",
            help="a decisive defect checked by hand and accepted (repeat)",
        )
        again.add_argument("--reason", default="", help="why the defects are accepted")
        overdue = actions.add_parser(
            "assemble", help="assemble the multi-part series still short of parts after their wait"
        )
        overdue.add_argument(
            "--as-of",
            type=_moment,
            default=None,
            metavar="MOMENT",
            help="the moment to judge the wait at (ISO 8601, UTC when no offset; default now)",
        )
        listing = actions.add_parser("list", help="manifests received, newest first")
        listing.add_argument("--quarantined", action="store_true", help="only quarantined ones")

    def run(self, **options: Any) -> int:
        if options["action"] == "list":
            return self._list(quarantined=options["quarantined"])
        if options["action"] == "assemble":
            return self._assemble(as_of=options["as_of"] or clock.now())
        if options["action"] == "reprocess":
            ingested = manifest_reprocess(
                manifest_id=options["id"],
                accept=options["accept"],
                reason=options["reason"],
                actor="visabond ingest reprocess",
            )
            self.stdout.write(_said(f"manifest {options['id']}", ingested))
            return EXIT_QUARANTINED if ingested.quarantined else 0
        files, skipped = _files(options["paths"])
        for path, why in skipped:
            self.stdout.write(f"{path}: not read: {why}")
        outcomes: list[Ingested] = []
        refused = 0
        # Worker processes read the next files while this one stores each in its own
        # transaction, in the files' order.
        contents = read_ahead(
            ((str(path), _contents(path)) for path in files),
            states=program_states(),
            today=clock.today(),
            workers=None if len(files) > 1 else 1,
        )
        for (source, raw, read), path in zip(contents, files, strict=True):
            try:
                if raw is None:
                    raw = _raw(path)  # raises the error that kept the file unread
                ingested = manifest_ingest(
                    raw=raw, source=source, actor="visabond ingest paxlst", read=read
                )
            except InvalidInput as error:
                # Nothing to keep (no bytes, or more than a manifest may have; the file stays
                # where it is): said by name, and the run goes on with the next file.
                refused += 1
                self.stdout.write(f"{path}: refused, nothing stored: {error.message}")
                continue
            outcomes.append(ingested)
            self.stdout.write(_said(str(path), ingested))
        tally = _tally(outcomes)
        not_read = f", {refused} refused" if refused else ""
        not_read += f", {len(skipped)} not read" if skipped else ""
        self.stdout.write(f"ingest paxlst: {len(files)} files, {tally}{not_read}")
        failed = tally.quarantined or tally.series_quarantined or refused or skipped
        return EXIT_QUARANTINED if failed else 0

    def _assemble(self, *, as_of: dt.datetime) -> int:
        done = series_assemble_overdue(as_of=as_of, actor="visabond ingest assemble")
        for ingested in done:
            self.stdout.write(_said("series", ingested))
        self.stdout.write(f"ingest assemble: {len(done)} series assembled with parts missing")
        return 0

    def _list(self, *, quarantined: bool) -> int:
        for row in manifests_listed(quarantined=quarantined)[:200]:
            what = (
                f"{row.error_code}: {row.error_message[:120]}"
                if row.state == "quarantined"
                else f"{row.passengers} passengers, {row.departures} departures, "
                f"{row.arrivals} arrivals"
            )
            self.stdout.write(
                f"{row.pk:>6}  {row.received_at:%Y-%m-%d %H:%M}  {row.state:<11} "
                f"{row.sender or '-'}/{row.control_reference or '-'}  {row.flights or '-'}  {what}"
            )
        return 0


def _moment(text: str) -> dt.datetime:
    """An ISO 8601 moment, UTC when it names no offset."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 moment, such as 2026-03-05T00:00:00Z or 2026-03-05"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@dataclass
class _Tally:
    """What a run's files became, each counted once, as the run ends: a part held early in
    the run and completed by a later file counts with its series."""

    processed: int = 0
    quarantined: int = 0
    duplicates: int = 0
    held: int = 0
    # Files that were parts of a series assembled in this run, by the whole's outcome.
    series_processed: set[int] = field(default_factory=set)
    parts_processed: int = 0
    series_quarantined: set[int] = field(default_factory=set)
    parts_quarantined: int = 0

    def __str__(self) -> str:
        processed = f"{self.processed} processed"
        if self.parts_processed:
            processed += (
                f" ({self.parts_processed} as parts of {len(self.series_processed)} "
                "series assembled)"
            )
        held = f", {self.held} parts held for the rest of their series" if self.held else ""
        whole_quarantined = (
            f", {self.parts_quarantined} parts of {len(self.series_quarantined)} series "
            "assembled and quarantined"
            if self.parts_quarantined
            else ""
        )
        return (
            f"{processed}{held}, {self.duplicates} already received, "
            f"{self.quarantined} quarantined{whole_quarantined}"
        )


def _tally(outcomes: list[Ingested]) -> _Tally:
    tally = _Tally()
    # A part's state is read again: a later file of the run may have completed its series.
    parts = {
        row.pk: row
        for row in PaxlstManifest.objects.filter(
            pk__in=[i.manifest.pk for i in outcomes if i.manifest.series_id is not None]
        ).select_related("series__manifest")
    }
    for ingested in outcomes:
        row = parts.get(ingested.manifest.pk, ingested.manifest)
        whole = row.series.manifest if row.series_id is not None and row.series else None
        if ingested.duplicate or (
            # A part whose series was assembled before it came: a repeat, nothing changed.
            ingested.manifest.state == PaxlstManifest.State.ASSEMBLED and ingested.completed is None
        ):
            tally.duplicates += 1
        elif row.state == PaxlstManifest.State.QUARANTINED:
            tally.quarantined += 1
        elif row.state == PaxlstManifest.State.PENDING:
            tally.held += 1
        elif whole is None:
            tally.processed += 1
        elif whole.state == PaxlstManifest.State.QUARANTINED:
            tally.parts_quarantined += 1
            tally.series_quarantined.add(whole.pk)
        else:
            tally.processed += 1
            tally.parts_processed += 1
            tally.series_processed.add(whole.pk)
    return tally


def _contents(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None  # raised when its turn comes, after the files before it are stored


def _raw(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise InvalidInput(error.strerror or str(error), code="file", field=str(path)) from error


def _files(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The regular files to read, in order (a directory's sorted by name), and what is not
    read, with why: a directory's subdirectories, links and special files (a FIFO would
    block the run), and a path given that is no regular file. Raises `InvalidInput` for a
    path that does not exist, before anything is read."""
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            for entry in sorted(path.iterdir()):
                why = _not_read(entry, in_directory=True)
                if why:
                    skipped.append((entry, why))
                else:
                    files.append(entry)
        elif path.exists():
            why = _not_read(path, in_directory=False)
            if why:
                skipped.append((path, why))
            else:
                files.append(path)
        else:
            raise InvalidInput("no such file or directory", code="file", field=str(path))
    return files, skipped


def _not_read(path: Path, *, in_directory: bool) -> str:
    """Why `path` is not read, or "" when it is a regular file to read. A link found in a
    directory is not followed (it may lead anywhere); one named on the command line is."""
    if in_directory and path.is_symlink():
        return "a symbolic link (name its target to read it)"
    if path.is_dir():
        return "a directory inside the one given (name it to read it)"
    if not path.is_file():
        return "not a regular file" if path.exists() else "a link to nothing"
    return ""


def _said(name: str, ingested: Ingested) -> str:
    row = ingested.manifest
    if ingested.duplicate:
        return f"{name}: already received as manifest {row.pk} ({row.state}); nothing changed"
    if row.state == "pending":
        return (
            f"{name}: manifest {row.pk} holds part(s) {row.part_numbers} of series "
            f"{row.series.common_access_reference if row.series else '-'}: waiting for the rest"
        )
    if row.state == "assembled":
        whole = row.series.manifest if row.series else None
        if whole is None:  # pragma: no cover - an assembled part always has its whole
            return f"{name}: manifest {row.pk} holds part(s) of an assembled series"
        if ingested.completed is None:
            return (
                f"{name}: manifest {row.pk} holds part(s) {row.part_numbers} received again "
                f"after their series was assembled as manifest {whole.pk}; nothing changed"
            )
        said = f"{name}: manifest {row.pk} holds part(s) of a series assembled as manifest"
        if whole.state == "quarantined":
            return f"{said} {whole.pk}, quarantined: {whole.error_code}: {whole.error_message}"
        return f"{said} {whole.pk} {_counts(whole)}"
    if ingested.quarantined:
        return f"{name}: quarantined as manifest {row.pk}: {row.error_code}: {row.error_message}"
    return f"{name}: manifest {row.pk} {_counts(row)}"


def _counts(row: PaxlstManifest) -> str:
    return (
        f"({row.flights or 'no flight'}): {row.passengers} "
        f"passengers, {row.departures} departures, {row.arrivals} expected arrivals, "
        f"{row.others} in transit or elsewhere, {row.unidentified} without a document"
    )
