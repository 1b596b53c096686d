"""Collecting warnings with their segment number and byte offset, each defect once."""

from __future__ import annotations

from visabond.documents.paxlst.charset import ByteOffsets
from visabond.documents.paxlst.defects import Defect
from visabond.documents.paxlst.model import ParseWarning
from visabond.documents.paxlst.tokenizer import Segment


class WarningLog:
    """The warnings of one scope (an interchange or one message) in the order found.

    A sender's habit (12-digit dates under code 201 in every DTM) is one defect: `warn_once`
    keeps the first place and counts the others, so 260 passengers do not give 260 warnings.
    """

    def __init__(self, *, source: str, offsets: ByteOffsets) -> None:
        self.source = source
        self.offsets = offsets
        self.items: list[ParseWarning] = []
        self._repeats: dict[tuple[Defect, str], list[int]] = {}

    def warn_once(self, code: Defect, habit: str, message: str, segment: Segment) -> None:
        """Warn at the first segment showing `habit`; later ones only add to its count."""
        repeat = self._repeats.get((code, habit))
        if repeat is not None:
            repeat[1] += 1
            return
        self._repeats[(code, habit)] = [len(self.items), 0]
        self.warn(code, message, segment)

    def finish(self) -> list[ParseWarning]:
        """The warnings, with "(and N more)" added where a habit repeated."""
        for index, more in self._repeats.values():
            if more:
                first = self.items[index]
                message = f"{first.message} (and {more} more)"
                self.items[index] = ParseWarning(
                    first.code, message, first.segment_number, first.byte_offset, first.source
                )
        self._repeats.clear()
        return self.items

    def warn(self, code: Defect, message: str, segment: Segment) -> None:
        self.warn_at(code, message, number=segment.number, char_offset=segment.offset)

    def warn_at(self, code: Defect, message: str, *, number: int, char_offset: int) -> None:
        self.items.append(
            ParseWarning(code, message, number, self.offsets(char_offset), self.source)
        )
