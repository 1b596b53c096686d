"""`visabond mrz parse LINE1 LINE2 [LINE3] [--ocr] [--json]`: read a machine readable zone.

Exit status: 0 when every check passes, 1 when the zone reads but a check fails (a check digit,
an unknown state code, dates no century reconciles: the output says which and why), 2 when the
text is not a zone of any Doc 9303 layout (the message says why).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from visabond.cli.base import VisabondCommand
from visabond.documents.mrz import MrzResult, parse_mrz

EXIT_CHECK_FAILED = 1


class Command(VisabondCommand):
    help = "Read ICAO Doc 9303 machine readable zones (passports, identity cards, visas)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        parse = actions.add_parser("parse", help="Read a zone and verify its check digits.")
        parse.add_argument("lines", nargs="+", metavar="LINE", help="the zone's 2 or 3 lines")
        parse.add_argument("--ocr", action="store_true", help="repair usual OCR confusions")
        parse.add_argument("--json", action="store_true", help="print the result as JSON")

    def run(self, **options: Any) -> int:
        # A zone pasted whole arrives as one argument with its line breaks: read it as lines.
        lines = [line for argument in options["lines"] for line in argument.splitlines()]
        result = parse_mrz(lines, ocr=options["ocr"])
        if options["json"]:
            self.print_json(result.to_json_dict())
        else:
            self.stdout.write(summary(result))
        return 0 if result.valid else EXIT_CHECK_FAILED


def summary(result: MrzResult) -> str:
    """A person-readable account of the zone: verdict, fields, checks, warnings, repairs."""
    data = result.to_json_dict()
    verdict = "valid" if result.valid else "INVALID: " + ", ".join(result.failed_checks())
    rows = [f"{result.format.value} zone, {verdict}"]
    for key in ("document_code", "issuing_state", "document_number", "surname", "given_names",
                "nationality", "birth_date", "sex", "expiry_date", "optional_data"):  # fmt: skip
        rows.append(f"  {key.replace('_', ' '):<16} {data[key] if data[key] is not None else '-'}")
    checks = ", ".join(f"{name} {'ok' if ok else 'FAILED'}" for name, ok in result.checks.items())
    rows.append(f"  {'checks':<16} {checks}")
    rows.extend(f"  FAILED {name}: {reason}" for name, reason in result.failures.items())
    rows.extend(f"  warning: {warning}" for warning in result.warnings)
    rows.extend(
        f"  corrected line {fix.line} column {fix.column}: {fix.original} -> {fix.replacement}"
        f" ({fix.field})"
        for fix in result.corrections
    )
    return "\n".join(rows)
