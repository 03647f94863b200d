"""Production settings refuse to start half-protected, and log to standard output.

Each case imports the settings in a fresh interpreter, as a server start would, with
only the environment variables given (plus the path) and no ``.env`` file, so neither
the developer's environment nor another case leaks in.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
GOOD_KEY = "a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
GOOD = {"DJANGO_SECRET_KEY": GOOD_KEY, "DJANGO_ALLOWED_HOSTS": "inventory.example.com"}

SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "SECURE_PROXY_SSL_HEADER": settings.SECURE_PROXY_SSL_HEADER,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "DEMO_ALLOWED": settings.DEMO_ALLOWED,
    "ADMINS": settings.ADMINS,
    "MIDDLEWARE": settings.MIDDLEWARE,
}))
"""


def run(code: str, environment: dict[str, str], settings: str = "production"):
    """Run ``code`` in a new interpreter under ``inventory_site.settings.<settings>``."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_ENV_FILE": "",
        "DJANGO_SETTINGS_MODULE": f"inventory_site.settings.{settings}",
        **environment,
    }
    return subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True
    )


def production_settings(**environment: str) -> dict:
    result = run(SHOW_SETTINGS, {**GOOD, **environment})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY is missing or empty"),
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY is missing or empty"),
        ({"DJANGO_SECRET_KEY": "x" * 49}, "has 49 characters; production needs at least 50"),
        (
            {"DJANGO_SECRET_KEY": "django-insecure-" + "x" * 60},
            "starts with 'django-insecure-'",
        ),
        ({"DJANGO_ALLOWED_HOSTS": None}, "DJANGO_ALLOWED_HOSTS is missing or empty"),
        ({"DJANGO_ALLOWED_HOSTS": "*"}, "DJANGO_ALLOWED_HOSTS contains '\\*'"),
        (
            {"DJANGO_ALLOWED_HOSTS": "inventory.example.com,*"},
            "DJANGO_ALLOWED_HOSTS contains '\\*'",
        ),
    ],
)
def test_production_refuses_to_start_half_protected(environment, message):
    merged = {**GOOD, **environment}
    result = run(SHOW_SETTINGS, {k: v for k, v in merged.items() if v is not None})
    assert result.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    assert re.search(message, result.stderr), result.stderr


def test_production_starts_with_a_strong_key_and_named_hosts():
    settings = production_settings()
    assert settings["DEBUG"] is False
    assert settings["ALLOWED_HOSTS"] == ["inventory.example.com"]
    assert settings["SECURE_SSL_REDIRECT"] is True
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in settings["MIDDLEWARE"]
    assert "csp.middleware.CSPMiddleware" in settings["MIDDLEWARE"]


def test_production_forbids_the_demo():
    assert production_settings()["DEMO_ALLOWED"] is False


def test_x_forwarded_proto_is_trusted_only_behind_a_declared_proxy():
    assert production_settings()["SECURE_PROXY_SSL_HEADER"] is None
    behind = production_settings(DJANGO_BEHIND_PROXY="true")
    assert behind["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_plain_http_on_loopback_turns_off_redirect_and_secure_cookies():
    settings = production_settings(DJANGO_HTTPS="false")
    assert settings["SECURE_SSL_REDIRECT"] is False
    assert settings["SESSION_COOKIE_SECURE"] is False


def test_admins_come_from_the_environment():
    settings = production_settings(DJANGO_ADMINS="Ops Team <ops@example.com>, backup@example.com")
    assert settings["ADMINS"] == [["Ops Team", "ops@example.com"], ["", "backup@example.com"]]


@pytest.mark.parametrize("settings", ["local", "test"])
def test_debug_is_off_unless_asked_for(settings):
    assert json.loads(run(SHOW_SETTINGS, {}, settings=settings).stdout)["DEBUG"] is False


def test_debug_is_on_where_asked_for_and_never_in_production():
    asked = {"DJANGO_DEBUG": "true"}
    assert json.loads(run(SHOW_SETTINGS, asked, settings="local").stdout)["DEBUG"] is True
    assert production_settings(**asked)["DEBUG"] is False


def test_production_logs_a_failed_request_with_its_traceback_and_logins_to_stdout():
    code = """
import logging, django
django.setup()
try:
    1 / 0
except ZeroDivisionError:
    logging.getLogger("django.request").error("Internal Server Error: /", exc_info=True)
logging.getLogger("inventory_site.logins").warning("Failed login for 'someone'")
"""
    result = run(code, GOOD)
    assert result.returncode == 0, result.stderr
    assert "ERROR django.request: Internal Server Error: /" in result.stdout
    assert "Traceback" in result.stdout and "ZeroDivisionError" in result.stdout
    assert "WARNING inventory_site.logins: Failed login for 'someone'" in result.stdout
