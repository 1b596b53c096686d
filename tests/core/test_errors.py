"""A refusal's English message writes its values as people do."""

from __future__ import annotations

from visabond.core.errors import InvalidInput


def test_a_list_of_values_is_written_as_words_not_python_notation() -> None:
    error = InvalidInput(
        "%(port)s is not a port this visa designates (%(ports)s)",
        code="port_not_designated",
        params={"port": "ORD", "ports": ["BOS", "JFK", "IAD"]},
    )
    assert error.message == "ORD is not a port this visa designates (BOS, JFK, IAD)"
    assert error.params["ports"] == ["BOS", "JFK", "IAD"]  # a page writes them its own way
