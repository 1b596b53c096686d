"""What every page shows: this page in each language, and whether the clock is shifted."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url

from visabond.core import clock


def site(request: HttpRequest) -> dict[str, Any]:
    """`language_links`: (code, the same page in that language); `shifted_today`: the day the
    installation's clock shows when it runs away from the real one (a demonstration)."""
    path = request.get_full_path()
    return {
        "language_links": [(code, translate_url(path, code)) for code, _ in settings.LANGUAGES],
        "shifted_today": clock.today() if getattr(settings, "CLOCK_SHIFT_DAYS", 0) else None,
    }
