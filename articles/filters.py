"""Which articles the article list shows: a filter for each column, ranges for the
production year, the purchase date, the uses and the revenue, and free text over
number, serial, manufacturer and model.

The SKU and store choices are small tables; every other choice is a fixed list. The
start page links here with ``on_order=yes``, ``due=today``, ``due=overdue`` and
``status=<status>``, so its counts and this list say the same.
"""

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, Q, QuerySet

from skus.models import SKU

from .models import Article, Condition, Status, Store
from .selectors import Moments, due_today, on_order, open_usages, overdue

ANY = "Any"
IN_FLEET = "fleet"
STATUS_CHOICES = [(IN_FLEET, "In the fleet (active or out of use)"), *Status.choices]
ON_ORDER_CHOICES = [("yes", "On order"), ("no", "In stock")]
DUE_CHOICES = [("today", "Due back today"), ("overdue", "Overdue")]
MONEY_FILTERS = ("revenue_min", "revenue_max")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _number(label: str, field_name: str, lookup_expr: str) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(
        field_name=field_name,
        lookup_expr=lookup_expr,
        label=label,
        widget=forms.NumberInput(attrs={"class": "short"}),
    )


class ArticleListFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="text_search", label="Number, serial, make or model")
    sku = django_filters.ModelChoiceFilter(
        queryset=SKU.objects.only("pk", "code", "name").order_by("code"),
        label="SKU",
        empty_label=ANY,
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="status_is", empty_label=ANY
    )
    on_order = django_filters.ChoiceFilter(
        choices=ON_ORDER_CHOICES, method="order_is", label="On order", empty_label=ANY
    )
    due = django_filters.ChoiceFilter(
        choices=DUE_CHOICES, method="due_is", label="Due back", empty_label=ANY
    )
    reference = django_filters.CharFilter(method="reference_has", label="Order reference")
    condition = django_filters.ChoiceFilter(choices=Condition.choices, empty_label=ANY)
    store = django_filters.ModelChoiceFilter(
        queryset=Store.objects.order_by("name"), empty_label=ANY
    )
    manufacturer = django_filters.CharFilter(lookup_expr="icontains", label="Make")
    model = django_filters.CharFilter(lookup_expr="icontains", label="Model")
    year_min = _number("Year from", "production_year", "gte")
    year_max = _number("Year to", "production_year", "lte")
    purchased_from = django_filters.DateFilter(
        field_name="purchased_on", lookup_expr="gte", label="Purchased from", widget=DATE_INPUT
    )
    purchased_to = django_filters.DateFilter(
        field_name="purchased_on", lookup_expr="lte", label="Purchased to", widget=DATE_INPUT
    )
    uses_min = _number("Uses from", "total_usage_count", "gte")
    uses_max = _number("Uses to", "total_usage_count", "lte")
    revenue_min = _number("Revenue from", "total_revenue", "gte")
    revenue_max = _number("Revenue to", "total_revenue", "lte")

    class Meta:
        model = Article
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.moments = Moments.current()
        user = getattr(self.request, "user", None)
        if user is None or not user.has_perm("articles.view_money"):
            for name in MONEY_FILTERS:
                del self.filters[name]

    def text_search(self, queryset: QuerySet[Article], name: str, value: str):
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(number__icontains=text)
            | Q(serial_number__icontains=text)
            | Q(manufacturer__icontains=text)
            | Q(model__icontains=text)
        )

    def status_is(self, queryset: QuerySet[Article], name: str, value: str):
        if value == IN_FLEET:
            return queryset.filter(status__in=[Status.ACTIVE, Status.OUT_OF_USE])
        return queryset.filter(status=value)

    def order_is(self, queryset: QuerySet[Article], name: str, value: str):
        condition = on_order(self.moments)
        return queryset.filter(condition if value == "yes" else ~condition)

    def due_is(self, queryset: QuerySet[Article], name: str, value: str):
        condition = due_today(self.moments) if value == "today" else overdue(self.moments)
        return queryset.filter(condition)

    def reference_has(self, queryset: QuerySet[Article], name: str, value: str):
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Exists(open_usages().filter(reference__icontains=text)))
