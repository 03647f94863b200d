"""Availability of catalog items (SPEC.md "Catalog link").

Available articles of a SKU in a store: status ``active``, allocation equal to the
item's purpose and, for ``rental``, not on order. Availability of an item is the
minimum over its slots of floor(available articles over the slot's alternatives /
units), per store and in total; a service needs no inventory and has no figure.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, prefetch_related_objects

from articles.models import Article, Store

from .models import CatalogItem, CatalogItemKind, Slot


@dataclass
class ItemAvailability:
    item: CatalogItem
    total: int | None
    per_store: dict[Store, int] = field(default_factory=dict)


def _slot_availability(slot: Slot, counts: dict[int, int]) -> int:
    return sum(counts.get(sku.pk, 0) for sku in slot.skus.all()) // slot.units


def catalog_items_with_slots(items: Iterable[CatalogItem] | None = None) -> list[CatalogItem]:
    """Items (a queryset or instances) with their slots and alternatives prefetched."""
    items = list(CatalogItem.objects.all() if items is None else items)
    prefetch_related_objects(
        items,
        Prefetch(
            "slots", queryset=Slot.objects.order_by("position", "pk").prefetch_related("skus")
        ),
    )
    return items


def catalog_availability(*, items=None, at: dt.datetime | None = None) -> list[ItemAvailability]:
    """Availability of ``items`` (default: all) per store and in total, at ``at`` (now).

    A fixed number of queries whatever the number of items: items, slots and their
    SKUs, one grouped count of available articles per purpose, and the stores.
    """
    items = catalog_items_with_slots(items)
    sku_ids = {sku.pk for item in items for slot in item.slots.all() for sku in slot.skus.all()}
    purposes = {item.purpose for item in items if item.kind != CatalogItemKind.SERVICE}
    # counts[purpose][store][sku] = available articles
    counts: dict[str, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    stores: dict[int, Store] = {}
    for purpose in purposes:
        rows = (
            Article.objects.available(allocation=purpose, at=at)
            .filter(sku_id__in=sku_ids)
            .values("store_id", "sku_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            counts[purpose][row["store_id"]][row["sku_id"]] = row["n"]
    if counts:
        stores = Store.objects.in_bulk()
    result = []
    for item in items:
        if item.kind == CatalogItemKind.SERVICE:
            result.append(ItemAvailability(item=item, total=None))
            continue
        slots = list(item.slots.all())
        by_store = counts.get(item.purpose, {})
        totals: dict[int, int] = defaultdict(int)
        for store_counts in by_store.values():
            for sku_id, n in store_counts.items():
                totals[sku_id] += n

        def availability(sku_counts, slots=slots):
            return min((_slot_availability(slot, sku_counts) for slot in slots), default=0)

        per_store = {
            store: availability(by_store.get(store.pk, {}))
            for store in sorted(stores.values(), key=lambda s: s.name)
        }
        result.append(ItemAvailability(item=item, total=availability(totals), per_store=per_store))
    return result
