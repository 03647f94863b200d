"""``catalog_item_save``: the rules of an item's slots, checked by the service that saves it."""

import pytest
from django.core.exceptions import ValidationError

from articles.models import Allocation
from catalog_link.models import CatalogItem, CatalogItemKind
from catalog_link.services import catalog_item_save
from tests.factories import SKUFactory

pytestmark = pytest.mark.django_db


def save(kind, slots, code="ITEM"):
    return catalog_item_save(
        code=code, name="Item", kind=kind, purpose=Allocation.RENTAL, slots=slots
    )


def test_product_needs_a_slot():
    with pytest.raises(ValidationError, match="A product needs at least 1 slot; it has 0."):
        save(CatalogItemKind.PRODUCT, [])
    assert not CatalogItem.objects.exists()


def test_combination_needs_two_slots():
    with pytest.raises(ValidationError, match="A combination .* needs at least 2 slots; it has 1"):
        save(CatalogItemKind.COMBINATION, [(1, [SKUFactory.create()])])


def test_service_takes_no_slots():
    with pytest.raises(ValidationError, match="needs no inventory"):
        save(CatalogItemKind.SERVICE, [(1, [SKUFactory.create()])])


def test_sku_in_two_slots_of_one_item_is_refused():
    bike = SKUFactory.create(code="CITY")
    with pytest.raises(ValidationError, match="CITY is in slot 1 and slot 2"):
        save(CatalogItemKind.COMBINATION, [(1, [bike]), (2, [SKUFactory.create(), bike])])
    assert not CatalogItem.objects.exists()


def test_slot_without_sku_is_refused():
    with pytest.raises(ValidationError, match="Slot 1 names no SKU."):
        save(CatalogItemKind.PRODUCT, [(1, [])])


def test_code_is_unique_case_insensitively():
    save(CatalogItemKind.PRODUCT, [(1, [SKUFactory.create()])], code="bike-day")
    with pytest.raises(ValidationError, match="A catalog item with this code already exists."):
        save(CatalogItemKind.PRODUCT, [(1, [SKUFactory.create()])], code="BIKE-DAY")


def test_saving_again_replaces_the_slots():
    first, second = SKUFactory.create(), SKUFactory.create()
    item = save(CatalogItemKind.PRODUCT, [(1, [first])])
    catalog_item_save(
        item=item,
        code=item.code,
        name="Renamed",
        kind=CatalogItemKind.PRODUCT,
        purpose=Allocation.RENTAL,
        slots=[(3, [second])],
    )
    (slot,) = item.slots.all()
    assert (slot.units, list(slot.skus.all())) == (3, [second])
