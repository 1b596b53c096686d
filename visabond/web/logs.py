"""What the server's log says of a refused request: one line for a 403, no traceback.

Django logs a page's `PermissionDenied` through `django.request` with the exception
attached, so every refusal of a role printed a traceback: noise in which real errors drown,
for what is a decision, not a fault (the refusal itself is said by the 403 page)."""

from __future__ import annotations

import logging


class ForbiddenOneLine(logging.Filter):
    """Keeps a 403 record of `django.request` to its message line: "Forbidden (Permission
    denied): /path". Other records pass untouched."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
