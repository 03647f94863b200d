import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet

from catalog_link.models import Slot

from .models import SKU

CATALOG_CHOICES = [
    ("", "Any"),
    ("used", "Used by an active catalog item"),
    ("unused", "Used by no active catalog item"),
]


class SKUFilter(django_filters.FilterSet):
    """Which SKUs the list shows: by words in the code, name or description, and by
    whether the active catalog offers them (a SKU the catalog does not use is one
    that earns only through other channels, or not at all)."""

    q = django_filters.CharFilter(method="words", label="Code, name or description contains")
    catalog = django_filters.ChoiceFilter(
        choices=CATALOG_CHOICES[1:],
        empty_label=CATALOG_CHOICES[0][1],
        method="in_catalog",
        label="Catalog",
        widget=forms.Select,
    )

    class Meta:
        model = SKU
        fields = ["q", "catalog"]

    def words(self, queryset: QuerySet[SKU], name: str, value: str) -> QuerySet[SKU]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(code__icontains=value) | Q(name__icontains=value) | Q(description__icontains=value)
        )

    def in_catalog(self, queryset: QuerySet[SKU], name: str, value: str) -> QuerySet[SKU]:
        used = Exists(Slot.objects.filter(skus=OuterRef("pk"), item__active=True))
        if value == "used":
            return queryset.filter(used)
        if value == "unused":
            return queryset.filter(~used)
        return queryset
