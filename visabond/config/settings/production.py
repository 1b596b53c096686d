"""Production: secrets only from the environment, HTTPS everywhere."""

from __future__ import annotations

import os

from .base import *  # noqa: F403

SECRET_KEY = os.environ["VISABOND_SECRET_KEY"]
DEBUG = False
SECURE_SSL_REDIRECT = os.environ.get("VISABOND_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
