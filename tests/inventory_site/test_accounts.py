"""Logins: logged whether they succeed or fail, passwords of 12 characters or more, and
password reset offered only where the installation can send mail."""

import importlib
import logging
from collections.abc import Iterator

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse

import inventory_site.urls
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_successful_login_is_logged_with_the_user_and_address(client: Client, caplog):
    UserFactory.create(username="anna", password="a long enough password")
    with caplog.at_level(logging.INFO, logger="inventory_site.logins"):
        client.post(reverse("login"), {"username": "anna", "password": "a long enough password"})
    assert "Login of 'anna' from 127.0.0.1 at /accounts/login/" in caplog.messages


def test_a_failed_login_is_logged_without_the_password(client: Client, caplog):
    with caplog.at_level(logging.INFO, logger="inventory_site.logins"):
        client.post(reverse("login"), {"username": "mallory", "password": "guess-number-1"})
    assert "Failed login for 'mallory' from 127.0.0.1 at /accounts/login/" in caplog.messages
    assert "guess-number-1" not in caplog.text


def test_a_password_needs_twelve_characters():
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Tr0ub4dor&3")
    validate_password("correct horse battery")


@pytest.fixture
def urls_with_mail() -> Iterator[None]:
    """The URLs as an installation with EMAIL_HOST builds them, for one test."""
    with override_settings(EMAIL_HOST="smtp.example.com", PASSWORD_RESET_ENABLED=True):
        importlib.reload(inventory_site.urls)
        clear_url_caches()
        yield
    importlib.reload(inventory_site.urls)
    clear_url_caches()


def test_without_mail_neither_login_page_offers_password_reset(client: Client):
    assert "Forgotten your password" not in client.get(reverse("login")).content.decode()
    assert "Forgotten your login" not in client.get(reverse("admin:login")).content.decode()
    with pytest.raises(NoReverseMatch):
        reverse("password_reset")
    assert client.get("/accounts/password_reset/").status_code == 404


@pytest.mark.usefixtures("urls_with_mail")
def test_with_mail_both_login_pages_offer_password_reset(client: Client):
    reset = reverse("password_reset")
    assert f'href="{reset}"' in client.get(reverse("login")).content.decode()
    admin_login = client.get(reverse("admin:login")).content.decode()
    assert "Forgotten your login credentials?" in admin_login
    assert client.get(reset).status_code == 200
