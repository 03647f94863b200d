"""The login lockout counts by the client's address: REMOTE_ADDR, or behind a declared
proxy the address the proxy appended to X-Forwarded-For, never one the client wrote."""

import json
import logging

from django.test import RequestFactory
from django.urls import reverse

from inventory_site.client_address import forwarded_client_address
from tests.inventory_site.test_production_settings import GOOD, run

LOCKOUT_ADDRESS = """
import json, django
django.setup()
from django.conf import settings
from django.test import RequestFactory
from axes.helpers import get_client_ip_address
request = RequestFactory().post(
    "/accounts/login/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
)
print(json.dumps(get_client_ip_address(request)))
"""


def lockout_address(**environment: str) -> str:
    result = run(LOCKOUT_ADDRESS, {**GOOD, **environment})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_a_proxy_the_lockout_counts_by_remote_addr():
    assert lockout_address() == "127.0.0.1"


def test_behind_a_proxy_the_lockout_counts_by_the_address_the_proxy_appended():
    assert lockout_address(DJANGO_BEHIND_PROXY="true") == "203.0.113.7"


def test_the_forwarded_address_is_the_last_entry_or_remote_addr():
    factory = RequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4 , 5.6.7.8")
    assert forwarded_client_address(spoofed) == "5.6.7.8"
    assert forwarded_client_address(factory.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
    assert forwarded_client_address(factory.get("/", HTTP_X_FORWARDED_FOR=" ,")) == "127.0.0.1"


def test_the_login_log_names_the_address_the_proxy_saw_behind_a_proxy(client, settings, caplog, db):
    settings.BEHIND_PROXY = True
    caplog.set_level(logging.INFO, logger="inventory_site.logins")

    client.post(
        reverse("login"),
        {"username": "nobody", "password": "wrong-password-1"},
        HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7",
        REMOTE_ADDR="10.0.0.2",
    )

    [record] = [r for r in caplog.records if r.name == "inventory_site.logins"]
    assert "from 198.51.100.7 at" in record.getMessage()


def test_the_login_log_ignores_forwarded_for_without_a_proxy(client, caplog, db):
    caplog.set_level(logging.INFO, logger="inventory_site.logins")

    client.post(
        reverse("login"),
        {"username": "nobody", "password": "wrong-password-1"},
        HTTP_X_FORWARDED_FOR="203.0.113.9",
        REMOTE_ADDR="10.0.0.2",
    )

    [record] = [r for r in caplog.records if r.name == "inventory_site.logins"]
    assert "from 10.0.0.2 at" in record.getMessage()
