"""What customers are offered and the inventory it needs (SPEC.md "Catalog link").

A catalog item needs inventory through ordered slots; each slot asks for ``units`` of
any of its alternative SKUs. A product has one or more slots, a combination two or
more, a service none; a SKU appears in at most one slot of an item. The rules about
the whole item live in ``catalog_link.services``.
"""

from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from articles.models import Allocation


class CatalogItemKind(models.TextChoices):
    PRODUCT = "product", "Product"
    SERVICE = "service", "Service"
    COMBINATION = "combination", "Combination (package)"


# The fewest and most slots each kind may have (None: no upper bound).
SLOT_COUNT_BOUNDS: dict[str, tuple[int, int | None]] = {
    CatalogItemKind.PRODUCT: (1, None),
    CatalogItemKind.COMBINATION: (2, None),
    CatalogItemKind.SERVICE: (0, 0),
}


class CatalogItem(models.Model):
    code = models.CharField(max_length=64, help_text="The item's id in the storefront.")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=CatalogItemKind.choices)
    purpose = models.CharField(
        max_length=16,
        choices=Allocation.choices,
        default=Allocation.RENTAL,
        help_text="Rental items are served by rental articles, sales items by sales articles.",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                Lower("code"),
                name="catalog_item_code_unique_ci",
                violation_error_message="A catalog item with this code already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=CatalogItemKind.values),
                name="catalog_item_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(purpose__in=Allocation.values),
                name="catalog_item_purpose_valid",
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"

    def get_absolute_url(self):
        return reverse("catalog_link:detail", args=[self.code])


class Slot(models.Model):
    """One line of what an item needs: ``units`` articles of any of ``skus``."""

    item = models.ForeignKey(CatalogItem, on_delete=models.CASCADE, related_name="slots")
    position = models.PositiveSmallIntegerField(default=1)
    units = models.PositiveSmallIntegerField(default=1)
    skus = models.ManyToManyField(
        "skus.SKU", related_name="catalog_slots", help_text="Alternatives: any of these SKUs."
    )

    class Meta:
        ordering = ["item", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(units__gte=1), name="slot_units_positive"),
        ]

    def __str__(self):
        return f"{self.item.code} slot {self.position}"
