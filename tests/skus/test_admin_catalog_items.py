"""The SKU's admin page lists the catalog items that use the SKU, linked to their
catalog pages, in a fixed number of queries however many there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Allocation
from catalog_link.models import CatalogItemKind
from catalog_link.services import catalog_item_save
from tests.factories import SKUFactory

pytestmark = pytest.mark.django_db


def change_page(admin_client, sku) -> str:
    return admin_client.get(reverse("admin:skus_sku_change", args=[sku.pk])).content.decode()


def test_sku_page_links_every_item_that_uses_it_once(admin_client):
    bike, helmet = SKUFactory.create(code="BIKE"), SKUFactory.create(code="HELMET")
    other = SKUFactory.create(code="OTHER")
    rental = Allocation.RENTAL
    catalog_item_save(
        code="FAMILY",
        name="Family",
        kind=CatalogItemKind.COMBINATION,
        purpose=rental,
        slots=[(2, [bike]), (1, [helmet])],
    )
    catalog_item_save(
        code="BIKE-DAY",
        name="Bike, one day",
        kind=CatalogItemKind.PRODUCT,
        purpose=rental,
        active=False,
        slots=[(1, [bike, other])],
    )
    catalog_item_save(
        code="OTHER-DAY",
        name="Other",
        kind=CatalogItemKind.PRODUCT,
        purpose=rental,
        slots=[(1, [other])],
    )
    html = change_page(admin_client, bike)
    family = reverse("catalog_link:detail", args=["FAMILY"])
    bike_day = reverse("catalog_link:detail", args=["BIKE-DAY"])
    assert html.count(f'href="{family}"') == 1
    assert f'<a href="{bike_day}">BIKE-DAY · Bike, one day</a> (inactive)' in html
    assert html.index(bike_day) < html.index(family)  # by code
    assert reverse("catalog_link:detail", args=["OTHER-DAY"]) not in html


def test_sku_page_says_when_no_item_uses_it(admin_client):
    html = change_page(admin_client, SKUFactory.create())
    assert "No catalog item uses this SKU." in html


def test_catalog_items_on_the_sku_page_take_a_fixed_number_of_queries(admin_client):
    sku = SKUFactory.create()
    for n in range(3):
        catalog_item_save(
            code=f"I{n}",
            name=f"Item {n}",
            kind=CatalogItemKind.PRODUCT,
            purpose=Allocation.RENTAL,
            slots=[(1, [sku])],
        )
    admin_client.get(reverse("admin:skus_sku_change", args=[sku.pk]))  # warm caches
    with CaptureQueriesContext(connection) as few:
        admin_client.get(reverse("admin:skus_sku_change", args=[sku.pk]))
    for n in range(3, 25):
        catalog_item_save(
            code=f"I{n}",
            name=f"Item {n}",
            kind=CatalogItemKind.PRODUCT,
            purpose=Allocation.RENTAL,
            slots=[(1, [sku])],
        )
    with CaptureQueriesContext(connection) as many:
        html = change_page(admin_client, sku)
    assert len(many) == len(few)
    assert html.count("catalog/I") == 25
