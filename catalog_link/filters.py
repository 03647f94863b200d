import django_filters
from django import forms
from django.db.models import Q, QuerySet

from articles.models import Allocation, Store

from .models import CatalogItem, CatalogItemKind


class CatalogItemFilter(django_filters.FilterSet):
    """Which items the catalog list shows.

    ``store`` and ``not_available`` leave the queryset alone: they choose the
    availability column and keep rows by their figures, which the view computes for
    the filtered items (``catalog_listing``).
    """

    q = django_filters.CharFilter(method="code_or_name", label="Code or name contains")
    kind = django_filters.ChoiceFilter(choices=CatalogItemKind.choices, empty_label="Any")
    purpose = django_filters.ChoiceFilter(choices=Allocation.choices, empty_label="Any")
    active = django_filters.BooleanFilter(
        widget=forms.Select(choices=[("", "Any"), ("true", "Yes"), ("false", "No")])
    )
    store = django_filters.ModelChoiceFilter(
        queryset=Store.objects.order_by("name"),
        method="on_figures",
        label="Availability in store",
        empty_label="All stores",
    )
    not_available = django_filters.BooleanFilter(
        method="on_figures",
        widget=forms.CheckboxInput,
        label="Not available now",
    )

    class Meta:
        model = CatalogItem
        fields = ["q", "kind", "purpose", "active", "store", "not_available"]

    def code_or_name(self, queryset: QuerySet[CatalogItem], name: str, value: str):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))

    def on_figures(self, queryset: QuerySet[CatalogItem], name: str, value: object):
        return queryset
