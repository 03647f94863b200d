"""SKU codes that look the same are the same, or a clear error."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from skus.models import SKU
from tests.factories import SKUFactory

pytestmark = pytest.mark.django_db

HIDDEN = "holds an invisible or control character"


def test_a_sku_is_cleaned_to_its_normalized_code():
    sku = SKU(code=" ＣＩＴＹ-M ", name="City bike M")

    sku.full_clean()

    assert sku.code == "CITY-M"


def test_a_full_width_code_is_the_same_sku_not_a_twin():
    SKUFactory.create(code="CITY-M")

    with pytest.raises(ValidationError, match="A SKU with this code already exists"):
        SKU(code="ＣＩＴＹ-M", name="Twin").full_clean()


def test_get_by_code_finds_a_look_alike_and_explains_a_hidden_character():
    sku = SKUFactory.create(code="CITY-M")

    assert SKU.objects.get_by_code("ｃｉｔｙ-m") == sku
    with pytest.raises(SKU.DoesNotExist, match=HIDDEN):
        SKU.objects.get_by_code("CITY-M\u200b")


def test_the_sku_admin_refuses_a_code_with_a_hidden_character(admin_client):
    response = admin_client.post(
        reverse("admin:skus_sku_add"), {"code": "CITY\u200b-M", "name": "City bike M"}
    )

    assert response.status_code == 200
    assert HIDDEN in response.context["adminform"].form.errors["code"][0]
    assert not SKU.objects.exists()


def test_the_sku_admin_stores_a_full_width_code_as_the_plain_one(admin_client):
    response = admin_client.post(
        reverse("admin:skus_sku_add"), {"code": "ＳＫＩ-170", "name": "Ski 170"}
    )

    assert response.status_code == 302
    assert SKU.objects.get().code == "SKI-170"
