"""Availability of catalog items (SPEC.md "Catalog link").

Available articles of a SKU in a store: status ``active``, allocation equal to the
item's purpose and, for ``rental``, not on order. Availability of an item is the
minimum over its slots of floor(available articles over the slot's alternatives /
units), per store and in total; a service needs no inventory and has no figure.

The articles are counted once per request, grouped by (SKU, store), in one statement
per purpose (served by ``article_available_idx`` and the open usages' partial index,
docs/performance.md); each item's figures are then sums and minimums over those
counts, whatever the number of items.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
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


@dataclass(frozen=True)
class SlotNeed:
    """A slot as the arithmetic sees it: ``units`` of any of ``sku_ids``."""

    units: int
    sku_ids: tuple[int, ...]


# Available articles of each SKU, keyed by SKU id.
SkuCounts = Mapping[int, int]


def _availability(needs: Sequence[SlotNeed], counts: SkuCounts) -> int:
    """How many of an item ``counts`` can serve: the scarcest slot (0 without slots)."""
    return min(
        (sum(counts.get(sku_id, 0) for sku_id in need.sku_ids) // need.units for need in needs),
        default=0,
    )


@dataclass
class AvailableCounts:
    """Available articles per purpose, store and SKU, and over all stores."""

    per_store: dict[str, dict[int, dict[int, int]]]
    total: dict[str, dict[int, int]]

    def item_total(self, purpose: str, needs: Sequence[SlotNeed]) -> int:
        return _availability(needs, self.total.get(purpose, {}))

    def item_in_store(self, purpose: str, store_id: int, needs: Sequence[SlotNeed]) -> int:
        return _availability(needs, self.per_store.get(purpose, {}).get(store_id, {}))


def available_counts(
    *, purposes: Iterable[str], sku_ids: Iterable[int], at: dt.datetime | None = None
) -> AvailableCounts:
    """The available articles of ``sku_ids`` for each purpose, grouped by (store, SKU)
    in one statement per purpose (the rule is ``Article.objects.available``), and
    their sums over the stores."""
    sku_ids = sorted(set(sku_ids))
    per_store: dict[str, dict[int, dict[int, int]]] = {}
    total: dict[str, dict[int, int]] = {}
    for purpose in sorted(set(purposes)):
        by_store: dict[int, dict[int, int]] = defaultdict(dict)
        summed: dict[int, int] = defaultdict(int)
        if sku_ids:
            rows = (
                Article.objects.available(allocation=purpose, at=at)
                .filter(sku_id__in=sku_ids)
                .values_list("store_id", "sku_id")
                .annotate(n=Count("pk"))
                .order_by()
            )
            for store_id, sku_id, n in rows:
                by_store[store_id][sku_id] = n
                summed[sku_id] += n
        per_store[purpose], total[purpose] = dict(by_store), dict(summed)
    return AvailableCounts(per_store=per_store, total=total)


def _words(slots: Iterable[tuple[int, Iterable[str]]]) -> str:
    return " + ".join(f"{units} × " + " or ".join(names) for units, names in slots)


def slots_in_words(item: CatalogItem) -> str:
    """What the item needs, for people: "1 × City bike M or City bike L + 1 × Helmet"
    (the item's slots and their SKUs prefetched)."""
    return _words((slot.units, (sku.name for sku in slot.skus.all())) for slot in item.slots.all())


# An item's slots by position: units, and the alternatives (SKU id, name) by SKU code.
ListedSlots = list[tuple[int, list[tuple[int, str]]]]


def _listed_slots(item_ids: Sequence[int]) -> dict[int, ListedSlots]:
    """The slots of ``item_ids`` as plain values in two statements: a list of a
    thousand items needs no slot or SKU instances, only units, ids and names."""
    alternatives: dict[int, list[tuple[int, str]]] = defaultdict(list)
    through = (
        Slot.skus.through.objects.filter(slot__item_id__in=item_ids)
        .order_by("sku__code")
        .values_list("slot_id", "sku_id", "sku__name")
    )
    for slot_id, sku_id, name in through:
        alternatives[slot_id].append((sku_id, name))
    slots: dict[int, ListedSlots] = defaultdict(list)
    rows = (
        Slot.objects.filter(item_id__in=item_ids)
        .order_by("position", "pk")
        .values_list("pk", "item_id", "units")
    )
    for slot_id, item_id, units in rows:
        slots[item_id].append((units, alternatives.get(slot_id, [])))
    return slots


def _needs(slots: dict[int, ListedSlots]) -> dict[int, list[SlotNeed]]:
    """Each item's slots as the arithmetic sees them."""
    return {
        item_id: [
            SlotNeed(units=units, sku_ids=tuple(sku_id for sku_id, _ in alternatives))
            for units, alternatives in item_slots
        ]
        for item_id, item_slots in slots.items()
    }


def _item_counts(
    items: Sequence[CatalogItem], needs: dict[int, list[SlotNeed]], *, at: dt.datetime | None
) -> AvailableCounts:
    """The counts the figures of ``items`` need: their purposes, their SKUs (a service
    needs none)."""
    counted = [item for item in items if item.kind != CatalogItemKind.SERVICE]
    return available_counts(
        purposes={item.purpose for item in counted},
        sku_ids=(
            sku_id for item in counted for n in needs.get(item.pk, []) for sku_id in n.sku_ids
        ),
        at=at,
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

    A fixed number of queries whatever the number of items: items, slots, their
    alternatives, one grouped count of available articles per purpose, and the stores.
    The items come back as given: ``catalog_items_with_slots`` prefetches their slots
    for a page that shows them.
    """
    items = list(CatalogItem.objects.all() if items is None else items)
    needs = _needs(_listed_slots([item.pk for item in items]))
    counts = _item_counts(items, needs, at=at)
    # Every store has a figure, a store without any of the articles too.
    stores = sorted(Store.objects.all(), key=lambda s: s.name) if counts.total else []
    result = []
    for item in items:
        if item.kind == CatalogItemKind.SERVICE:
            result.append(ItemAvailability(item=item, total=None))
            continue
        item_needs = needs.get(item.pk, [])
        per_store = {
            store: counts.item_in_store(item.purpose, store.pk, item_needs) for store in stores
        }
        total = counts.item_total(item.purpose, item_needs)
        result.append(ItemAvailability(item=item, total=total, per_store=per_store))
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
    ``store`` when given), by the rule and counts of ``catalog_availability``, in a
    fixed number of queries: items, slots, alternatives, one count per purpose, stores.

    ``unavailable_only`` keeps the items that none can be handed out of now (in
    ``store`` when given); a service is always available.
    """
    items = list(items)
    slots = _listed_slots([item.pk for item in items])
    needs = _needs(slots)
    counts = _item_counts(items, needs, at=at)
    stores = [store] if store else list(Store.objects.order_by("name"))
    columns = [(store_column(kept), kept.pk) for kept in stores]
    rows: list[dict[str, object]] = []
    for item in items:
        item_slots = slots.get(item.pk, [])
        total: int | None = None
        per_store: dict[int, int | None] = dict.fromkeys((pk for _, pk in columns), None)
        if item.kind != CatalogItemKind.SERVICE:
            item_needs = needs.get(item.pk, [])
            total = counts.item_total(item.purpose, item_needs)
            per_store = {
                pk: counts.item_in_store(item.purpose, pk, item_needs) for _, pk in columns
            }
        if unavailable_only:
            figure = total if store is None else per_store[store.pk]
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
                "slots": _words(
                    (units, (name for _, name in alternatives))
                    for units, alternatives in item_slots
                ),
                "available": total,
                **{column: per_store[pk] for column, pk in columns},
            }
        )
    return CatalogListing(rows=rows, stores=stores)
