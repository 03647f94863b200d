"""The demo business's catalog: what its storefront offers, made from its lines of
articles through ``catalog_item_save``.

One rental per SKU, a family package (a combination), used bikes on sale (served by
the articles allocated to sales) and a service that needs no inventory.
"""

from articles.models import Allocation
from catalog_link.models import CatalogItem, CatalogItemKind
from catalog_link.services import catalog_item_save
from skus.models import SKU

from .catalogue import LINES

# (code, name, kind, purpose, slots as (units, SKU codes)).
PACKAGES = [
    (
        "FAMILY-BIKE-DAY",
        "Family bike day: two city bikes and an e-trekking bike",
        CatalogItemKind.COMBINATION,
        Allocation.RENTAL,
        [(2, ["CITY-M", "CITY-L"]), (1, ["ETREK-M"])],
    ),
    (
        "USED-CITY",
        "Used city bike, from the rental fleet",
        CatalogItemKind.PRODUCT,
        Allocation.SALES,
        [(1, ["CITY-M", "CITY-L"])],
    ),
    (
        "USED-EMTB",
        "Used e-mountain bike, from the rental fleet",
        CatalogItemKind.PRODUCT,
        Allocation.SALES,
        [(1, ["EMTB-M", "EMTB-L"])],
    ),
    (
        "BIKE-FITTING",
        "Bike fitting with a mechanic",
        CatalogItemKind.SERVICE,
        Allocation.RENTAL,
        [],
    ),
]


def demo_catalog_create(*, skus: dict[str, SKU]) -> int:
    """Save the demo catalog over the SKUs by code; an item already there is saved
    again with these fields and slots. Returns how many items the catalog has."""
    entries = [
        (
            f"RENT-{line.code}",
            f"{line.name}, rental",
            CatalogItemKind.PRODUCT,
            Allocation.RENTAL,
            [(1, [line.code])],
        )
        for line in LINES
    ] + PACKAGES
    for code, name, kind, purpose, slots in entries:
        catalog_item_save(
            item=CatalogItem.objects.filter(code__iexact=code).first(),
            code=code,
            name=name,
            kind=kind,
            purpose=purpose,
            slots=[(units, [skus[sku] for sku in codes]) for units, codes in slots],
        )
    return len(entries)
