"""How much a record of departure proves: the ranking that decides which evidence counts.

Plain Python, no Django. travel.state.gov: the bond is returned on the departure recorded at
a designated port; a departure elsewhere may not be recorded. So an exit record taken at the
port outranks the carrier's outbound manifest (advance passenger information, sent by the
airline, not checked at the port), which outranks another state's entry stamp (proves the
traveller arrived there, hence left, but not when), which outranks the traveller's own
upload of a boarding pass or stamp, counted only once an officer has accepted it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar


class EvidenceKind(StrEnum):
    EXIT_RECORD = "exit_record"
    OUTBOUND_MANIFEST = "outbound_manifest"
    OTHER_STATE_ENTRY = "other_state_entry"
    TRAVELLER_UPLOAD = "traveller_upload"

    @property
    def rank(self) -> int:
        """Higher proves more; the order of the docstring above."""
        return RANKS[self]


RANKS = {
    EvidenceKind.EXIT_RECORD: 4,
    EvidenceKind.OUTBOUND_MANIFEST: 3,
    EvidenceKind.OTHER_STATE_ENTRY: 2,
    EvidenceKind.TRAVELLER_UPLOAD: 1,
}


@dataclass(frozen=True, slots=True)
class Evidence:
    kind: EvidenceKind
    accepted: bool = True  # an upload counts only once an officer accepted it

    @property
    def counts(self) -> bool:
        return self.accepted


E = TypeVar("E", bound=Evidence)


def deciding(evidence: Iterable[E]) -> E | None:
    """The evidence that decides: the highest-ranked one that counts (the first of equals)."""
    best: E | None = None
    for item in evidence:
        if item.counts and (best is None or item.kind.rank > best.kind.rank):
            best = item
    return best
