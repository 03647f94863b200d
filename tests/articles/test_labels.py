"""Printable labels: one article's, and a sheet of a SKU's articles, each with the
article number, the SKU's name and a QR code of the article's page made on the server."""

import re

import pytest
import segno
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Status
from articles.views import labels as label_views
from tests.factories import ArticleFactory, SKUFactory, StoreFactory
from tests.inventory_site.test_content_security_policy import inline_parts

pytestmark = pytest.mark.django_db

SHEET = reverse("labels")


@pytest.fixture
def viewer_client(client: Client, viewer) -> Client:
    client.force_login(viewer)
    return client


def qr_path(text: str) -> str:
    """The path data of ``text``'s QR code, as segno draws it on its own."""
    svg = segno.make_qr(text, error="m").svg_inline()
    match = re.search(r' d="([^"]+)"', svg)
    assert match
    return match.group(1)


def test_a_label_holds_the_number_the_sku_name_and_a_qr_code_of_the_page(viewer_client):
    sku = SKUFactory.create(code="CITY-M", name="City bike M")
    ArticleFactory.create(number="CITY-M-0007", sku=sku)

    response = viewer_client.get(reverse("articles:label", args=["city-m-0007"]))

    page = response.content.decode()
    url = "http://testserver" + reverse("articles:detail", args=["CITY-M-0007"])
    assert response.status_code == 200
    assert "CITY-M-0007" in page and "City bike M" in page
    assert '<svg viewBox="0 0 ' in page
    assert qr_path(url) in page


def test_the_qr_code_keeps_to_the_content_security_policy(viewer_client, article):
    response = viewer_client.get(reverse("articles:label", args=[article.number]))

    page = response.content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "style" not in svg
    assert inline_parts(page) == []


def test_a_label_of_an_unknown_number_is_a_404(viewer_client):
    response = viewer_client.get(reverse("articles:label", args=["NOPE-1"]))

    assert response.status_code == 404


def test_labels_need_a_login(client, article):
    for url in (reverse("articles:label", args=[article.number]), f"{SHEET}?sku=X"):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_labels_need_the_permission_to_see_articles(client, user, article):
    client.force_login(user)  # in no group

    assert client.get(reverse("articles:label", args=[article.number])).status_code == 403
    assert client.get(SHEET, {"sku": article.sku.code}).status_code == 403


# --- sheets ---------------------------------------------------------------------------


@pytest.fixture
def fleet():
    """CITY-M: 25 active articles in Centre, 2 in Airport, 1 out of use, 1 sold; and
    one article of another SKU."""
    sku = SKUFactory.create(code="CITY-M", name="City bike M")
    centre, airport = StoreFactory.create(name="Centre"), StoreFactory.create(name="Airport")
    for n in range(1, 26):
        ArticleFactory.create(number=f"CITY-M-{n:04d}", sku=sku, store=centre)
    for n in (26, 27):
        ArticleFactory.create(number=f"CITY-M-{n:04d}", sku=sku, store=airport)
    ArticleFactory.create(number="CITY-M-0028", sku=sku, store=centre, status=Status.OUT_OF_USE)
    ArticleFactory.create(number="CITY-M-0029", sku=sku, store=centre, status=Status.SOLD)
    ArticleFactory.create(number="KIDS-0001")
    return {"sku": sku, "centre": centre, "airport": airport}


def numbers_on(response) -> list[str]:
    return [label["article"].number for label in response.context["labels"]]


def test_a_sheet_holds_the_skus_active_articles_by_number(viewer_client, fleet):
    response = viewer_client.get(SHEET, {"sku": "city-m"})

    numbers = numbers_on(response)
    assert numbers == [f"CITY-M-{n:04d}" for n in range(1, 28)]
    page = response.content.decode()
    assert page.count('class="article-label"') == 27
    url = "http://testserver" + reverse("articles:detail", args=["CITY-M-0013"])
    assert qr_path(url) in page
    assert inline_parts(page) == []


def test_a_sheet_narrows_to_a_store_and_a_status(viewer_client, fleet):
    airport = viewer_client.get(SHEET, {"sku": "CITY-M", "store": fleet["airport"].pk})
    out_of_use = viewer_client.get(SHEET, {"sku": "CITY-M", "status": Status.OUT_OF_USE})
    every = viewer_client.get(SHEET, {"sku": "CITY-M", "status": "any"})

    assert numbers_on(airport) == ["CITY-M-0026", "CITY-M-0027"]
    assert numbers_on(out_of_use) == ["CITY-M-0028"]
    assert len(numbers_on(every)) == 29


def test_a_sheet_narrows_to_a_purchase_day(viewer_client, fleet):
    Article.objects.filter(number="CITY-M-0003").update(purchased_on="2025-04-01")

    response = viewer_client.get(SHEET, {"sku": "CITY-M", "purchased_on": "2025-04-01"})

    assert numbers_on(response) == ["CITY-M-0003"]


def queries_of_a_sheet(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SHEET, {"sku": "CITY-M", "status": "any"})
    assert response.status_code == 200
    return len(queries)


def test_a_sheet_takes_the_same_few_queries_for_many_articles(
    viewer_client, fleet, django_assert_max_num_queries
):
    few = queries_of_a_sheet(viewer_client)
    sku = fleet["sku"]
    for n in range(30, 60):
        ArticleFactory.create(number=f"CITY-M-{n:04d}", sku=sku, store=fleet["centre"])

    with django_assert_max_num_queries(10):
        response = viewer_client.get(SHEET, {"sku": "CITY-M", "status": "any"})

    assert len(response.context["labels"]) == 59
    assert queries_of_a_sheet(viewer_client) == few


def test_a_larger_selection_is_printed_a_sheet_at_a_time(viewer_client, fleet, monkeypatch):
    monkeypatch.setattr(label_views, "SHEET_SIZE", 10)

    first = viewer_client.get(SHEET, {"sku": "CITY-M"})
    last = viewer_client.get(SHEET, {"sku": "CITY-M", "page": "3"})

    assert len(numbers_on(first)) == 10
    assert "A sheet holds at most 10 labels: this is sheet 1 of 3" in first.content.decode()
    assert "page=2" in first.content.decode()
    assert numbers_on(last) == [f"CITY-M-{n:04d}" for n in range(21, 28)]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"sku": "NOPE"}, "There is no SKU NOPE."),
        ({"sku": ""}, "This field is required."),
        ({"sku": "CITY-M", "store": "abc"}, "Select a valid choice."),
        ({"sku": "CITY-M", "status": "zzz"}, "Select a valid choice."),
        ({"sku": "CITY-M", "purchased_on": "yesterday"}, "Enter a valid date."),
        ({"sku": "CITY-M\u200b"}, "There is no SKU"),
    ],
)
def test_bad_parameters_are_answered_on_the_form(viewer_client, fleet, params, message):
    response = viewer_client.get(SHEET, params)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "labels" not in response.context


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999"])
def test_a_bad_sheet_number_shows_a_sheet(viewer_client, fleet, page):
    response = viewer_client.get(SHEET, {"sku": "CITY-M", "page": page})

    assert response.status_code == 200
    assert numbers_on(response)


def test_a_sheet_without_a_sku_asks_for_one(viewer_client, fleet):
    response = viewer_client.get(SHEET)

    assert response.status_code == 200
    assert "Choose a SKU" in response.content.decode()
    assert "labels" not in response.context
