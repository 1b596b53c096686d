"""`visabond paxlst parse FILE... [--json]`: read airline PAXLST manifests and show them.

Every interchange in a file is read. Files that are parts of one multi-part message (same
common access reference) are assembled into one manifest. Exit 0 when every file was read
whole and every person reads clean (warnings about tolerated defects allowed); 1 when input
was kept unread or a person's data is in doubt (the output lists both: keep the file for
reprocessing); 2 when a file cannot be parsed: the message names the file, the segment
number and byte offset.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from visabond.cli.base import VisabondCommand
from visabond.core.errors import InvalidInput
from visabond.documents.paxlst import (
    Manifest,
    ParseWarning,
    Person,
    Unread,
    assemble_series,
    parse_paxlst,
)

EXIT_INCOMPLETE = 1


class Command(VisabondCommand):
    help = "Read UN/EDIFACT PAXLST passenger and crew manifests."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        parse = actions.add_parser("parse", help="parse manifests and print what they carry")
        parse.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parse.add_argument("--json", action="store_true", help="print JSON")

    def run(self, **options: Any) -> int:
        manifests, warnings, unread = _read(options["files"])
        if options["json"]:
            self.print_json(
                {
                    "manifests": [manifest.to_json_dict() for manifest in manifests],
                    "warnings": [warning.to_json_dict() for warning in warnings],
                    "unread": [kept.to_json_dict() for kept in unread],
                }
            )
        else:
            for manifest in manifests:
                self.stdout.write(_describe(manifest))
            for kept in unread:
                self.stdout.write(_describe_unread(kept))
        doubtful = any(not person.clean for manifest in manifests for person in manifest.persons)
        return EXIT_INCOMPLETE if unread or doubtful else 0


def _read(files: list[Path]) -> tuple[list[Manifest], list[ParseWarning], list[Unread]]:
    manifests: list[Manifest] = []
    unread: list[Unread] = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise InvalidInput(
                error.strerror or str(error), code="file", field=str(path)
            ) from error
        result = parse_paxlst(data, source=str(path))
        manifests.extend(result.manifests)
        unread.extend(result.unread)
    assembled = assemble_series(manifests)
    warnings = list(dict.fromkeys(w for manifest in assembled for w in manifest.warnings))
    return assembled, warnings, unread


def _describe(manifest: Manifest) -> str:
    parts = f" parts {', '.join(f'{n:02d}' for n in manifest.parts)}" if manifest.parts else ""
    kind = "crew list" if manifest.is_crew_list else "passenger list"
    lines = [
        f"{manifest.source}: PAXLST {manifest.version} {kind} "
        f"{manifest.message_reference}{parts} from {manifest.reporting_party or '?'}"
    ]
    for flight in manifest.flights:
        name = " ".join(part for part in (flight.carrier, flight.number) if part)
        lines.append(f"  flight {name}")
        lines.extend(
            f"    leg {leg.departure} {_time(leg.departs)} -> {leg.arrival} {_time(leg.arrives)}"
            for leg in flight.legs
        )
    for person in manifest.persons:
        lines.append(_describe_person(person))
        lines.extend(
            f"    DOUBT {doubt.field}: [{doubt.code}] {doubt.message}" for doubt in person.doubts
        )
    counts = ", ".join(f"CNT+{q}={v}" for q, v in manifest.counts)
    lines.append(f"  {len(manifest.persons)} persons; {counts or 'no CNT'}")
    lines.extend(f"  warning {warning}" for warning in manifest.warnings)
    return "\n".join(lines)


def _describe_person(person: Person) -> str:
    documents = "; ".join(
        f"{doc.kind} {doc.number} {doc.issuing_country} exp {doc.expiry or doc.expiry_text or '?'}"
        for doc in person.documents
    )
    return (
        f"  {person.role} {person.surname}, {person.given_names} {person.sex} "
        f"born {person.birth_date or person.birth_date_text or '?'} "
        f"{person.nationality} {person.embarkation}->{person.debarkation} [{documents}]"
    )


def _describe_unread(kept: Unread) -> str:
    where = f"{kept.source}: " if kept.source else ""
    return (
        f"{where}UNREAD segment {kept.segment_number} (byte {kept.byte_offset}): "
        f"[{kept.code}] {kept.reason}: {kept.text.strip()[:120]!r}"
    )


def _time(moment: object) -> str:
    return str(moment) if moment is not None else "?"
