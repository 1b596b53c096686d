"""Collecting warnings with their segment number and byte offset, each defect once, and the
input kept unread with the reason it could not be used."""

from __future__ import annotations

from dataclasses import dataclass

from visabond.documents.paxlst.charset import ByteOffsets
from visabond.documents.paxlst.defects import Defect
from visabond.documents.paxlst.model import ParseWarning, Unread
from visabond.documents.paxlst.tokenizer import Segment


@dataclass(frozen=True, slots=True)
class SegmentLayout:
    """Where each segment of one interchange stands in its decoded text, to keep them."""

    text: str
    segments: list[Segment]
    end: int

    def text_of(self, first: Segment, last: Segment | None = None) -> str:
        """The input from `first` up to the segment after `last` (or the interchange end)."""
        last = last or first
        following = last.number - self.segments[0].number + 1 if self.segments else 0
        stop = self.segments[following].offset if following < len(self.segments) else self.end
        return self.text[first.offset : max(stop, first.offset)]


class WarningLog:
    """The warnings of one scope (an interchange or one message) in the order found, and
    the input that scope keeps unread.

    A sender's habit (12-digit dates under code 201 in every DTM) is one defect: `warn_once`
    keeps the first place and counts the others, so 260 passengers do not give 260 warnings.
    """

    def __init__(
        self, *, source: str, offsets: ByteOffsets, layout: SegmentLayout | None = None
    ) -> None:
        self.source = source
        self.offsets = offsets
        self.layout = layout
        self.items: list[ParseWarning] = []
        self.unread: list[Unread] = []
        self._repeats: dict[tuple[Defect, str], list[int]] = {}

    def child(self) -> WarningLog:
        """A log for one part of this scope (a message), over the same input."""
        return WarningLog(source=self.source, offsets=self.offsets, layout=self.layout)

    def warn_once(self, code: Defect, habit: str, message: str, segment: Segment) -> None:
        """Warn at the first segment showing `habit`; later ones only add to its count."""
        repeat = self._repeats.get((code, habit))
        if repeat is not None:
            repeat[1] += 1
            return
        self._repeats[(code, habit)] = [len(self.items), 0]
        self.warn(code, message, segment)

    def keep(
        self,
        code: Defect,
        message: str,
        first: Segment,
        last: Segment | None = None,
        *,
        warn: bool = True,
    ) -> None:
        """Keep the segments from `first` to `last` unread (they could not be used), with
        the warning that says why unless the caller already gave one for them."""
        if warn:
            self.warn(code, message, first)
        text = self.layout.text_of(first, last) if self.layout is not None else ""
        self.unread.append(
            Unread(
                code=code,
                reason=message,
                segment_number=first.number,
                byte_offset=self.offsets(first.offset),
                text=text,
                source=self.source,
            )
        )

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
