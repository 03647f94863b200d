"""Adding and changing SKUs through ``skus.services``: validated, codes unique whatever
their case with a refusal that names the SKU, only what changed written, every change
noted in the admin's history; the admin saves through the same services."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from skus.models import SKU
from skus.services import sku_create, sku_update
from tests.factories import SKUFactory

pytestmark = pytest.mark.django_db


def test_sku_create_adds_a_sku_with_its_parameters_and_notes_who(manager):
    sku = sku_create(
        code=" TENT-4P ",
        name="Tent, 4 persons",
        specifications={"persons": "4"},
        depreciation_rate=Decimal("0.25"),
        expected_lifetime_days=1460,
        acting_user=manager,
    )

    sku.refresh_from_db()
    assert (sku.code, sku.specifications, sku.depreciation_rate) == (
        "TENT-4P",
        {"persons": "4"},
        Decimal("0.2500"),
    )
    assert sku.expected_lifetime_days == 1460
    entry = LogEntry.objects.get()
    assert (entry.user, entry.action_flag, entry.object_id) == (manager, ADDITION, str(sku.pk))


def test_sku_create_refuses_a_code_taken_in_another_case_and_names_it(assert_refused):
    SKUFactory.create(code="CITY-M")

    refusal = assert_refused(
        sku_create, "A SKU with the code CITY-M already exists", code="city-m", name="Twin"
    )

    assert list(refusal.message_dict) == ["code"]


def test_sku_create_refuses_a_depreciation_rate_above_one(assert_refused):
    assert_refused(
        sku_create,
        "less than or equal to 1",
        code="X",
        name="X",
        depreciation_rate=Decimal("1.5"),
    )


def test_sku_update_writes_only_the_fields_that_changed(manager):
    sku = SKUFactory.create(code="SKI-170", name="Ski 170", description="Carving")

    updated = sku_update(
        sku=sku,
        data={"name": "Ski 170 cm", "description": "Carving", "selloff_window_days": "180"},
        acting_user=manager,
    )

    sku.refresh_from_db()
    assert (sku.name, sku.description, sku.selloff_window_days) == ("Ski 170 cm", "Carving", 180)
    assert updated.selloff_window_days == 180
    entry = LogEntry.objects.get()
    assert entry.action_flag == CHANGE
    assert entry.change_message == "Changed name, sell-off window (days)."


def test_sku_update_with_nothing_changed_writes_nothing(manager):
    sku = SKUFactory.create(code="SKI-170", name="Ski 170")
    before = SKU.objects.get().updated_at

    sku_update(sku=sku, data={"code": "SKI-170", "name": "Ski 170"}, acting_user=manager)

    assert SKU.objects.get().updated_at == before
    assert not LogEntry.objects.exists()


def test_sku_update_refuses_the_code_of_another_sku(assert_refused):
    SKUFactory.create(code="CITY-M")
    other = SKUFactory.create(code="CITY-L")

    assert_refused(
        sku_update, "A SKU with the code CITY-M already exists", sku=other, data={"code": "City-M"}
    )


def test_sku_update_may_change_the_case_of_its_own_code():
    sku = SKUFactory.create(code="city-m")

    sku_update(sku=sku, data={"code": "CITY-M"})

    assert SKU.objects.get().code == "CITY-M"


def test_sku_update_refuses_fields_kept_by_the_system(assert_refused):
    sku = SKUFactory.create()

    assert_refused(
        sku_update,
        "next_article_sequence cannot be changed here",
        sku=sku,
        data={"next_article_sequence": 9},
    )


def test_sku_update_refuses_specifications_beyond_the_bounds():
    sku = SKUFactory.create()

    with pytest.raises(ValidationError) as refusal:
        sku_update(sku=sku, data={"specifications": {f"k{n}": "v" for n in range(51)}})

    assert "at most 50 specifications" in " ".join(refusal.value.messages)


def test_the_admin_adds_a_sku_through_the_service(admin_client, admin_user):
    response = admin_client.post(
        reverse("admin:skus_sku_add"),
        {"code": "HELMET-M", "name": "Helmet M", "specifications": '{"size": "M"}'},
    )

    assert response.status_code == 302
    sku = SKU.objects.get()
    assert sku.specifications == {"size": "M"}
    # One note of the addition: the service's, not a second one of the admin.
    assert list(LogEntry.objects.values_list("action_flag", "change_message")) == [
        (ADDITION, "Added.")
    ]


def test_the_admin_changes_a_sku_through_the_service(admin_client):
    sku = SKUFactory.create(code="HELMET-M", name="Helmet M")

    response = admin_client.post(
        reverse("admin:skus_sku_change", args=[sku.pk]),
        {"code": "HELMET-M", "name": "Helmet, size M", "specifications": "{}"},
    )

    assert response.status_code == 302
    assert SKU.objects.get().name == "Helmet, size M"
    assert list(LogEntry.objects.values_list("action_flag", "change_message")) == [
        (CHANGE, "Changed name.")
    ]
