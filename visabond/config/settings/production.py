"""Production: secrets only from the environment, HTTPS everywhere."""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CLOCK_SHIFT_DAYS

if CLOCK_SHIFT_DAYS:
    # Decisions, deadlines and the audit trail must carry the real date.
    raise ImproperlyConfigured("VISABOND_CLOCK_SHIFT_DAYS is for demonstrations and tests only")

SECRET_KEY = os.environ["VISABOND_SECRET_KEY"]
DEBUG = False
SECURE_SSL_REDIRECT = os.environ.get("VISABOND_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
