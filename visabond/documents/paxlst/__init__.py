"""UN/EDIFACT PAXLST (advance passenger information) manifests: parse, assemble, write.

Plain Python, no Django: `parse_paxlst` reads every interchange of a file into manifests,
warnings and the input it kept unread, `assemble` joins the parts of a multi-part message,
`write_paxlst` writes one.
"""

from __future__ import annotations

from visabond.documents.paxlst.assembly import assemble, assemble_series
from visabond.documents.paxlst.defects import Defect
from visabond.documents.paxlst.direction import (
    Direction,
    itinerary_direction,
    manifest_direction,
    person_direction,
    person_direction_on,
)
from visabond.documents.paxlst.errors import PaxlstError
from visabond.documents.paxlst.model import (
    Call,
    Doubt,
    Flight,
    Interchange,
    Leg,
    Manifest,
    ParseResult,
    ParseWarning,
    Person,
    Reference,
    Sequence,
    TravelDocument,
    Unread,
)
from visabond.documents.paxlst.parser import parse_paxlst
from visabond.documents.paxlst.syntax import Separators
from visabond.documents.paxlst.writer import write_paxlst

__all__ = [
    "Call",
    "Defect",
    "Direction",
    "Doubt",
    "Flight",
    "Interchange",
    "Leg",
    "Manifest",
    "ParseResult",
    "ParseWarning",
    "PaxlstError",
    "Person",
    "Reference",
    "Separators",
    "Sequence",
    "TravelDocument",
    "Unread",
    "assemble",
    "assemble_series",
    "itinerary_direction",
    "manifest_direction",
    "parse_paxlst",
    "person_direction",
    "person_direction_on",
    "write_paxlst",
]
