"""The benchmarks still name what the project has.

A benchmark runs only by hand (`./dev bench`), so a renamed function would break it unseen
until the next measurement: every name a script imports from visabond, at its top or inside
a function, must exist.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from pathlib import Path

import pytest

BENCHMARKS = sorted((Path(__file__).resolve().parents[1] / "benchmarks").glob("bench_*.py"))


def _imports(script: Path) -> list[tuple[str, str]]:
    """(module, name) of each `from visabond... import name` in the script."""
    tree = ast.parse(script.read_text(), filename=str(script))
    return [
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("visabond")
        for alias in node.names
    ]


def test_there_are_benchmarks_importing_visabond() -> None:
    assert len(BENCHMARKS) >= 10
    assert sum(len(_imports(script)) for script in BENCHMARKS) >= 20


@pytest.mark.parametrize("script", BENCHMARKS, ids=lambda path: path.name)
def test_every_name_a_benchmark_imports_exists(script: Path) -> None:
    missing = [
        f"{module}.{name}"
        for module, name in _imports(script)
        if not hasattr(importlib.import_module(module), name)
        and importlib.util.find_spec(f"{module}.{name}") is None
    ]
    assert missing == [], f"{script.name} imports what is not there: {missing}"
