"""Signing in to the console and recording a decision as a person does: preview, then record."""

from __future__ import annotations

import re

from django.http import HttpResponse
from django.test import Client, RequestFactory

from tests.conftest import PASSWORD


def signed_in(username: str, password: str = PASSWORD) -> Client:
    """A client signed in as `username` (the `people` fixture's accounts are named by role)."""
    client = Client()
    # django-axes checks every sign-in against the request it comes from.
    request = RequestFactory().post("/accounts/login/")
    assert client.login(request=request, username=username, password=password)
    return client


def previewed_digest(html: str, field: str = "previewed") -> str:
    """The digest a preview puts in its form (visabond/policy/previews.py)."""
    found = re.search(rf'<input type="hidden" name="{re.escape(field)}" value="([0-9a-f]+)">', html)
    assert found, f"no preview in the page (field {field})"
    return found.group(1)


def preview_then_record(
    client: Client, url: str, fields: dict[str, str], *, button: str, prefix: str = ""
) -> HttpResponse:
    """Press Preview, then Record with the digest the preview gave, as the console's forms do."""
    previewed = client.post(url, fields | {button: "preview"})
    assert previewed.status_code == 200, previewed.status_code
    digest = previewed_digest(previewed.content.decode(), f"{prefix}previewed")
    response: HttpResponse = client.post(
        url, fields | {button: "record", f"{prefix}previewed": digest}
    )
    return response
