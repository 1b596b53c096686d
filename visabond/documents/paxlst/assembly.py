"""Joining the parts of a multi-part PAXLST message into one manifest, in any arrival order.

ISO 9735-1 §8.3 (UNH S010): a message too long for one transfer is sent as parts sharing the
common access reference (UNH element 3), numbered `01:C` (first), `02` ... and `nn:F`
(final). Carriers repeat the header and flights in every part, and CNT holds the series
total, so the total is checked only once the series is complete.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from visabond.documents.paxlst.defects import Defect
from visabond.documents.paxlst.errors import PaxlstError
from visabond.documents.paxlst.model import (
    CREW_TOTAL,
    PASSENGER_TOTAL,
    Manifest,
    ParseWarning,
    Person,
)


def assemble(parts: Iterable[Manifest]) -> Manifest:
    """One manifest from the parts of one series; missing or repeated parts are warned.

    Raises PaxlstError for parts of other series, a part whose copies differ, and parts that
    name other flights than the first part (ISO 9735-1 §8.3: every part repeats the header).
    """
    ordered = sorted(parts, key=_part_number)
    if not ordered:
        raise PaxlstError(
            "no parts to assemble", rule="assembly-empty", segment_number=0, byte_offset=0
        )
    _refuse_mixed_series(ordered)
    kept, warnings = _drop_duplicates(ordered)
    warnings += _missing_parts(kept)
    _refuse_differing_flights(kept)
    persons = tuple(person for part in kept for person in part.persons)
    final = kept[-1]
    complete = not any(w.code is Defect.MULTIPART_MISSING for w in warnings)
    if complete:
        warnings += _total_mismatches(final, persons)
    first = kept[0]
    return dataclasses.replace(
        first,
        persons=persons,
        counts=final.counts,
        parts=tuple(_part_number(part) for part in kept),
        warnings=_unique([w for part in ordered for w in part.warnings] + warnings),
        unread=tuple(dict.fromkeys(kept_input for part in kept for kept_input in part.unread)),
        source=", ".join(dict.fromkeys(part.source for part in kept if part.source)),
    )


def assemble_series(manifests: Iterable[Manifest]) -> list[Manifest]:
    """Assemble every series among `manifests`; complete messages pass through unchanged.

    A message numbered `01:F` (first and final) is whole on its own: two of them for one
    flight (two interchanges, a resend) are two manifests, not two copies of a part.
    """
    series: dict[str, list[Manifest]] = {}
    order: list[str | Manifest] = []
    for manifest in manifests:
        reference = manifest.common_access_reference
        if manifest.sequence is None or not reference or _whole(manifest):
            order.append(manifest)
            continue
        if reference not in series:
            series[reference] = []
            order.append(reference)
        series[reference].append(manifest)
    return [_assembled_or_single(series[item]) if isinstance(item, str) else item for item in order]


def _assembled_or_single(parts: list[Manifest]) -> Manifest:
    if len(parts) == 1 and not parts[0].is_part:
        return parts[0]
    return assemble(parts)


def _whole(manifest: Manifest) -> bool:
    sequence = manifest.sequence
    return sequence is not None and sequence.number == 1 and sequence.marker == "F"


def _part_number(part: Manifest) -> int:
    return part.sequence.number if part.sequence is not None else 1


def _refuse_mixed_series(parts: list[Manifest]) -> None:
    reference = parts[0].common_access_reference
    for part in parts[1:]:
        if part.common_access_reference != reference:
            raise _refusal(
                part,
                f"part with common access reference {part.common_access_reference!r} does "
                f"not belong to series {reference!r}",
                rule="assembly-mixed-series",
            )


def _drop_duplicates(parts: list[Manifest]) -> tuple[list[Manifest], list[ParseWarning]]:
    """Each part once, the first copy kept: a copy differing from it is refused; an identical
    copy in the same interchange is warned (`multipart-duplicate`), in another one it is a
    resend, dropped silently."""
    kept: list[Manifest] = []
    warnings: list[ParseWarning] = []
    for part in parts:
        if kept and _part_number(kept[-1]) == _part_number(part):
            if _content(part) != _content(kept[-1]):
                raise _refusal(
                    part,
                    f"part {_part_number(part):02d} arrived twice with different content "
                    f"({kept[-1].source or 'first copy'} and {part.source or 'second copy'}); "
                    "which one holds the travellers cannot be told",
                    rule="assembly-conflicting-copies",
                )
            if part.interchange != kept[-1].interchange:
                # The same part resent in another interchange (a sender unsure its transfer
                # arrived sends it again, ISO 9735-1 §8.3): the first copy says it all, and
                # an identical resend changes nothing. Twice in one interchange stays a defect.
                continue
            warnings.append(
                _warning(
                    part,
                    Defect.MULTIPART_DUPLICATE,
                    f"part {_part_number(part):02d} arrived twice; the first copy is kept",
                )
            )
            continue
        kept.append(part)
    return kept, warnings


def _missing_parts(parts: list[Manifest]) -> list[ParseWarning]:
    final = parts[-1]
    has_final = final.sequence is not None and final.sequence.marker == "F"
    numbers = {_part_number(part) for part in parts}
    missing = [n for n in range(1, _part_number(final) + 1) if n not in numbers]
    warnings = []
    if missing:
        listed = ", ".join(f"{n:02d}" for n in missing)
        warnings.append(_warning(final, Defect.MULTIPART_MISSING, f"parts {listed} missing"))
    if not has_final:
        warnings.append(
            _warning(
                final,
                Defect.MULTIPART_MISSING,
                f"no final part (marker F) after part {_part_number(final):02d}",
            )
        )
    return warnings


def _refuse_differing_flights(parts: list[Manifest]) -> None:
    first = parts[0]
    for part in parts[1:]:
        if part.flights and part.flights != first.flights:
            raise _refusal(
                part,
                f"part {_part_number(part):02d} names other flights than part "
                f"{_part_number(first):02d}: its travellers cannot be placed on a flight",
                rule="assembly-conflicting-flights",
            )


def _content(part: Manifest) -> tuple[object, ...]:
    """What a part says, apart from where it was read."""
    return part.flights, part.persons, part.counts, part.document_code, part.change_indicator


def _total_mismatches(final: Manifest, persons: tuple[Person, ...]) -> list[ParseWarning]:
    crew = sum(1 for person in persons if person.is_crew)
    totals = {PASSENGER_TOTAL: len(persons) - crew, CREW_TOTAL: crew}
    if final.count(PASSENGER_TOTAL) is None and final.count(CREW_TOTAL) is not None and not crew:
        # A passenger list counted under CNT+41 (already warned per part).
        totals[CREW_TOTAL] = len(persons)
    return [
        _warning(
            final,
            Defect.CNT_COUNT_MISMATCH,
            f"CNT+{qualifier} says {declared}, the assembled series carries {totals[qualifier]}",
        )
        for qualifier, declared in final.counts
        if qualifier in totals and declared != totals[qualifier]
    ]


def _refusal(part: Manifest, message: str, *, rule: str) -> PaxlstError:
    return PaxlstError(
        message,
        rule=rule,
        segment_number=part.segment_number,
        byte_offset=part.byte_offset,
        source=part.source,
    )


def _warning(part: Manifest, code: Defect, message: str) -> ParseWarning:
    return ParseWarning(code, message, part.segment_number, part.byte_offset, part.source)


def _unique(warnings: list[ParseWarning]) -> tuple[ParseWarning, ...]:
    return tuple(dict.fromkeys(warnings))
