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
from skus.models import SKU

from .models import CatalogItem, CatalogItemKind, Slot


@dataclass
class ItemAvailability:
    item: CatalogItem
    total: int | None
    per_store: dict[Store, int] = field(default_factory=dict)


def _slot_availability(slot: Slot, counts: dict[int, int]) -> int:
    return sum(counts.get(sku.pk, 0) for sku in slot.skus.all()) // slot.units


def slots_in_words(item: CatalogItem) -> str:
    """What the item needs, for people: "1 × City bike M or City bike L + 1 × Helmet"
    (the item's slots and their SKUs prefetched)."""
    return " + ".join(
        f"{slot.units} × " + " or ".join(sku.name for sku in slot.skus.all())
        for slot in item.slots.all()
    )


def catalog_items_with_slots(items: Iterable[CatalogItem] | None = None) -> list[CatalogItem]:
    """Items (a queryset or instances) with their slots and alternatives prefetched."""
    items = list(CatalogItem.objects.all() if items is None else items)
    prefetch_related_objects(
        items,
        Prefetch(
            "slots",
            queryset=Slot.objects.order_by("position", "pk").prefetch_related(
                Prefetch("skus", queryset=SKU.objects.order_by("code"))
            ),
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
    if purposes:
        # Every store has a figure, a store without any of the articles too.
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


@dataclass
class SlotArticles:
    """The articles that could serve one slot of an item now, by store."""

    slot: Slot
    per_store: dict[Store, list[Article]]


def catalog_item_serving_articles(
    *, item: CatalogItem, at: dt.datetime | None = None
) -> list[SlotArticles]:
    """For each slot of ``item``, the available articles of its alternatives per store
    (stores by name, articles by number), in a fixed number of queries; the rule of
    "available" is the one ``catalog_availability`` counts."""
    (item,) = catalog_items_with_slots([item])
    slots = list(item.slots.all())
    slot_of_sku = {sku.pk: slot for slot in slots for sku in slot.skus.all()}
    grouped: dict[int, dict[Store, list[Article]]] = {slot.pk: {} for slot in slots}
    if slot_of_sku:
        articles = (
            Article.objects.available(allocation=item.purpose, at=at)
            .filter(sku_id__in=slot_of_sku)
            .select_related("sku", "store")
            .order_by("store__name", "number")
        )
        for article in articles:
            slot = slot_of_sku[article.sku_id]
            grouped[slot.pk].setdefault(article.store, []).append(article)
    return [SlotArticles(slot=slot, per_store=grouped[slot.pk]) for slot in slots]


@dataclass
class CatalogListing:
    """The rows of the catalog list (dicts keyed by the list's columns, plus ``item``
    and ``store_<pk>`` per store) and the stores that have a column."""

    rows: list[dict[str, object]]
    stores: list[Store]


def store_column(store: Store) -> str:
    return f"store_{store.pk}"


def catalog_listing(
    *,
    items: Iterable[CatalogItem],
    store: Store | None = None,
    unavailable_only: bool = False,
    at: dt.datetime | None = None,
) -> CatalogListing:
    """The list's rows for ``items``, with availability in total and per store (only
    ``store`` when given), in the fixed number of queries of ``catalog_availability``.

    ``unavailable_only`` keeps the items that none can be handed out of now (in
    ``store`` when given); a service is always available.
    """
    figures = catalog_availability(items=items, at=at)
    stores = [store] if store else list(Store.objects.order_by("name"))
    rows: list[dict[str, object]] = []
    for row in figures:
        item = row.item
        per_store = {kept.pk: n for kept, n in row.per_store.items()}
        if row.total is not None:
            per_store = {kept.pk: per_store.get(kept.pk, 0) for kept in stores}
        if unavailable_only:
            figure = row.total if store is None else per_store.get(store.pk)
            if figure is None or figure > 0:
                continue
        rows.append(
            {
                "item": item,
                "code": item.code,
                "name": item.name,
                "kind": item.kind,
                "purpose": item.purpose,
                "active": item.active,
                "slots": slots_in_words(item),
                "available": row.total,
                **{store_column(kept): per_store.get(kept.pk) for kept in stores},
            }
        )
    return CatalogListing(rows=rows, stores=stores)
