"""Reading manifests ahead in worker processes gives what reading them in process gives."""

from __future__ import annotations

import datetime as dt

from tests.border_world import manifest_passenger, paxlst
from visabond.border.manifest_reading import manifest_read, read_ahead

STATES = frozenset({"USA", "MLI"})
TODAY = dt.date(2025, 11, 1)


def test_files_read_ahead_by_workers_come_back_in_order_read_as_in_process() -> None:
    good = paxlst(manifest_passenger(), manifest_passenger(surname="PHIRI", passport="MA7654321"))
    inbound = paxlst(manifest_passenger(), route=("ADD", "IAD"), reference="2")
    files = [("a.edi", good), ("b.edi", None), ("c.edi", b"not a manifest"), ("d.edi", inbound)]
    read = list(read_ahead(files, states=STATES, today=TODAY, workers=2))
    assert [(source, raw) for source, raw, _ in read] == files
    expected = [
        manifest_read(good, source="a.edi", states=STATES, today=TODAY),
        None,  # never opened: nothing to read
        None,  # unreadable: the caller reads it again and quarantines it with the error
        manifest_read(inbound, source="d.edi", states=STATES, today=TODAY),
    ]
    assert [found for _, _, found in read] == expected
    assert [len(found.passengers) for found in expected if found] == [2, 1]


def test_a_single_worker_reads_nothing_ahead() -> None:
    files = [("a.edi", paxlst(manifest_passenger()))]
    assert list(read_ahead(files, states=STATES, today=TODAY, workers=1)) == [
        ("a.edi", files[0][1], None)
    ]
