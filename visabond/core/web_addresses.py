"""Addresses of sources on the web: an http or https URL with a host, nothing else.

A source's address is shown as a link on the public page; a `javascript:` or `data:` link
would run in a visitor's browser when followed (stored cross-site scripting), so other
schemes are refused wherever an address is accepted, and not linked wherever one is shown.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from visabond.core.errors import InvalidInput

SCHEMES = frozenset({"http", "https"})


def is_web_address(value: str) -> bool:
    """True for an absolute http(s) URL with a host and no spaces or control characters."""
    if not value or any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in SCHEMES and bool(parts.hostname)


def validate_web_address(value: str, *, field: str) -> str:
    """`value` when empty or an http(s) address (`is_web_address`); otherwise `InvalidInput`
    (`address_scheme`) naming `field`."""
    if value and not is_web_address(value):
        raise InvalidInput(
            "a source's address is an http:// or https:// URL with a host",
            code="address_scheme",
            field=field,
        )
    return value
