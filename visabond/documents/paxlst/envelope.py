"""Splitting an interchange into its messages and checking the envelope around them.

ISO 9735-1 §8: an interchange is UNB ... UNZ; functional groups UNG ... UNE are optional;
each message is UNH ... UNT. UNE and UNZ count what they close (UNZ counts groups when groups
are used, else messages) and repeat their header's reference. Real files also come as
message bodies cut out of an interchange (no UNB), with junk after UNZ, or missing UNT.
Segments outside any message, and anything after UNZ, are kept unread: never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from visabond.documents.paxlst.defects import Defect
from visabond.documents.paxlst.errors import PaxlstError
from visabond.documents.paxlst.findings import WarningLog
from visabond.documents.paxlst.tokenizer import Segment, Tokens, is_valid_tag

_ENVELOPE_TAGS = frozenset({"UNB", "UNG", "UNH", "UNT", "UNE", "UNZ"})


@dataclass(slots=True)
class MessageSlice:
    """The segments of one message: its UNH, the body, and its UNT (None when missing)."""

    header: Segment
    body: list[Segment] = field(default_factory=list)
    trailer: Segment | None = None

    @property
    def last(self) -> Segment:
        """The message's last segment: its UNT, or the last one read before the data ended."""
        if self.trailer is not None:
            return self.trailer
        return self.body[-1] if self.body else self.header


@dataclass(slots=True)
class Envelope:
    """The interchange header (if any) and the messages found inside it, in order."""

    header: Segment | None
    group_header: Segment | None
    messages: list[MessageSlice]
    # Where the first segment after UNZ starts (None when nothing follows it): the data from
    # there on is not this interchange's.
    end_offset: int | None = None


def split_interchange(tokens: Tokens, log: WarningLog) -> Envelope:
    """Group the segments into messages; warn about each envelope defect once."""
    splitter = _Splitter(log)
    envelope_tags = _ENVELOPE_TAGS
    for segment in tokens.segments:
        # Body segments are the bulk: append them without a method call.
        current = splitter.current
        if current is not None and segment.tag not in envelope_tags:
            current.body.append(segment)
        elif splitter.take(segment):
            break
    _refuse_invalid_tag(tokens, splitter.closed_by, log)
    splitter.finish(tokens)
    splitter.keep_outside()
    if not splitter.messages:
        _refuse_without_message(tokens, log)
    return Envelope(
        splitter.interchange, splitter.first_group, splitter.messages, splitter.end_offset
    )


class _Splitter:
    def __init__(self, log: WarningLog) -> None:
        self.log = log
        self.messages: list[MessageSlice] = []
        self.current: MessageSlice | None = None
        self.interchange: Segment | None = None
        self.group: Segment | None = None
        self.first_group: Segment | None = None
        self.groups = 0
        self.group_messages = 0
        self.closed_by: Segment | None = None
        self.outside: list[Segment] = []
        self.end_offset: int | None = None

    def take(self, segment: Segment) -> bool:
        """Place one segment; True when the interchange is over (after UNZ)."""
        tag = segment.tag
        current = self.current
        if current is not None:
            if tag == "UNT":
                current.trailer = segment
                self.current = None
                return False
            self._close_without_trailer(segment)
        return self._take_envelope(segment)

    def _take_envelope(self, segment: Segment) -> bool:
        tag = segment.tag
        if tag == "UNH":
            self.current = MessageSlice(segment)
            self.messages.append(self.current)
            self.group_messages += 1
        elif tag == "UNB":
            self._open_interchange(segment)
        elif tag == "UNG":
            self._open_group(segment)
        elif tag == "UNE":
            self._close_group(segment)
        elif tag == "UNZ":
            self._close_interchange(segment)
            return True
        else:
            self._outside_message(segment)
        return False

    def _open_interchange(self, segment: Segment) -> None:
        if self.interchange is not None or self.messages:
            self.log.warn(Defect.ENVELOPE_STRUCTURE, "UNB inside an interchange", segment)
            return
        self.interchange = segment

    def _open_group(self, segment: Segment) -> None:
        if self.group is not None:
            self.log.warn(Defect.ENVELOPE_STRUCTURE, "UNG before the previous UNE", segment)
        self.group = segment
        self.first_group = self.first_group or segment
        self.groups += 1
        self.group_messages = 0

    def _close_group(self, segment: Segment) -> None:
        group = self.group
        self.group = None
        if group is None:
            # A message body cut out of an interchange keeps its UNE but lost its UNG.
            if self.interchange is not None:
                self.log.warn(Defect.ENVELOPE_STRUCTURE, "UNE without UNG", segment)
            return
        self._check_count(segment, self.group_messages, "UNE", "messages in the group")
        self._check_reference(segment, _value(group, 4), "UNE", "UNG")

    def _close_interchange(self, segment: Segment) -> None:
        self.closed_by = segment
        if self.interchange is None:
            return
        if self.group is not None:
            self.log.warn(Defect.ENVELOPE_STRUCTURE, "UNZ before UNE closed the group", segment)
        counted, what = (self.groups, "groups") if self.groups else (len(self.messages), "messages")
        self._check_count(segment, counted, "UNZ", what)
        self._check_reference(segment, _value(self.interchange, 4), "UNZ", "UNB")

    def _close_without_trailer(self, segment: Segment) -> None:
        assert self.current is not None
        header = self.current.header
        self.log.warn(
            Defect.UNT_MISSING,
            f"message {_value(header, 0)!r} has no UNT; it ends before this {segment.tag}",
            header,
        )
        self.current = None

    def _outside_message(self, segment: Segment) -> None:
        if is_valid_tag(segment.tag):
            self.outside.append(segment)

    def keep_outside(self) -> None:
        """One warning for the segments outside any message; each one is kept unread."""
        if not self.outside:
            return
        first = self.outside[0]
        more = f" (and {len(self.outside) - 1} more)" if len(self.outside) > 1 else ""
        self.log.warn(
            Defect.SEGMENT_OUTSIDE_MESSAGE,
            f"{first.tag} outside any UNH..UNT message{more}; kept unread",
            first,
        )
        for segment in self.outside:
            reason = f"{segment.tag} outside any UNH..UNT message"
            self.log.keep(Defect.SEGMENT_OUTSIDE_MESSAGE, reason, segment, warn=False)

    def _check_count(self, segment: Segment, counted: int, tag: str, what: str) -> None:
        declared = _value(segment, 0)
        if declared != str(counted) and _as_int(declared) != counted:
            self.log.warn(
                Defect.ENVELOPE_COUNT_MISMATCH,
                f"{tag} declares {declared!r} {what}, found {counted}",
                segment,
            )

    def _check_reference(self, segment: Segment, expected: str, tag: str, opener: str) -> None:
        reference = _value(segment, 1)
        if reference != expected:
            self.log.warn(
                Defect.ENVELOPE_REFERENCE_MISMATCH,
                f"{tag} reference {reference!r} differs from {opener} reference {expected!r}",
                segment,
            )

    def finish(self, tokens: Tokens) -> None:
        if self.current is not None:
            self._close_without_trailer_at_end(self.current)
        self._report_trailing(tokens)
        if self.interchange is not None and self.closed_by is None:
            self.log.warn(Defect.ENVELOPE_STRUCTURE, "the interchange has no UNZ", self.interchange)
        if self.interchange is None and self.messages:
            self.log.warn(
                Defect.INTERCHANGE_HEADER_MISSING,
                "no UNB interchange header: a message body without its envelope",
                self.messages[0].header,
            )

    def _close_without_trailer_at_end(self, message: MessageSlice) -> None:
        self.log.warn(
            Defect.UNT_MISSING,
            f"message {_value(message.header, 0)!r} has no UNT; the data ends first",
            message.header,
        )
        self.current = None

    def _report_trailing(self, tokens: Tokens) -> None:
        segments = tokens.segments
        closer = self.closed_by
        if closer is not None and closer is not segments[-1]:
            # The caller reads up to here, and the rest as what comes after.
            self.end_offset = segments[segments.index(closer) + 1].offset
        elif tokens.last_unterminated and segments:
            self.log.warn(
                Defect.UNTERMINATED_SEGMENT,
                f"the data ends inside {segments[-1].tag} (no segment terminator)",
                segments[-1],
            )


def _refuse_invalid_tag(tokens: Tokens, closed_by: Segment | None, log: WarningLog) -> None:
    """A non-tag before UNZ (or with no UNZ) means the input is not segments at all."""
    invalid = tokens.first_invalid
    if invalid is None or (closed_by is not None and invalid.number > closed_by.number):
        return
    raise PaxlstError(
        f"{invalid.tag[:20]!r} is not a segment tag (three letters or digits, ISO 9735-1 §4.1)",
        rule="segment-tag",
        segment_number=invalid.number,
        byte_offset=log.offsets(invalid.offset),
        source=log.source,
    )


def _refuse_without_message(tokens: Tokens, log: WarningLog) -> None:
    first = tokens.segments[0] if tokens.segments else None
    raise PaxlstError(
        "no UNH message header: this is not an EDIFACT message",
        rule="unh-missing",
        segment_number=first.number if first else 1,
        byte_offset=log.offsets(first.offset) if first else 0,
        source=log.source,
    )


def _value(segment: Segment, element: int, component: int = 0) -> str:
    try:
        return segment.elements[element][component].strip()
    except IndexError:
        return ""


def _as_int(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else None
