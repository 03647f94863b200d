"""Writes of the catalog link (SPEC.md "Catalog link"): the one path by which catalog
items and their slots are saved, by the admin as by any other page or import, so the
rules about a whole item are checked in one place."""

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from skus.models import SKU

from .models import SLOT_COUNT_BOUNDS, CatalogItem, CatalogItemKind, Slot

SlotSpec = tuple[int, Iterable[SKU]]


def catalog_slots_validate(*, kind: str, slots: Sequence[SlotSpec]) -> None:
    """Refuse slots that do not fit the item's kind, or a SKU used by two slots."""
    fewest, most = SLOT_COUNT_BOUNDS[kind]
    label = CatalogItemKind(kind).label.lower()
    if most == 0 and slots:
        raise ValidationError(f"A {label} needs no inventory; remove its slots.")
    if len(slots) < fewest:
        raise ValidationError(
            f"A {label} needs at least {fewest} slot{'s' if fewest > 1 else ''}; "
            f"it has {len(slots)}."
        )
    seen: dict[int, int] = {}
    for position, (units, skus) in enumerate(slots, start=1):
        skus = list(skus)
        if units < 1:
            raise ValidationError(f"Slot {position} asks for {units} units; at least 1.")
        if not skus:
            raise ValidationError(f"Slot {position} names no SKU.")
        for sku in skus:
            if sku.pk in seen:
                raise ValidationError(
                    f"{sku.code} is in slot {seen[sku.pk]} and slot {position}; a SKU "
                    "appears in at most one slot of an item."
                )
            seen[sku.pk] = position


@transaction.atomic
def catalog_item_save(
    *,
    code: str,
    name: str,
    kind: str,
    purpose: str,
    active: bool = True,
    slots: Sequence[SlotSpec] = (),
    item: CatalogItem | None = None,
) -> CatalogItem:
    """Create a catalog item (``item`` None or not yet saved), or replace an existing
    one's fields and slots; the slots are numbered 1, 2, ... in the order given."""
    slots = [(units, list(skus)) for units, skus in slots]
    catalog_slots_validate(kind=kind, slots=slots)
    item = CatalogItem() if item is None else item
    item.code, item.name, item.kind, item.purpose, item.active = code, name, kind, purpose, active
    item.full_clean()
    item.save()
    item.slots.all().delete()
    for position, (units, skus) in enumerate(slots, start=1):
        slot = Slot.objects.create(item=item, position=position, units=units)
        slot.skus.set(skus)
    return item
