"""Settings shared by every environment.

Everything that differs between installations comes from the environment (or an
optional ``.env`` file beside ``manage.py``); every variable is listed in
``.env.example``.
"""

import os
from datetime import timedelta
from decimal import Decimal
from email.utils import getaddresses
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# DJANGO_ENV_FILE names another file to read, or none when empty; variables already in
# the environment win over the file.
ENV_FILE = os.environ.get("DJANGO_ENV_FILE", str(BASE_DIR / ".env"))
if ENV_FILE:
    environ.Env.read_env(ENV_FILE, overwrite=False)

# Production settings refuse this development key; an empty value (as in a copied
# .env.example) means the development key too.
SECRET_KEY = env("DJANGO_SECRET_KEY", default="") or "insecure-local-development-key"
# Off unless asked for: a debug page shows settings and data to whoever triggers an error.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "skus",
    "articles",
    "catalog_link",
    "reports",
    "interchange",
    "demo",
    "inventory_site.apps.SiteConfig",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A view that meets a database that is down answers with the 503 page.
    "inventory_site.database_down.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "inventory_site.urls"
WSGI_APPLICATION = "inventory_site.wsgi.application"
ASGI_APPLICATION = "inventory_site.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "inventory_site.context_processors.installation",
            ],
        },
    },
]

DATABASES = {
    # An empty DATABASE_URL (as in .env.example) means the embedded SQLite file.
    "default": env.db_url_config(
        env("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a concurrent writer instead of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("timeout", 20)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compiling: the pages' statements take milliseconds, and compiling one
    # that the planner guesses to be large took longer than running it (95 of 800 ms
    # for the SKU list at 100,000 articles). The reports turn it off for themselves too.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where collectstatic gathers the files WhiteNoise serves in production.
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = BASE_DIR / "media"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reports:dashboard"
LOGOUT_REDIRECT_URL = "login"

# The product's own settings (SPEC.md "Settings").
CURRENCY = env("CURRENCY", default="EUR")
SELLOFF_WINDOW_DAYS = env.int("SELLOFF_WINDOW_DAYS", default=365)
DEPRECIATION_RATE = Decimal(env("DEPRECIATION_RATE", default="0.20"))
RENEWAL_HURDLE_SHARE = Decimal(env("RENEWAL_HURDLE_SHARE", default="0.10"))

# After a write commits, a thread makes the SKU and sell-off reports' rows that it made
# the database forget again (reports/keeper.py), so that the next report finds them.
KEEP_REPORTS_AFTER_WRITES = env.bool("KEEP_REPORTS_AFTER_WRITES", default=True)

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"

# --- Deployment: mail, administrators, content security policy -----------------------

# Without EMAIL_HOST the installation sends no mail, so password reset is not offered
# (no link, no page): a reset that can never arrive would only mislead.
EMAIL_HOST = env("EMAIL_HOST", default="")
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="inventory@localhost")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
PASSWORD_RESET_ENABLED = bool(EMAIL_HOST)

# The demo fleet comes with a superuser whose password is published (seed_demo).
DEMO_ALLOWED = True

# Who receives a mail for every failed request (with EMAIL_HOST), as
# "Name <address>, Other <address>".
ADMINS = [
    (name, address) for name, address in getaddresses([env("DJANGO_ADMINS", default="")]) if address
]

# Every page loads its scripts and styles from our own static files, so the policy
# forbids inline script and style: an injected <script> or style= does nothing. Its
# middleware goes near the top, so that a response made by a later one (a lockout, a
# redirect) carries the policy too.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "csp.middleware.CSPMiddleware",
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}

# --- Login throttling (django-axes) ---------------------------------------------------
# Both login pages (the admin's and the staff one) authenticate through Django, so the
# axes backend sees every attempt: after AXES_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is locked out for AXES_COOLOFF_MINUTES and
# gets the lockout page. The address is REMOTE_ADDR only: a client-sent
# X-Forwarded-For would let a guesser pick a new address for every try. (django-ipware
# is not installed, so axes reads REMOTE_ADDR whatever AXES_IPWARE_* says; the
# precedence order below keeps that if it ever is.) Behind a proxy the production
# settings take the address the proxy appended to X-Forwarded-For instead.
# Whether a reverse proxy is in front (production settings read DJANGO_BEHIND_PROXY):
# then the client's address is the one the proxy appended (inventory_site.client_address).
BEHIND_PROXY = False
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# No banner on every start: production logs go to standard output, read by people.
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# No start-up banner: under production settings the log goes to standard output, where
# it would precede the file an export command writes there.
AXES_VERBOSE = False

# --- Import limits (interchange.limits) -----------------------------------------------
# An upload larger than this is refused by the upload pages. Every import (pages and
# commands) refuses more data rows or columns than this; a workbook also more cells,
# or XML that unpacks to more bytes, before it is opened.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_MB", default=50) * 2**20
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=2_000_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=100)
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=20_000_000)
IMPORT_MAX_UNPACKED_BYTES = env.int("IMPORT_MAX_UNPACKED_MB", default=2048) * 2**20
