"""The catalog list as a django-tables2 table over ``catalog_listing`` rows."""

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from articles.models import Allocation, Store
from inventory_site.tables import FixedPageTable

from .models import CatalogItemKind
from .selectors import store_column

NUMBER = {"td": {"class": "num"}, "th": {"class": "num"}}


class CatalogItemTable(FixedPageTable):
    code = tables.Column()
    name = tables.Column(attrs={"td": {"class": "wrap"}})
    kind = tables.Column()
    purpose = tables.Column()
    active = tables.BooleanColumn()
    slots = tables.Column(orderable=False, verbose_name="Needs", attrs={"td": {"class": "wrap"}})
    available = tables.Column(attrs=NUMBER, verbose_name="Available now, all stores")

    class Meta:
        attrs = {"class": "figures"}
        template_name = "django_tables2/table.html"
        # What can be handed out comes first, store by store, then what the item is.
        sequence = ["code", "name", "available", "...", "slots", "kind", "purpose", "active"]
        empty_text = "No catalog items match."

    def render_code(self, value: str, record: dict[str, Any]) -> SafeString:
        url = reverse("catalog_link:detail", args=[value])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_kind(self, value: str) -> str:
        return CatalogItemKind(value).label

    def render_purpose(self, value: str) -> str:
        return Allocation(value).label


def store_columns(stores: list[Store]) -> list[tuple[str, tables.Column]]:
    """One availability column per store, headed by the store's name."""
    return [
        (store_column(store), tables.Column(verbose_name=store.name, attrs=NUMBER))
        for store in stores
    ]
