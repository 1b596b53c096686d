"""PAXLST dates: the century of two-digit years (shared with the MRZ reader), the reference
date they are read against, and the DTM habits of real senders."""
# ruff: noqa: DTZ001 - manifest times are local times at the airport, hence naive

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

import pytest

from visabond.documents.mrz import parse_mrz
from visabond.documents.paxlst import Defect, Manifest, Person, parse_paxlst, write_paxlst

Read = Callable[[str], bytes]
LATER = dt.date(2026, 11, 30)


def _persons(data: bytes, *, today: dt.date = LATER) -> list[Person]:
    return [p for m in parse_paxlst(data, today=today).manifests for p in m.persons]


def test_the_same_birth_text_reads_the_same_for_every_passenger_of_a_bare_body(
    fixture_bytes: Read,
) -> None:
    """No UNB dates the body: both 380101 are 1938, never 2038, whatever expiry came between."""
    kamau, njeri = _persons(fixture_bytes("body_only_same_birth_text.edi"))
    assert kamau.birth_date == njeri.birth_date == dt.date(1938, 1, 1)
    assert kamau.documents[0].expiry == dt.date(2030, 6, 15)


def test_a_bare_body_reads_two_digit_years_against_today(fixture_bytes: Read) -> None:
    """A birth date is never in the future: on 2037-06-01, 380101 is still 1938."""
    earlier = _persons(fixture_bytes("body_only_same_birth_text.edi"), today=dt.date(2037, 6, 1))
    assert [person.birth_date for person in earlier] == [dt.date(1938, 1, 1)] * 2


def test_a_birth_later_in_the_year_of_the_message_is_of_the_century_before(
    fixture_bytes: Read,
) -> None:
    """Prepared 2026-03-05: 260901 is 1926 (the whole date is compared, not the year)."""
    rose, _ = _persons(fixture_bytes("birth_later_in_the_year_of_the_message.edi"))
    assert rose.birth_date == dt.date(1926, 9, 1)
    assert rose.clean


def test_an_infant_born_earlier_in_the_year_of_the_message_is_of_that_year(
    fixture_bytes: Read,
) -> None:
    """Prepared 2026-03-05: 260201 is a baby born a month before, not a 100-year-old."""
    _, baby = _persons(fixture_bytes("birth_later_in_the_year_of_the_message.edi"))
    assert baby.birth_date == dt.date(2026, 2, 1)
    assert baby.clean


@pytest.mark.parametrize(
    ("birth", "expected"),
    [("260305", dt.date(2026, 3, 5)), ("260306", dt.date(1926, 3, 6))],
)
def test_an_infant_born_on_the_day_of_the_message_is_of_that_day(
    fixture_bytes: Read, birth: str, expected: dt.date
) -> None:
    """The day the message was prepared is the last day a passenger can have been born."""
    data = fixture_bytes("birth_later_in_the_year_of_the_message.edi").replace(
        b"DTM+329:260201", b"DTM+329:" + birth.encode()
    )
    assert _persons(data)[1].birth_date == expected


def test_a_message_date_after_today_does_not_move_births_into_the_future(
    fixture_bytes: Read,
) -> None:
    """A sender's clock a year ahead: the birth still falls on or before today."""
    data = fixture_bytes("birth_later_in_the_year_of_the_message.edi")
    rose, baby = _persons(data, today=dt.date(2026, 1, 20))
    assert rose.birth_date == dt.date(1926, 9, 1)
    assert baby.birth_date == dt.date(1926, 2, 1)


def test_a_two_digit_preparation_date_is_read_in_its_century() -> None:
    """UNB S004 of syntax version 3: 991231 is 1999, not 2099."""
    body = (
        b"UNB+UNOA:3+SENDER+RECIPIENT+991231:2300+1'UNH+1+PAXLST:D:02B:UN:IATA'BGM+745'"
        b"TDT+20+XX1'LOC+125+ADD'DTM+189:0001010930:201'LOC+87+IAD'"
        b"NAD+FL+++DOE:JANE'DTM+329:451231'CNT+42:1'UNT+10+1'UNZ+1+1'"
    )
    (manifest,) = parse_paxlst(body, today=LATER).manifests
    assert manifest.interchange is not None
    assert manifest.interchange.prepared == dt.datetime(1999, 12, 31, 23, 0)
    assert manifest.persons[0].birth_date == dt.date(1945, 12, 31)
    assert manifest.flights[0].calls[0].time == dt.datetime(2000, 1, 1, 9, 30)


def test_a_birth_date_falls_before_the_expiry_of_the_persons_documents(
    manifest_factory: Callable[..., Manifest], traveller_factory: Callable[..., Person]
) -> None:
    """As on an MRZ: 150101 beside a passport that expired in 2010 is 1915."""
    data = _with_dates(manifest_factory, traveller_factory, birth=b"150101", expiry=b"100101")
    (person,) = _persons(data)
    assert person.birth_date == dt.date(1915, 1, 1)
    assert person.documents[0].expiry == dt.date(2010, 1, 1)
    assert person.clean


def test_the_mrz_and_paxlst_readers_give_the_same_dates_for_the_same_digits(
    manifest_factory: Callable[..., Manifest], traveller_factory: Callable[..., Person]
) -> None:
    """One century rule: the zone read on the day the message was prepared agrees."""
    zone = (
        "P<UTOTESTER<<EVA<<<<<<<<<<<<<<<<<<<<<<<<<<<<",
        "AB12345671UTO1501010F1001015<<<<<<<<<<<<<<06",
    )
    prepared = dt.date(2026, 1, 5)
    read = parse_mrz(zone, today=prepared)
    data = _with_dates(manifest_factory, traveller_factory, birth=b"150101", expiry=b"100101")
    (person,) = _persons(data)
    assert (person.birth_date, person.documents[0].expiry) == (read.birth_date, read.expiry_date)


def test_dates_no_century_reconciles_are_a_doubt_not_a_reading(
    manifest_factory: Callable[..., Manifest], traveller_factory: Callable[..., Person]
) -> None:
    """Expired 1985, born 1990 or 1890: the person is kept, with no birth date and a doubt."""
    data = _with_dates(manifest_factory, traveller_factory, birth=b"900101", expiry=b"850101")
    result = parse_paxlst(data, today=LATER)
    (person,) = result.manifests[0].persons
    assert (person.birth_date, person.birth_date_text) == (None, "900101")
    assert [(d.field, d.code) for d in person.doubts] == [("birth_date", Defect.DATE_INCONSISTENT)]
    assert not person.clean
    assert not result.complete
    assert Defect.DATE_INCONSISTENT in {w.code for w in result.warnings}


def test_a_birth_after_the_expiry_in_full_years_is_kept_with_a_doubt(
    manifest_factory: Callable[..., Manifest], traveller_factory: Callable[..., Person]
) -> None:
    """Four-digit years leave no century to choose: the contradiction is a doubt."""
    data = _with_dates(
        manifest_factory, traveller_factory, birth=b"20150101:102", expiry=b"20100101:102"
    )
    (person,) = _persons(data)
    assert person.birth_date == dt.date(2015, 1, 1)
    assert [d.code for d in person.doubts] == [Defect.DATE_INCONSISTENT]


def test_an_impossible_birth_date_is_a_doubt(fixture_bytes: Read) -> None:
    (manifest,) = parse_paxlst(fixture_bytes("defect_dates_change_multileg.edi")).manifests
    person = manifest.persons[0]
    assert (person.birth_date, person.birth_date_text) == (None, "871332")
    assert [d.code for d in person.doubts] == [Defect.DATE_INVALID]


def test_a_date_in_the_second_element_is_read_and_the_habit_named(fixture_bytes: Read) -> None:
    """`DTM+36+301231`: the expiry is kept (not "has no date"), with a dtm-malformed warning."""
    result = parse_paxlst(fixture_bytes("dtm_value_habits.edi"), today=LATER)
    (person,) = result.manifests[0].persons
    assert person.documents[0].expiry == dt.date(2030, 12, 31)
    (warning,) = [w for w in result.warnings if "DTM+36+301231" in w.message]
    assert warning.code is Defect.DTM_MALFORMED
    assert Defect.EMPTY_VALUE not in {w.code for w in result.warnings}


def test_a_time_in_a_component_of_its_own_is_read_with_its_date(fixture_bytes: Read) -> None:
    """`DTM+189:20261201:1100:203`: departs at 11:00, and the warning says how it was read."""
    result = parse_paxlst(fixture_bytes("dtm_value_habits.edi"), today=LATER)
    (leg,) = result.manifests[0].flights[0].legs
    assert (leg.departs, leg.arrives) == (
        dt.datetime(2026, 12, 1, 11, 0),
        dt.datetime(2026, 12, 1, 21, 45),
    )
    messages = [w.message for w in result.warnings if w.code is Defect.DTM_MALFORMED]
    assert any("the time 1100" in message and "202612011100" in message for message in messages)


def test_components_after_the_format_code_are_named_as_not_read(fixture_bytes: Read) -> None:
    data = fixture_bytes("dtm_value_habits.edi").replace(
        b"DTM+189:20261201:1100:203", b"DTM+189:2612011100:201:LT"
    )
    result = parse_paxlst(data, today=LATER)
    assert result.manifests[0].flights[0].legs[0].departs == dt.datetime(2026, 12, 1, 11, 0)
    assert any("'LT'" in w.message and "not read" in w.message for w in result.warnings)


def _with_dates(
    manifest_factory: Callable[..., Manifest],
    traveller_factory: Callable[..., Person],
    *,
    birth: bytes,
    expiry: bytes,
) -> bytes:
    """A one-passenger message prepared 2026-01-05 whose birth and passport expiry DTM
    values are replaced by the given texts."""
    traveller = traveller_factory(0)
    passport_only = dataclasses.replace(traveller, documents=traveller.documents[:1])
    data = write_paxlst(manifest_factory(persons=(passport_only,)), line_breaks=True)
    return data.replace(b"DTM+329:700101", b"DTM+329:" + birth).replace(
        b"DTM+36:310501", b"DTM+36:" + expiry
    )


def test_an_impossible_document_expiry_is_a_doubt(fixture_bytes: Read) -> None:
    """Its text is kept, and the person cannot read as clean with a date nobody can check."""
    data = fixture_bytes("passport_visa_clean.edi").replace(b"DTM+36:300801", b"DTM+36:301301")
    banda = parse_paxlst(data).manifests[0].persons[0]
    passport = banda.documents[0]
    assert (passport.expiry, passport.expiry_text) == (None, "301301")
    assert [(d.field, d.code) for d in banda.doubts] == [("document_expiry", Defect.DATE_INVALID)]
