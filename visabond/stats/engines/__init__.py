"""The engines that run the overstay SQL: DuckDB embedded (the default) and Apache Spark."""

from __future__ import annotations

from visabond.core.errors import InvalidInput

ENGINES = ("duckdb", "spark")


def check_engine(name: str) -> str:
    """`name` if it is a known engine; InvalidInput on `--engine` otherwise."""
    if name not in ENGINES:
        raise InvalidInput(
            f"unknown engine {name!r}; choose {' or '.join(ENGINES)}",
            code="engine_unknown",
            field="--engine",
        )
    return name
