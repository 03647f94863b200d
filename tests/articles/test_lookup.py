"""The lookup in the header: an exact article number in any case (as a barcode scanner
types it) opens the article; anything else shows the filtered list."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

LIST = reverse("articles:list")


@pytest.fixture
def bikes(db):
    return [
        ArticleFactory.create(number="BIKE-0042", serial_number="WTU-123"),
        ArticleFactory.create(number="BIKE-00421"),
        ArticleFactory.create(number="SKI-7"),
    ]


def detail(number: str) -> str:
    return reverse("articles:detail", args=[number])


@pytest.mark.parametrize(
    "typed",
    ["BIKE-0042", "bike-0042", "Bike-0042", "  BIKE-0042  ", "BIKE-0042\n", "\tbike-0042"],
)
def test_an_exact_number_in_any_case_opens_the_article(client, viewer, bikes, typed):
    client.force_login(viewer)
    response = client.get(LIST, {"q": typed})
    assert response.status_code == 302
    assert response.url == detail("BIKE-0042")


def test_a_full_width_number_opens_the_article(client, viewer, bikes):
    client.force_login(viewer)
    response = client.get(LIST, {"q": "ＢＩＫＥ－００４２"})
    assert response.status_code == 302
    assert response.url == detail("BIKE-0042")


def test_part_of_a_number_shows_the_matching_articles(client, viewer, bikes):
    client.force_login(viewer)
    response = client.get(LIST, {"q": "bike-004"})
    assert response.status_code == 200
    rows = [row.record.number for row in response.context["table"].page.object_list]
    assert rows == ["BIKE-0042", "BIKE-00421"]


def test_a_serial_number_shows_the_list_not_the_article(client, viewer, bikes):
    client.force_login(viewer)
    response = client.get(LIST, {"q": "wtu-123"})
    assert response.status_code == 200
    rows = [row.record.number for row in response.context["table"].page.object_list]
    assert rows == ["BIKE-0042"]


def test_an_unknown_number_shows_an_empty_list(client, viewer, bikes):
    client.force_login(viewer)
    response = client.get(LIST, {"q": "TENT-1"})
    assert response.status_code == 200
    assert "No articles match." in response.content.decode()


def test_a_number_with_an_invisible_character_shows_the_list(client, viewer, bikes):
    client.force_login(viewer)
    response = client.get(LIST, {"q": "BIKE-\u200b0042"})
    assert response.status_code == 200


def test_an_exact_number_with_other_filters_filters_the_list(client, viewer, bikes):
    client.force_login(viewer)
    response = client.get(LIST, {"q": "BIKE-0042", "status": "sold"})
    assert response.status_code == 200
    assert "No articles match." in response.content.decode()


def test_the_lookup_keeps_what_was_typed_in_the_header(client, viewer, bikes):
    client.force_login(viewer)
    html = client.get(LIST, {"q": "bike-004"}).content.decode()
    assert 'id="lookup-q"' in html
    assert 'value="bike-004"' in html


def test_the_lookup_needs_login(client, bikes):
    response = client.get(LIST, {"q": "BIKE-0042"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
