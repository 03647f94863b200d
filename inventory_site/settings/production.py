"""Settings for a production installation: secrets have no default, weak ones are refused.

The refusals raise ``ImproperlyConfigured`` at start-up, before a single request is
served, so a misconfigured installation never runs half-protected.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import MIDDLEWARE, env

# --- Secrets and hosts -----------------------------------------------------------------

SECRET_KEY_MIN_LENGTH = 50
INSECURE_SECRET_KEY_PREFIX = "django-insecure-"


def secret_key_checked(value: str) -> str:
    """The secret key, if it is long and not one of Django's generated development keys."""
    if not value:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is missing or empty. Set it to a random value of at least "
            f"{SECRET_KEY_MIN_LENGTH} characters, for example the output of: python -c "
            '"import secrets; print(secrets.token_urlsafe(64))"'
        )
    if value.startswith(INSECURE_SECRET_KEY_PREFIX):
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY starts with {INSECURE_SECRET_KEY_PREFIX!r}: it is a development "
            "key made by startproject. Generate a new random one for production."
        )
    if len(value) < SECRET_KEY_MIN_LENGTH:
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY has {len(value)} characters; production needs at least "
            f"{SECRET_KEY_MIN_LENGTH} random ones."
        )
    return value


def allowed_hosts_checked(hosts: list[str]) -> list[str]:
    """The host names, if they are named: a wildcard accepts any Host header."""
    if not hosts:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS is missing or empty. Set it to the host names the site is "
            "reached by, separated by commas (for example inventory.example.com)."
        )
    if "*" in hosts:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS contains '*', which accepts any Host header. Name the host "
            "names the site is reached by instead."
        )
    return hosts


DEBUG = False
SECRET_KEY = secret_key_checked(env("DJANGO_SECRET_KEY", default=""))
ALLOWED_HOSTS = allowed_hosts_checked(env.list("DJANGO_ALLOWED_HOSTS", default=[]))

# No demo fleet, so no superuser with a published password (seed_demo refuses).
DEMO_ALLOWED = False

# --- HTTPS -------------------------------------------------------------------------------

# A proxy in front (nginx, a load balancer) ends TLS and says so in X-Forwarded-Proto,
# and appends the client's address to X-Forwarded-For, which the login lockout then
# counts by (inventory_site.client_address). Without one, both headers come from the
# client and must not be believed.
BEHIND_PROXY = env.bool("DJANGO_BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    AXES_CLIENT_IP_CALLABLE = "inventory_site.client_address.forwarded_client_address"

# DJANGO_HTTPS=false is only for serving plain HTTP on loopback (make serve): then no
# redirect to HTTPS, no HSTS and cookies that a plain HTTP client sends back.
HTTPS = env.bool("DJANGO_HTTPS", default=True)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=HTTPS)
SECURE_HSTS_SECONDS = env.int(
    "DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365 if HTTPS else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS

# --- Static files ------------------------------------------------------------------------

# WhiteNoise serves the collected files (collectstatic into STATIC_ROOT) from the
# application itself, compressed, with far-future caching of the hashed names; no
# separate web server is needed for them.
MIDDLEWARE = [*MIDDLEWARE]  # a copy: base's list stays as it is
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "inventory_site.static_storage.StaticFilesStorage"},
}

# --- Logging -----------------------------------------------------------------------------

# Everything to standard output, where the process manager (systemd, a container
# runtime) collects it: failed requests with their traceback (django.request), logins
# (inventory_site.logins) and whatever else the apps log at INFO or above.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
        },
    },
    "root": {"handlers": ["stdout"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"handlers": ["mail_admins"], "level": "WARNING", "propagate": True},
    },
}
