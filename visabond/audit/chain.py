"""The audit trail's hash chain: each entry's hash covers its content and the previous hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def entry_hash(*, previous_hash: str, sequence: int, content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{previous_hash}|{sequence}|{canonical}".encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainLink:
    sequence: int
    content: dict[str, Any]
    previous_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class Break:
    sequence: int
    problem: str


def verify(links: Iterable[ChainLink]) -> list[Break]:
    """Every break in the chain: an edited entry, a deleted one, or one out of order."""
    breaks: list[Break] = []
    previous_hash, expected_sequence = GENESIS, 1
    for link in links:
        if link.sequence != expected_sequence:
            breaks.append(
                Break(link.sequence, f"expected entry {expected_sequence}: entries missing")
            )
        if link.previous_hash != previous_hash:
            breaks.append(Break(link.sequence, "does not follow the entry before it"))
        recomputed = entry_hash(
            previous_hash=link.previous_hash, sequence=link.sequence, content=link.content
        )
        if recomputed != link.hash:
            breaks.append(Break(link.sequence, "content differs from what was recorded"))
        previous_hash, expected_sequence = link.hash, link.sequence + 1
    return breaks
