"""Machine readable zones of ICAO Doc 9303: read TD1, TD2, TD3, MRV-A and MRV-B; write MRV-A.

Plain Python with no Django, so border and casework code, the command line and the tests
share one reader. See docs/mrz.md for the century rule, OCR tolerance and speed.
"""

from __future__ import annotations

from visabond.documents.mrz.api import parse_mrz
from visabond.documents.mrz.checkdigit import check_digit
from visabond.documents.mrz.errors import MrzError
from visabond.documents.mrz.model import Correction, MrzFormat, MrzResult
from visabond.documents.mrz.writer import VisaZoneData, mrva_zone

__all__ = [
    "Correction",
    "MrzError",
    "MrzFormat",
    "MrzResult",
    "VisaZoneData",
    "check_digit",
    "mrva_zone",
    "parse_mrz",
]
