"""The catalog items' admin saves an item and its slots through ``catalog_item_save``:
what the service refuses comes back as a plain message on the form, and nothing is
saved."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.models import Allocation
from catalog_link import services
from catalog_link.models import CatalogItem, CatalogItemKind
from catalog_link.services import catalog_item_save
from tests.factories import ArticleFactory, SKUFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:catalog_link_catalogitem_add")


def item_data(*slots, kind=CatalogItemKind.PRODUCT, code="BIKE-DAY", initial=0, **fields) -> dict:
    """The POST of the item's page; each slot is (position, units, [SKUs]) or, for a
    slot already saved, (position, units, [SKUs], slot)."""
    data = {
        "code": code,
        "name": "City bike, one day",
        "kind": kind,
        "purpose": Allocation.RENTAL,
        "active": "on",
        "slots-TOTAL_FORMS": len(slots),
        "slots-INITIAL_FORMS": initial,
        "slots-MIN_NUM_FORMS": 0,
        "slots-MAX_NUM_FORMS": 1000,
        **fields,
    }
    for index, (position, units, skus, *saved) in enumerate(slots):
        data[f"slots-{index}-position"] = position
        data[f"slots-{index}-units"] = units
        data[f"slots-{index}-skus"] = [sku.pk for sku in skus]
        data[f"slots-{index}-id"] = saved[0].pk if saved else ""
    return data


def slots_of(item: CatalogItem) -> list[tuple[int, int, list[str]]]:
    return [
        (slot.position, slot.units, [sku.code for sku in slot.skus.order_by("code")])
        for slot in item.slots.order_by("position")
    ]


def form_errors(response) -> list[str]:
    return list(response.context["adminform"].form.non_field_errors())


@pytest.fixture
def saves(monkeypatch):
    """The calls of ``catalog_item_save``, which still does its work."""
    calls = []

    def spy(**kwargs):
        calls.append(kwargs)
        return catalog_item_save(**kwargs)

    monkeypatch.setattr(services, "catalog_item_save", spy)
    return calls


@pytest.fixture
def bike():
    city, trekking = SKUFactory.create(code="CITY-M"), SKUFactory.create(code="TREK-M")
    return catalog_item_save(
        code="BIKE-DAY",
        name="City bike, one day",
        kind=CatalogItemKind.PRODUCT,
        purpose=Allocation.RENTAL,
        slots=[(1, [city, trekking])],
    )


def test_catalog_changelist_renders_with_bounded_queries(
    admin_client, django_assert_max_num_queries
):
    skus = [SKUFactory.create(code=f"SKI-{length}") for length in range(150, 172, 2)]
    for sku in skus:
        ArticleFactory.create(sku=sku)
    for index, sku in enumerate(skus * 2):
        catalog_item_save(
            code=f"ITEM-{index}",
            name="Ski",
            kind=CatalogItemKind.PRODUCT,
            purpose=Allocation.RENTAL,
            slots=[(1, [sku])],
        )
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:catalog_link_catalogitem_changelist"))
    assert response.status_code == 200
    assert [item.availability.total for item in response.context["cl"].result_list][:2] == [1, 1]


def test_add_saves_the_item_and_its_slots_through_the_service(admin_client, saves):
    helmet, city, trekking = (SKUFactory.create(code=code) for code in ["HELMET", "CITY", "TREK"])
    data = item_data(
        (20, 1, [helmet]),
        (10, 1, [city, trekking]),
        kind=CatalogItemKind.COMBINATION,
        code="BIKE-HELMET",
    )
    response = admin_client.post(ADD, data)
    assert response.status_code == 302
    assert len(saves) == 1
    item = CatalogItem.objects.get()
    assert (item.code, item.kind) == ("BIKE-HELMET", CatalogItemKind.COMBINATION)
    # In the order of their positions, numbered again by the service.
    assert slots_of(item) == [(1, 1, ["CITY", "TREK"]), (2, 1, ["HELMET"])]
    assert LogEntry.objects.get().object_id == str(item.pk)


def test_add_refuses_a_product_without_slots_with_the_services_message(admin_client, saves):
    response = admin_client.post(ADD, item_data())
    assert response.status_code == 200
    assert form_errors(response) == ["A product needs at least 1 slot; it has 0."]
    assert len(saves) == 1
    assert not CatalogItem.objects.exists()


def test_add_refuses_a_service_with_slots(admin_client):
    response = admin_client.post(ADD, item_data((1, 1, [SKUFactory.create()]), kind="service"))
    assert form_errors(response) == ["A service needs no inventory; remove its slots."]
    assert not CatalogItem.objects.exists()


def test_change_refuses_a_sku_in_two_slots_and_keeps_the_saved_slots(admin_client, bike):
    city = bike.slots.get().skus.get(code="CITY-M")
    url = reverse("admin:catalog_link_catalogitem_change", args=[bike.pk])
    data = item_data(
        (1, 1, [city], bike.slots.get()),
        (2, 1, [city]),
        kind=CatalogItemKind.COMBINATION,
        initial=1,
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert form_errors(response) == [
        "CITY-M is in slot 1 and slot 2; a SKU appears in at most one slot of an item."
    ]
    bike.refresh_from_db()
    assert bike.kind == CatalogItemKind.PRODUCT
    assert slots_of(bike) == [(1, 1, ["CITY-M", "TREK-M"])]


def test_a_refusal_only_the_service_makes_comes_back_on_the_form(admin_client, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError("The storefront is being re-indexed; try again in a minute.")

    monkeypatch.setattr(services, "catalog_item_save", refuse)
    response = admin_client.post(ADD, item_data((1, 1, [SKUFactory.create()])))
    assert response.status_code == 200
    assert form_errors(response) == ["The storefront is being re-indexed; try again in a minute."]
    assert not CatalogItem.objects.exists()


def test_change_replaces_the_slots_and_logs_them(admin_client, bike):
    url = reverse("admin:catalog_link_catalogitem_change", args=[bike.pk])
    (slot,) = bike.slots.all()
    data = item_data((1, 2, list(slot.skus.all()), slot), initial=1, name="City bike, one day")
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert slots_of(bike) == [(1, 2, ["CITY-M", "TREK-M"])]
    assert LogEntry.objects.get().get_change_message() == "Changed slots."
