"""How many of each catalog item can be handed out now, per store and over all stores
(SPEC.md "Catalog link"): on-order, out-of-use and other-purpose articles do not count."""

import datetime as dt

import pytest
from django.utils import timezone

from articles.models import Allocation, EventKind, Status
from catalog_link.models import CatalogItemKind
from catalog_link.selectors import catalog_availability, catalog_item_serving_articles
from catalog_link.services import catalog_item_save
from tests.factories import ArticleFactory, EventFactory, SKUFactory, StoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fleet():
    """Two stores; SKU A (bikes), its alternative B, and H (helmets).

    Innsbruck: A ×4 active (one on order), H ×2.
    Seefeld:   A ×1 active, A ×1 out of use, A ×1 allocated to sales, B ×1, H ×1.
    """
    innsbruck, seefeld = StoreFactory.create(name="Innsbruck"), StoreFactory.create(name="Seefeld")
    a, b, h = SKUFactory.create(code="A"), SKUFactory.create(code="B"), SKUFactory.create(code="H")
    on_order = ArticleFactory.create(sku=a, store=innsbruck)
    EventFactory.create(
        article=on_order, kind=EventKind.RENTAL, occurred_at=timezone.now() - dt.timedelta(days=1)
    )
    ArticleFactory.create_batch(3, sku=a, store=innsbruck)
    ArticleFactory.create_batch(2, sku=h, store=innsbruck)
    ArticleFactory.create(sku=a, store=seefeld)
    ArticleFactory.create(sku=a, store=seefeld, status=Status.OUT_OF_USE)
    ArticleFactory.create(sku=a, store=seefeld, allocation=Allocation.SALES)
    ArticleFactory.create(sku=b, store=seefeld)
    ArticleFactory.create(sku=h, store=seefeld)
    return {"innsbruck": innsbruck, "seefeld": seefeld, "a": a, "b": b, "h": h}


def by_store(row):
    return {store.name: n for store, n in row.per_store.items()}


def test_product_counts_alternatives_and_skips_on_order_and_out_of_use(fleet):
    bike = catalog_item_save(
        code="BIKE-DAY",
        name="City bike, one day",
        kind=CatalogItemKind.PRODUCT,
        purpose=Allocation.RENTAL,
        slots=[(1, [fleet["a"], fleet["b"]])],
    )
    (row,) = catalog_availability(items=[bike])
    # Innsbruck: 4 A - 1 on order = 3. Seefeld: 1 A (active, rental) + 1 B = 2.
    assert by_store(row) == {"Innsbruck": 3, "Seefeld": 2}
    assert row.total == 5


def test_combination_takes_the_scarcest_slot_and_totals_over_all_stores(fleet):
    family = catalog_item_save(
        code="FAMILY",
        name="Two bikes and a helmet",
        kind=CatalogItemKind.COMBINATION,
        purpose=Allocation.RENTAL,
        slots=[(2, [fleet["a"]]), (1, [fleet["h"]])],
    )
    (row,) = catalog_availability(items=[family])
    # Innsbruck: min(3 // 2, 2 // 1) = 1. Seefeld: min(1 // 2, 1) = 0.
    # All stores: min((3 + 1) // 2, 3) = 2, more than the sum of the stores.
    assert by_store(row) == {"Innsbruck": 1, "Seefeld": 0}
    assert row.total == 2


def test_sales_item_counts_only_sales_articles(fleet):
    used = catalog_item_save(
        code="USED-A",
        name="Used city bike",
        kind=CatalogItemKind.PRODUCT,
        purpose=Allocation.SALES,
        slots=[(1, [fleet["a"]])],
    )
    (row,) = catalog_availability(items=[used])
    assert by_store(row) == {"Innsbruck": 0, "Seefeld": 1}
    assert row.total == 1


def test_service_has_no_availability_figure(fleet):
    service = catalog_item_save(
        code="FIT", name="Bike fitting", kind=CatalogItemKind.SERVICE, purpose=Allocation.RENTAL
    )
    (row,) = catalog_availability(items=[service])
    assert row.total is None
    assert row.per_store == {}


def test_ended_usage_makes_the_article_available_again(fleet):
    bike = catalog_item_save(
        code="A-ONLY",
        name="City bike",
        kind=CatalogItemKind.PRODUCT,
        purpose=Allocation.RENTAL,
        slots=[(1, [fleet["a"]])],
    )
    earlier = timezone.now() - dt.timedelta(days=3)
    (row,) = catalog_availability(items=[bike], at=earlier)
    # Three days ago the rental had not started: all 4 Innsbruck bikes were available.
    assert by_store(row)["Innsbruck"] == 4


def test_availability_query_count_does_not_grow_with_items(fleet, django_assert_max_num_queries):
    for n in range(25):
        catalog_item_save(
            code=f"ITEM{n}",
            name=f"Item {n}",
            kind=CatalogItemKind.COMBINATION,
            purpose=Allocation.RENTAL if n % 2 else Allocation.SALES,
            slots=[(1, [fleet["a"]]), (1, [fleet["h"], fleet["b"]])],
        )
    with django_assert_max_num_queries(6):
        rows = catalog_availability()
    assert len(rows) == 25


def test_units_above_one_pool_the_alternatives_and_a_store_with_none_counts_zero(fleet):
    empty = StoreFactory.create(name="Kühtai")
    pair = catalog_item_save(
        code="PAIR",
        name="Two bikes of any kind",
        kind=CatalogItemKind.PRODUCT,
        purpose=Allocation.RENTAL,
        slots=[(2, [fleet["a"], fleet["b"]])],
    )
    (row,) = catalog_availability(items=[pair])
    # Innsbruck: 3 A // 2 = 1. Seefeld: (1 A + 1 B) // 2 = 1: only pooled do they make a pair.
    # Kühtai has no article. All stores: (3 + 1 + 1) // 2 = 2.
    assert by_store(row) == {"Innsbruck": 1, "Kühtai": 0, "Seefeld": 1}
    assert row.total == 2
    assert row.per_store[empty] == 0


def test_every_store_has_a_figure_when_no_article_serves_the_item(fleet):
    nothing = SKUFactory.create(code="NONE")
    item = catalog_item_save(
        code="NOTHING",
        name="Nothing in stock",
        kind=CatalogItemKind.PRODUCT,
        purpose=Allocation.RENTAL,
        slots=[(1, [nothing])],
    )
    (row,) = catalog_availability(items=[item])
    assert by_store(row) == {"Innsbruck": 0, "Seefeld": 0}
    assert row.total == 0


def test_an_inactive_item_still_shows_what_the_fleet_could_serve(fleet):
    """Inactive means not offered in the storefront; the inventory it needs is there."""
    retired = catalog_item_save(
        code="OLD",
        name="Helmet, retired offer",
        kind=CatalogItemKind.PRODUCT,
        purpose=Allocation.RENTAL,
        active=False,
        slots=[(1, [fleet["h"]])],
    )
    (row,) = catalog_availability(items=[retired])
    assert by_store(row) == {"Innsbruck": 2, "Seefeld": 1}
    assert row.total == 3


def test_serving_articles_lists_only_available_articles_per_slot_and_store(fleet):
    family = catalog_item_save(
        code="FAMILY",
        name="Bike and helmet",
        kind=CatalogItemKind.COMBINATION,
        purpose=Allocation.RENTAL,
        slots=[(1, [fleet["a"], fleet["b"]]), (1, [fleet["h"]])],
    )
    bikes, helmets = catalog_item_serving_articles(item=family)
    counts = {store.name: len(articles) for store, articles in bikes.per_store.items()}
    # On order, out of use and sales-allocated articles cannot serve it.
    assert counts == {"Innsbruck": 3, "Seefeld": 2}
    assert {store.name: len(articles) for store, articles in helmets.per_store.items()} == {
        "Innsbruck": 2,
        "Seefeld": 1,
    }
