"""The entry point: read a machine readable zone strictly, or tolerating OCR confusions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from visabond.core import clock
from visabond.documents.mrz.model import MrzResult
from visabond.documents.mrz.ocr import parse_rows_tolerating_ocr
from visabond.documents.mrz.parser import parse_rows
from visabond.documents.mrz.zone import zone_rows


def parse_mrz(
    lines: Sequence[str] | str, *, ocr: bool = False, today: date | None = None
) -> MrzResult:
    """Read a zone given as its lines (or one text with line breaks).

    Raises `MrzError` when the text is not a zone of any layout; returns `valid=False`, with
    the failing checks named in `checks`, when it reads but a check digit disagrees.
    `today` anchors the two-digit years (see `dates`); `ocr=True` also tries the usual
    optical confusions and keeps a fix only when every check digit then passes.
    """
    rows = zone_rows(lines)
    reference_date = clock.today() if today is None else today
    if ocr:
        return parse_rows_tolerating_ocr(rows, today=reference_date)
    return parse_rows(rows, today=reference_date)
