"""What every page's header needs: the same page in each language."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language


# Resolving and reversing the path for each language is the same work for the same path
# (resolving reads the active language, so it is part of the key): the public page is asked
# the same few questions many times.
@lru_cache(maxsize=1024)
def _translated(path: str, code: str, active: str | None) -> str:
    return translate_url(path, code)


def languages(request: HttpRequest) -> dict[str, object]:
    """Links to this page, with its question, in every language (`translate_url` keeps the query)."""
    current = get_language()
    path = request.get_full_path()
    links = [
        {
            "code": code,
            "name": name,
            "url": _translated(path, code, current),
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]
    return {"language_links": links}
