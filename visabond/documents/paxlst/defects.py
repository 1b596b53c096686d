"""The catalogue of tolerated defects: each has a stable warning code and a short meaning.

Real airline manifests break ISO 9735 and the PAXLST implementation guide in recurring ways;
a parser that refused them would lose departure records, so each defect is read through and
reported once, with its position.
"""

from __future__ import annotations

from enum import StrEnum


class Defect(StrEnum):
    """Stable warning codes; the value is what reports and JSON carry."""

    # Syntax (ISO 9735-1 §4, §7)
    STRAY_WHITESPACE = "stray-whitespace"
    TAG_WHITESPACE = "tag-whitespace"
    TAG_CASE = "tag-case"
    VALUE_WHITESPACE = "value-whitespace"
    UNTERMINATED_SEGMENT = "unterminated-segment"
    TRAILING_DATA = "trailing-data"
    BYTE_ORDER_MARK = "byte-order-mark"
    # Character repertoire (ISO 9735-1 §5, the UNB syntax identifier)
    CHARSET_OUTSIDE_DECLARED = "charset-outside-declared"
    # A value read as UTF-8 against the declared set: the characters are recovered, and the
    # persons holding them say so (a doubt, not a warning of its own).
    CHARSET_RECOVERED = "charset-recovered"
    LOWERCASE_UNDER_UNOA = "lowercase-under-unoa"
    SYNTAX_IDENTIFIER_UNKNOWN = "syntax-identifier-unknown"
    # Envelope (ISO 9735-1 §8: UNB/UNZ, UNG/UNE, UNH/UNT)
    INTERCHANGE_HEADER_MISSING = "interchange-header-missing"
    ENVELOPE_STRUCTURE = "envelope-structure"
    ENVELOPE_REFERENCE_MISMATCH = "envelope-reference-mismatch"
    ENVELOPE_COUNT_MISMATCH = "envelope-count-mismatch"
    UNT_MISSING = "unt-missing"
    UNT_COUNT_MISMATCH = "unt-count-mismatch"
    UNT_REFERENCE_MISMATCH = "unt-reference-mismatch"
    SEGMENT_OUTSIDE_MESSAGE = "segment-outside-message"
    MESSAGE_TYPE_UNSUPPORTED = "message-type-unsupported"
    VERSION_UNSUPPORTED = "version-unsupported"
    SEQUENCE_INVALID = "sequence-invalid"
    # Message body (PAXLST implementation guide §4)
    SEGMENT_ORDER = "segment-order"
    UNKNOWN_SEGMENT = "unknown-segment"
    EMPTY_VALUE = "empty-value"
    DATE_FORMAT_MISMATCH = "date-format-mismatch"
    DATE_INVALID = "date-invalid"
    DATE_INCONSISTENT = "date-inconsistent"
    DTM_MALFORMED = "dtm-malformed"
    VALUE_MISPLACED = "value-misplaced"
    CODE_UNKNOWN = "code-unknown"
    PARTY_UNKNOWN = "party-unknown"
    CNT_MALFORMED = "cnt-malformed"
    CNT_QUALIFIER_MISMATCH = "cnt-qualifier-mismatch"
    CNT_COUNT_MISMATCH = "cnt-count-mismatch"
    # Multi-part messages (UNH sequence of transfers, ISO 9735-1 §8.3, S010)
    MULTIPART_MISSING = "multipart-missing"
    MULTIPART_DUPLICATE = "multipart-duplicate"


# Defects after which the manifest may not carry every person the sender listed: the data
# ends inside a segment or before UNT (a truncated transfer), the CNT total disagrees with
# the persons read (PAXLST implementation guide §4, CNT), or parts of a multi-part series
# are missing (ISO 9735-1 §8.3). The data read is kept, and a reader treats it as in doubt.
INCOMPLETE: frozenset[Defect] = frozenset(
    {
        Defect.UNTERMINATED_SEGMENT,
        Defect.UNT_MISSING,
        Defect.CNT_COUNT_MISMATCH,
        Defect.MULTIPART_MISSING,
    }
)
