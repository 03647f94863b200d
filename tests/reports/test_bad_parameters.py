"""Report pages given a page or a date they cannot show answer with the page and a
message, never a server error."""

import datetime as dt

import pytest
from django.urls import reverse

from articles import services
from tests.factories import SKUFactory, StoreFactory

pytestmark = pytest.mark.django_db

REPORTS = ["reports:articles", "reports:skus", "reports:selloff"]


@pytest.fixture
def viewer(client, manager):
    """A Manager (reports show money), logged in; server errors come back as pages."""
    client.force_login(manager)
    client.raise_request_exception = False
    return manager


@pytest.fixture
def fleet(db):
    sku, store = SKUFactory.create(code="CITY"), StoreFactory.create(name="Main")
    for _ in range(3):
        services.article_create(sku=sku, store=store, purchased_on=dt.date(2025, 1, 1))


@pytest.mark.parametrize("name", REPORTS)
@pytest.mark.parametrize("page", ["2", "abc", "999", "-1", "0"])
def test_a_page_that_does_not_exist_shows_the_nearest_one(client, viewer, fleet, name, page):
    response = client.get(reverse(name), {"page": page})

    assert response.status_code == 200
    assert b"CITY" in response.content


@pytest.mark.parametrize("name", REPORTS)
@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01", "1899-12-31"])
def test_an_as_of_date_out_of_range_is_a_message(client, viewer, fleet, name, as_of):
    response = client.get(reverse(name), {"as_of": as_of})

    assert response.status_code == 200
    assert "Give a date from 1900-01-01 to 9000-12-31." in response.content.decode()


@pytest.mark.parametrize("name", REPORTS)
def test_an_as_of_date_out_of_range_downloads_nothing(client, viewer, fleet, name):
    response = client.get(reverse(name), {"as_of": "9999-12-31", "download": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


def test_an_invalid_filter_downloads_an_empty_csv_of_articles(client, django_user_model):
    """A filter that cannot be read (a SKU of blanks) selects no article; the download
    is an empty table, not a server error (found by the generated parameters)."""
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "x" * 16)
    client.force_login(user)
    response = client.get("/reports/articles/", {"download": "csv", "sku": "   ", "page": ""})
    assert response.status_code == 200
