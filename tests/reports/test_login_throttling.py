"""Guessing passwords on either login page ends in a lockout with a clear page."""

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.test import override_settings
from django.urls import reverse

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("throttled"),
]
PASSWORD = "a-correct-horse-battery"
LOGIN_PAGES = ["login", "admin:login"]


@pytest.fixture
def throttled():
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3):
        yield


@pytest.fixture
def staff(db) -> User:
    return User.objects.create_user("clerk", password=PASSWORD, is_staff=True)


def attempt(client, page: str, password: str, *, address: str = "10.0.0.1", user="clerk"):
    return client.post(reverse(page), {"username": user, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_a_few_failures_are_answered_by_the_login_form(client, staff, page):
    for _ in range(2):
        response = attempt(client, page, "wrong")
        assert response.status_code == 200
        assert b"Too many failed logins" not in response.content

    assert attempt(client, page, PASSWORD).status_code == 302


@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_the_limit_locks_the_user_at_that_address_out(client, staff, page):
    for _ in range(2):
        attempt(client, page, "wrong")

    locked = attempt(client, page, "wrong")

    assert locked.status_code == 429
    assert b"Too many failed logins" in locked.content
    assert b"clerk" in locked.content
    assert b"Try again in 15 minutes" in locked.content
    assert b"<script" not in locked.content and b"style=" not in locked.content
    # Even the right password is refused while the lockout lasts.
    assert attempt(client, page, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_is_per_user_and_address(client, staff):
    User.objects.create_user("other", password=PASSWORD)
    for _ in range(3):
        attempt(client, "login", "wrong")

    assert attempt(client, "login", PASSWORD, address="10.0.0.2").status_code == 302
    client.logout()
    assert attempt(client, "login", PASSWORD, user="other").status_code == 302


def test_a_forwarded_address_does_not_escape_the_lockout(client, staff):
    for number in range(3):
        client.post(
            reverse("login"),
            {"username": "clerk", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}",
        )

    assert attempt(client, "login", PASSWORD).status_code == 429


def test_a_success_before_the_limit_starts_the_count_again(client, staff):
    for _ in range(2):
        attempt(client, "login", "wrong")
    assert attempt(client, "login", PASSWORD).status_code == 302
    client.logout()

    for _ in range(2):
        assert attempt(client, "login", "wrong").status_code == 200
    # axes ships no type information; its model is reached through the app registry.
    attempts = apps.get_model("axes", "AccessAttempt")
    assert attempts.objects.filter(username="clerk").get().failures_since_start == 2
