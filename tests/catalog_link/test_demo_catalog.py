"""The demo catalog: a rental per SKU, a family package, used bikes on sale, a service."""

import pytest

from catalog_link.models import CatalogItem
from demo.catalogue import LINES
from demo.storefront import demo_catalog_create
from tests.factories import SKUFactory

pytestmark = pytest.mark.django_db


def test_demo_catalog_has_every_kind_and_saves_again_unchanged():
    skus = {line.code: SKUFactory.create(code=line.code, name=line.name) for line in LINES}
    count = demo_catalog_create(skus=skus)
    assert CatalogItem.objects.count() == count == len(LINES) + 4
    kinds = set(CatalogItem.objects.values_list("kind", "purpose"))
    assert kinds == {
        ("product", "rental"),
        ("product", "sales"),
        ("combination", "rental"),
        ("service", "rental"),
    }
    assert demo_catalog_create(skus=skus) == count
    assert CatalogItem.objects.count() == count
