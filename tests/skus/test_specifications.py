"""A SKU's specifications have the bounds of an article's own (``specification_errors``):
every article of the SKU inherits them. The model refuses more, and the admin shows why."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.models import MAX_SPECIFICATION_KEY, MAX_SPECIFICATION_VALUE, MAX_SPECIFICATIONS
from skus.models import SKU

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("specifications", "match"),
    [
        ({f"k{n}": "v" for n in range(MAX_SPECIFICATIONS + 1)}, "A SKU can have at most 50"),
        ({"k" * (MAX_SPECIFICATION_KEY + 1): "v"}, "the most is 64"),
        ({"size": "M" * (MAX_SPECIFICATION_VALUE + 1)}, "the most is 500"),
        ({"size": "M\x00"}, "NUL character"),
        (["size", "M"], "key/value pairs"),
    ],
)
def test_a_sku_refuses_specifications_beyond_the_bounds(specifications, match):
    sku = SKU(code="CITY", name="City bike", specifications=specifications)

    with pytest.raises(ValidationError) as refusal:
        sku.full_clean()

    assert list(refusal.value.message_dict) == ["specifications"]
    assert match in " ".join(refusal.value.message_dict["specifications"])


def test_a_sku_within_the_bounds_is_valid():
    SKU(
        code="CITY",
        name="City bike",
        specifications={f"k{n}": "v" * MAX_SPECIFICATION_VALUE for n in range(MAX_SPECIFICATIONS)},
    ).full_clean()


def test_the_sku_admin_form_shows_the_refusal_and_saves_nothing(admin_client):
    too_many = {f"k{n}": "v" for n in range(MAX_SPECIFICATIONS + 1)}

    response = admin_client.post(
        reverse("admin:skus_sku_add"),
        {"code": "CITY", "name": "City bike", "specifications": json.dumps(too_many)},
    )

    assert response.status_code == 200
    assert "specifications" in response.context["adminform"].form.errors
    assert "at most 50 specifications" in response.content.decode()
    assert not SKU.objects.exists()
