"""Settings shared by every environment. Secrets and the database come from the environment.

- `DATABASE_URL`: any dj-database-url URL; without it, an embedded SQLite file in
  `$VISABOND_DATA_DIR` (default `./var`).
- `VISABOND_SECRET_KEY`: required in production (see production.py).
- `VISABOND_CLOCK_SHIFT_DAYS`: run the clock that many days away from the real one, for a
  demonstration or a browser test set on a day a program was in force (refused in
  production).
- `VISABOND_SECRETS_KEY`: Fernet key(s), comma-separated, that encrypt the payment provider's
  signing secrets (the first encrypts, all decrypt); default: derived from the secret key
  with HKDF (`visabond/payments/vault.py`).
- `VISABOND_PAXLST_SERIES_WAIT_HOURS`: how long the parts of a multi-part PAXLST message wait
  for the rest of their series before it is assembled as it is, for review (default 24).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from visabond.core import clock

PACKAGE_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = Path(os.environ.get("VISABOND_DATA_DIR", Path.cwd() / "var"))

# Published with the source: `visabond serve` refuses it on any address but loopback.
DEVELOPMENT_SECRET_KEY = "insecure-development-key-set-VISABOND_SECRET_KEY-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("VISABOND_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
# Encrypts the payment provider's signing secrets at rest (visabond/payments/vault.py).
VISABOND_SECRETS_KEY = os.environ.get("VISABOND_SECRETS_KEY", "")
DEBUG = os.environ.get("VISABOND_DEBUG", "") == "1"
# A follow-mode applier of the provider's inbox runs beside the web workers (`visabond serve`
# starts one and sets this): a webhook request then answers 202 at once while it is applying
# rather than applying beside it (docs/payments.md, "The inbox, and who applies it").
PAYMENTS_INBOX_FOLLOWED = os.environ.get("VISABOND_INBOX_FOLLOWED", "") == "1"
CLOCK_SHIFT_DAYS = int(os.environ.get("VISABOND_CLOCK_SHIFT_DAYS") or "0")
# How long the parts of a multi-part PAXLST message wait for the rest of their series.
PAXLST_SERIES_WAIT_HOURS = float(os.environ.get("VISABOND_PAXLST_SERIES_WAIT_HOURS") or "24")
if CLOCK_SHIFT_DAYS:
    clock.shift_days(CLOCK_SHIFT_DAYS)
ALLOWED_HOSTS = [
    h for h in os.environ.get("VISABOND_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Serves the API documentation's script and styles from our own static files.
    "ninja",
    "axes",
    "visabond.accounts",
    "visabond.audit",
    "visabond.policy",
    "visabond.ledger",
    "visabond.bonds",
    "visabond.casework",
    "visabond.refunds",
    "visabond.payments",
    "visabond.border",
    "visabond.adjudication",
    "visabond.notices",
    "visabond.printing",
    "visabond.portal",
    "visabond.finance",
    "visabond.demo",
    "visabond.web",
    "visabond.stats",
    "visabond.cli",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "visabond.web.middleware.ContentSecurityPolicyMiddleware",
    "visabond.web.middleware.ApiErrorShapeMiddleware",
    "visabond.web.middleware.ApiRequestGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "visabond.web.errors.ApplicationErrorMiddleware",
    # After the locale and authentication middleware: the page is in the visitor's language.
    "visabond.web.errors.MethodNotAllowedPageMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in lockout (django-axes): five failures lock the account name, and the address, for
# 15 minutes, whichever was used; a success resets the count.
AXES_FAILURE_LIMIT = int(os.environ.get("VISABOND_SIGNIN_FAILURES", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("VISABOND_SIGNIN_LOCKOUT_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# Public lookups per address and window (page and API together); see visabond.web.throttle.
LOOKUP_THROTTLE_RATE = os.environ.get("VISABOND_LOOKUP_RATE", "300/m")
# "Did my departure register?" questions per address and window: each one tries a bond
# number with a birth date, so the ceiling is a person's, not a page's (visabond.web.throttle).
DEPARTURE_CHECK_THROTTLE_RATE = os.environ.get("VISABOND_DEPARTURE_CHECK_RATE", "30/h")
# Claims of a walk-in case per account and window: each one tries a claim code, so the
# ceiling is a person's mistyping, not a script's (portal.views).
CLAIM_THROTTLE_RATE = os.environ.get("VISABOND_CLAIM_RATE", "10/h")
# Claims of one case reference from every account together: far above one person's
# mistyping, so that strangers who know the reference cannot lock its obligor out, yet a
# ceiling on many accounts guessing one code at once (portal.views).
CLAIM_CASE_THROTTLE_RATE = os.environ.get("VISABOND_CLAIM_CASE_RATE", "200/h")
# Sign-ups per client address and window: an account is what a claim's attempts are counted
# against, so accounts must not be made by the hundred (portal.views).
SIGN_UP_THROTTLE_RATE = os.environ.get("VISABOND_SIGN_UP_RATE", "10/h")
# The rate limits' counters (web/throttle.py) in a cache every worker of the machine shares,
# so that a ceiling holds whatever the number of workers (Django's default cache is each
# worker's memory). A deployment on several machines gives a shared server instead
# (`VISABOND_CACHE_LOCATION` with `VISABOND_CACHE_BACKEND`, e.g. Django's Redis backend).
# The files are Django's file cache with a lock per entry (core/file_cache.py): Django's own
# adds and increments by a read then a write, so workers counting at once would lose counts.
CACHES = {
    "default": {
        "BACKEND": os.environ.get(
            "VISABOND_CACHE_BACKEND", "visabond.core.file_cache.LockedFileBasedCache"
        ),
        "LOCATION": os.environ.get("VISABOND_CACHE_LOCATION", str(DATA_DIR / "cache")),
        # Counters must outlive a flood of other keys: culling would reset them.
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }
}
# Verifications of the whole ledger a finance officer runs from the console per window: each
# reads every transaction (finance.views).
LEDGER_VERIFY_RATE = os.environ.get("VISABOND_LEDGER_VERIFY_RATE", "6/h")
# Travellers' evidence files (boarding passes, entry stamps): kept under the data directory,
# outside the static files and any web root, served only by a view that checks the role.
UPLOAD_DIR = DATA_DIR / "uploads"
UPLOAD_MAX_BYTES = 5 * 1024 * 1024
# Reverse proxies in front of the app that append the client's address to X-Forwarded-For;
# 0 (the default): the header is the client's to write, and the peer address counts.
TRUSTED_PROXIES = int(os.environ.get("VISABOND_TRUSTED_PROXIES", "0"))
CSRF_FAILURE_VIEW = "visabond.web.views.csrf_failure"

ROOT_URLCONF = "visabond.config.urls"
WSGI_APPLICATION = "visabond.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "visabond.accounts.context_processors.roles",
                "visabond.web.context_processors.languages",
                "visabond.web.context_processors.clock_shift",
            ],
            # `|day` and `|moment` write dates for people in the page's language.
            "builtins": ["visabond.web.templatetags.visabond_dates"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'visabond.sqlite3'}",
        conn_max_age=int(os.environ.get("VISABOND_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the console read while a command writes; IMMEDIATE avoids the
    # upgrade deadlock SQLite otherwise has when two writers start as readers.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Set for `collectstatic` in production; without it WhiteNoise serves from the apps.
STATIC_ROOT = os.environ.get("VISABOND_STATIC_ROOT") or None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"
LOGOUT_REDIRECT_URL = "requirements-page"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts, styles and images from this site only (the API documentation's Swagger UI sets
# inline styles and draws data: icons); no plugins, no <base>, no framing, forms post here.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # A role's refusal is one line, without a traceback (`visabond.web.logs`).
    "filters": {"forbidden_one_line": {"()": "visabond.web.logs.ForbiddenOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["forbidden_one_line"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("VISABOND_LOG_LEVEL", "WARNING")},
}

# Notices leave through Django's mail framework: printed on the console unless a mail
# backend is configured (e.g. VISABOND_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend
# with Django's EMAIL_HOST settings).
EMAIL_BACKEND = os.environ.get(
    "VISABOND_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("VISABOND_FROM_EMAIL", "visabond <notices@localhost>")
