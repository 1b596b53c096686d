"""The domain rules stay plain Python: no Django in them, so they read and test on their own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "visabond"
PLAIN_PYTHON = [
    "core/errors.py",
    "core/money.py",
    "core/clock.py",
    "core/dates.py",
    "core/countries.py",
    "core/airports.py",
    "policy/rules.py",
    "policy/reciprocity.py",
    "policy/visa_classes.py",
    "audit/chain.py",
    "stats/contract.py",
    "stats/method.py",
    "stats/sql.py",
    "stats/runner.py",
    "stats/reports.py",
    "stats/designation.py",
    "stats/fingerprint.py",
    "stats/output.py",
    "stats/progress.py",
    "stats/synthetic.py",
    "stats/export.py",
    "stats/engines",
    "documents",
]


def modules(entry: str) -> list[Path]:
    path = PACKAGE / entry
    return sorted(path.rglob("*.py")) if path.is_dir() else [path]


def imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", [p for entry in PLAIN_PYTHON for p in modules(entry)], ids=str)
def test_domain_modules_import_no_django(path: Path) -> None:
    offending = {
        n for n in imported_names(path) if n == "django" or n.startswith(("django.", "ninja"))
    }
    assert offending == set(), f"{path.relative_to(PACKAGE)} imports {offending}"


def test_the_plain_modules_exist() -> None:
    assert all((PACKAGE / entry).exists() for entry in PLAIN_PYTHON)
