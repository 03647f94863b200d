"""The catalog list's figures (``catalog_listing``), which count the articles once per
(SKU, store) and read the slots as plain values: against hand-worked values and
against ``catalog_availability`` for the same items."""

import datetime as dt

import pytest
from django.utils import timezone

from articles.models import Allocation, EventKind, Status
from catalog_link.models import CatalogItem, CatalogItemKind
from catalog_link.selectors import catalog_availability, catalog_listing, store_column
from catalog_link.services import catalog_item_save
from tests.factories import ArticleFactory, EventFactory, SKUFactory, StoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fleet():
    """Two stores; bikes A and B (alternatives), helmets H.

    Innsbruck: A ×4 active rental (one on a rental, one on a subscription, one whose
    rental has ended), A ×1 active sales, H ×3 (one out of use, one lost).
    Seefeld:   A ×1 rental, B ×2 rental, B ×1 sales on an open rental, H ×1.
    """
    innsbruck, seefeld = StoreFactory.create(name="Innsbruck"), StoreFactory.create(name="Seefeld")
    a = SKUFactory.create(code="A", name="City bike")
    b = SKUFactory.create(code="B", name="Trekking bike")
    h = SKUFactory.create(code="H", name="Helmet")
    yesterday = timezone.now() - dt.timedelta(days=1)
    rented, subscribed, returned, _ = ArticleFactory.create_batch(4, sku=a, store=innsbruck)
    EventFactory.create(article=rented, kind=EventKind.RENTAL, occurred_at=yesterday)
    EventFactory.create(article=subscribed, kind=EventKind.SUBSCRIPTION, occurred_at=yesterday)
    EventFactory.create(
        article=returned,
        kind=EventKind.RENTAL,
        occurred_at=yesterday - dt.timedelta(days=1),
        ended_at=yesterday,
    )
    ArticleFactory.create(sku=a, store=innsbruck, allocation=Allocation.SALES)
    ArticleFactory.create(sku=h, store=innsbruck)
    ArticleFactory.create(sku=h, store=innsbruck, status=Status.OUT_OF_USE)
    ArticleFactory.create(sku=h, store=innsbruck, status=Status.LOST)
    ArticleFactory.create(sku=a, store=seefeld)
    ArticleFactory.create_batch(2, sku=b, store=seefeld)
    # An order does not hold back an article for sale: only rental counts what is out.
    for_sale = ArticleFactory.create(sku=b, store=seefeld, allocation=Allocation.SALES)
    EventFactory.create(article=for_sale, kind=EventKind.RENTAL, occurred_at=yesterday)
    ArticleFactory.create(sku=h, store=seefeld)
    for code, name, kind, purpose, slots in [
        ("BIKE", "Any bike", CatalogItemKind.PRODUCT, Allocation.RENTAL, [(1, [a, b])]),
        (
            "PAIR",
            "Two bikes and a helmet",
            CatalogItemKind.COMBINATION,
            Allocation.RENTAL,
            [(2, [a, b]), (1, [h])],
        ),
        ("SALE", "Bike for sale", CatalogItemKind.PRODUCT, Allocation.SALES, [(1, [a, b])]),
        ("FIT", "Bike fitting", CatalogItemKind.SERVICE, Allocation.RENTAL, []),
    ]:
        catalog_item_save(code=code, name=name, kind=kind, purpose=purpose, slots=slots)
    return {"innsbruck": innsbruck, "seefeld": seefeld, "h": h}


def figures(listing):
    """code -> (total, {store name: figure})"""
    return {
        row["code"]: (
            row["available"],
            {store.name: row[store_column(store)] for store in listing.stores},
        )
        for row in listing.rows
    }


def test_list_counts_pooled_alternatives_units_and_only_available_articles(fleet):
    listing = catalog_listing(items=CatalogItem.objects.order_by("code"))
    assert figures(listing) == {
        # Innsbruck: 4 A - 2 on order (rental, subscription) = 2; the ended rental counts.
        # Seefeld: 1 A + 2 B = 3.
        "BIKE": (5, {"Innsbruck": 2, "Seefeld": 3}),
        # Helmets: Innsbruck 1 (one out of use, one lost), Seefeld 1.
        # Innsbruck: min(2 // 2, 1) = 1. Seefeld: min(3 // 2, 1) = 1. All: min(5 // 2, 2) = 2.
        "PAIR": (2, {"Innsbruck": 1, "Seefeld": 1}),
        # Sales articles, the one on an open rental too.
        "SALE": (2, {"Innsbruck": 1, "Seefeld": 1}),
        "FIT": (None, {"Innsbruck": None, "Seefeld": None}),
    }


def test_list_says_what_each_item_needs_by_position_and_sku_code(fleet):
    rows = {
        row["code"]: row["slots"] for row in catalog_listing(items=CatalogItem.objects.all()).rows
    }
    assert rows["PAIR"] == "2 × City bike or Trekking bike + 1 × Helmet"
    assert rows["FIT"] == ""


def test_list_figures_equal_those_of_catalog_availability(fleet):
    listing = catalog_listing(items=CatalogItem.objects.order_by("code"))
    expected = {
        row.item.code: (row.total, {store.name: n for store, n in row.per_store.items()})
        for row in catalog_availability(items=CatalogItem.objects.order_by("code"))
    }
    for code, (total, per_store) in figures(listing).items():
        assert expected[code][0] == total
        if total is not None:
            assert expected[code][1] == per_store


def test_not_available_in_a_store_keeps_items_none_can_serve_there(fleet):
    catalog_item_save(
        code="HELMETS",
        name="Two helmets",
        kind=CatalogItemKind.PRODUCT,
        purpose=Allocation.RENTAL,
        slots=[(2, [fleet["h"]])],
    )
    items = CatalogItem.objects.order_by("code")
    # One helmet in each store: no pair in either, one pair over both.
    anywhere = catalog_listing(items=items, unavailable_only=True)
    assert anywhere.rows == []
    in_seefeld = catalog_listing(items=items, store=fleet["seefeld"], unavailable_only=True)
    assert [store.name for store in in_seefeld.stores] == ["Seefeld"]
    assert [(row["code"], row["available"]) for row in in_seefeld.rows] == [("HELMETS", 1)]
