"""The 403, 404 and 500 pages (and the 403 of a refused form) are in the product's
layout, say what happened in a manager's words and link back to the start page."""

from unittest import mock

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

START = reverse("reports:dashboard")


def assert_layout(page: str) -> None:
    assert "css/app.css" in page and 'class="topbar"' in page
    assert f'href="{START}"' in page
    assert "<script" not in page and "<style" not in page and "style=" not in page


def test_debug_is_off_in_these_tests():
    assert settings.DEBUG is False


def test_an_unknown_address_gets_the_404_page_in_the_layout(client, manager):
    client.force_login(manager)

    response = client.get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page
    assert "go back to the start page" in page
    assert_layout(page)
    assert reverse("articles:list") in page  # the header's lookup and menu


def test_the_404_page_shows_no_menu_to_someone_not_logged_in(client):
    response = client.get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page
    assert "Log out" not in page and 'aria-label="Main"' not in page


def test_a_refused_page_gets_the_403_page_in_the_layout(client, staff):
    client.force_login(staff)

    response = client.get(reverse("interchange:imports"))

    page = response.content.decode()
    assert response.status_code == 403
    assert "Not allowed" in page
    assert "ask a manager" in page
    assert_layout(page)


def test_a_form_sent_without_its_token_gets_the_403_page_in_the_layout(staff):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)

    response = client.post(reverse("logout"))

    page = response.content.decode()
    assert response.status_code == 403
    assert "The form could not be sent" in page
    assert_layout(page)


def test_an_error_in_a_view_gets_the_500_page(client, manager):
    client.force_login(manager)
    client.raise_request_exception = False
    with mock.patch(
        "catalog_link.views.CatalogListView.get", side_effect=RuntimeError("unexpected")
    ):
        response = client.get(reverse("catalog_link:list"))

    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert "unexpected" not in page
    assert_layout(page)


def test_the_500_page_renders_without_a_request():
    page = render_to_string("500.html")

    assert "Something went wrong" in page
    assert_layout(page)


def test_the_layout_renders_without_a_user():
    page = render_to_string("base.html")

    assert 'class="topbar"' in page and "Log out" not in page
