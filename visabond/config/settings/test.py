"""Settings for the test suite: fast hashing, in-memory SQLite unless DATABASE_URL is set."""

from __future__ import annotations

import os

from .base import *  # noqa: F403
from .base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if "DATABASE_URL" not in os.environ:
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": ":memory:",
        "TEST": {"NAME": ":memory:"},
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests ask from one address faster than a person; the throttle's tests set their own ceiling.
# Each test process its own counters (tests clear them); no files between runs.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LOOKUP_THROTTLE_RATE = "100000/m"
DEPARTURE_CHECK_THROTTLE_RATE = "100000/m"
CLAIM_THROTTLE_RATE = "100000/m"
CLAIM_CASE_THROTTLE_RATE = "100000/m"
SIGN_UP_THROTTLE_RATE = "100000/m"
LEDGER_VERIFY_RATE = "100000/m"
