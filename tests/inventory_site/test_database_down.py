"""With the database down a page answers 503 in the product's layout, logged, not 500."""

import logging
from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.urls import reverse

pytestmark = pytest.mark.django_db


def assert_unavailable_page(response) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Content-Security-Policy" in response
    page = response.content.decode()
    assert "Temporarily unavailable" in page
    assert "css/app.css" in page and "Individualized inventory" in page  # the layout
    assert "<script" not in page and "<style" not in page and "style=" not in page


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_connection_error_in_a_view_is_a_logged_503(client, caplog, error):
    caplog.set_level(logging.ERROR, logger="inventory_site.database")
    with mock.patch(
        "django.contrib.auth.views.LoginView.get",
        side_effect=error("connection to server at 127.0.0.1 refused"),
    ):
        response = client.get(reverse("login"))

    assert_unavailable_page(response)
    [record] = [r for r in caplog.records if r.name == "inventory_site.database"]
    assert record.levelname == "ERROR"
    assert f"GET {reverse('login')}" in record.getMessage()
    assert record.exc_info is not None


def test_a_database_that_refuses_every_query_gives_the_503_page(client, user):
    client.force_login(user)
    with mock.patch.object(
        CursorWrapper, "execute", side_effect=OperationalError("server closed the connection")
    ):
        response = client.get(reverse("reports:dashboard"))

    assert_unavailable_page(response)


def test_other_errors_are_not_taken_for_the_database_being_down(client):
    with (
        mock.patch("django.contrib.auth.views.LoginView.get", side_effect=ValueError("bug")),
        pytest.raises(ValueError, match="bug"),
    ):
        client.get(reverse("login"))


class RefusingMiddleware:
    """A middleware that meets the database down before any view runs (as the
    session or lockout middleware would)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raise OperationalError("could not connect to server: Connection refused")


def test_a_connection_error_in_a_middleware_is_the_503_page_too(client, settings, caplog):
    caplog.set_level(logging.ERROR, logger="inventory_site.database")
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.RefusingMiddleware"]
    client.raise_request_exception = False

    response = client.get(reverse("login"))

    assert_unavailable_page(response)
    assert any(r.name == "inventory_site.database" for r in caplog.records)


def test_another_error_in_a_middleware_is_the_500_page(client, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.FailingMiddleware"]
    client.raise_request_exception = False

    response = client.get(reverse("login"))

    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


class FailingMiddleware(RefusingMiddleware):
    def __call__(self, request):
        raise ValueError("a defect")
