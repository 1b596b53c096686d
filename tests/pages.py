"""Helpers for tests of server-rendered pages: a signed-in client, a page's text compared
without what changes on every answer (the masked CSRF token)."""

from __future__ import annotations

import re

from django.test import Client

from tests.casework_world import PASSWORD

CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def signed_in(user: object) -> Client:
    """A client signed in as `user` (an account made with the shared test password)."""
    client = Client()
    assert client.login(username=user.get_username(), password=PASSWORD)  # type: ignore[attr-defined]
    return client


def comparable(text: str, *, reference: str, placeholder: str = "C-0000-0000") -> str:
    """A page's text with the masked CSRF token blanked and `reference` replaced, so the
    answer about one case can be compared with the answer about another."""
    blanked = CSRF_VALUE.sub('name="csrfmiddlewaretoken" value=""', text)
    return blanked.replace(reference, placeholder)
