"""The fingerprint of a report's input: SHA-256 over each table file's name and bytes."""

from __future__ import annotations

import hashlib

from visabond.stats.contract import TABLES, TableFile


def data_fingerprint(files: dict[str, TableFile]) -> str:
    """Hex SHA-256 of the three files, in contract order; any changed byte changes it."""
    digest = hashlib.sha256()
    for table in TABLES:
        file = files[table.name]
        digest.update(f"{file.path.name}\n".encode())
        with file.path.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()
