"""Issuing-state and nationality codes: ISO 3166-1 alpha-3 and ICAO's own (Doc 9303-3 §5)."""

from __future__ import annotations

import pytest

from visabond.documents.codes import KNOWN_CODES, code_name, code_warning, unknown_code_reason

ICAO_ONLY = ["D", "GBD", "GBN", "GBO", "GBP", "GBS", "RKS", "EUE", "UNO", "UNA", "UNK",
             "XPO", "XBA", "XIM", "XCC", "XCE", "XCO", "XEC", "XES", "XMP", "XOM", "XDC",
             "XXA", "XXB", "XXC", "XXX"]  # fmt: skip


@pytest.mark.parametrize("code", ICAO_ONLY)
def test_icao_only_codes_are_known_without_warning(code: str) -> None:
    """Doc 9303-3 §5: these codes are valid in a zone though not in ISO 3166-1 alpha-3."""
    assert code in KNOWN_CODES
    assert code_warning(code, field="nationality") is None
    assert unknown_code_reason(code, field="nationality") is None
    assert code_name(code)


def test_iso_alpha3_codes_are_known() -> None:
    """Doc 9303-3 §5: states use their ISO 3166-1 alpha-3 code."""
    assert {"FRA", "MLI", "USA", "JPN", "BRA"} <= KNOWN_CODES
    assert code_name("MLI") == "Mali"


def test_germany_is_d_not_deu_in_icao_use() -> None:
    """Doc 9303-3 §5: Germany writes D; DEU is still an ISO code and reads."""
    assert code_name("D") == "Germany"


def test_utopia_is_known_but_flagged_as_specimen() -> None:
    """Doc 9303 examples use the fictitious state Utopia (UTO); real zones never do."""
    warning = code_warning("UTO", field="issuing_state")
    assert warning is not None
    assert "specimen" in warning


def test_an_unknown_code_fails_with_a_reason_naming_field_and_code() -> None:
    """Doc 9303-3 §5: a code outside both lists is a failed check, not silently accepted."""
    assert unknown_code_reason("ZZQ", field="issuing_state") == (
        "issuing state 'ZZQ' is not an ISO 3166-1 alpha-3 or ICAO code (Doc 9303-3 §5)"
    )
    assert unknown_code_reason("MLI", field="nationality") is None
    assert unknown_code_reason("UTO", field="nationality") is None
