"""The admin of catalog items and their slots, saving both through
``catalog_link.services.catalog_item_save``, the one write path of the catalog link: a
refusal of the service comes back onto the form and nothing is saved. Its list imports
and exports ``catalog.csv`` with the upload pages of the articles and events."""

from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import construct_change_message
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html, format_html_join

from interchange.admin import ImportExportAdminMixin
from interchange.catalog import CATALOG_COLUMNS, catalog_import, catalog_table
from interchange.columns import Column, FileColumns
from interchange.imports import ImportResult
from inventory_site.admin_common import ServiceRefused, ServiceSaveAdmin

from . import services
from .models import CatalogItem, Slot
from .selectors import ItemAvailability, catalog_availability

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class Availability(TypedDict):
        availability: ItemAvailability

    # An item of the changelist's page, as AvailabilityChangeList leaves it.
    ListedItem = WithAnnotations[CatalogItem, Availability]


class CatalogFileColumns(FileColumns):
    """``catalog.csv``'s columns, described with how its slots are written."""

    def describe(self, separator: str = ", ") -> str:
        return (
            super().describe(separator)
            + " Slots are written 2xHELMET|1xCITYB-M/CITYB-L: slots separated by |, each"
            " <units>x and its alternative SKU codes separated by /."
        )


CATALOG_FILE = CatalogFileColumns(
    file_name="catalog.csv", columns=tuple(Column(name, required=True) for name in CATALOG_COLUMNS)
)


def _catalog_import(
    *, path: Path | str, name: str = "", dry_run: bool = False, **ignored: object
) -> ImportResult:
    """``catalog_import`` called as the upload pages call an import; a catalog change
    is not an event of an article's ledger, so the acting user (in ``ignored``) is not
    recorded."""
    return catalog_import(path=path, name=name, dry_run=dry_run)


class CatalogImportExportMixin(ImportExportAdminMixin):
    """ "Import catalog", "Export CSV" and "Export Excel" on the catalog items' list:
    the upload, dry-run preview and confirmation of the articles and events, over
    ``catalog_import`` and ``catalog_table`` (those of ``import_catalog`` and
    ``export_catalog``)."""

    io_what = "catalog"
    IMPORTERS = {"catalog": _catalog_import}
    TABLES = {"catalog": catalog_table}
    COLUMNS = {"catalog": CATALOG_FILE}
    PERMISSIONS = {"catalog": ("catalog_link.add_catalogitem", "catalog_link.change_catalogitem")}


class CatalogItemAdminForm(forms.ModelForm):
    """The item's own fields; its slots come from the inline."""

    # Set by ServiceSaveAdmin when the service refused what the forms had accepted.
    service_refusal: ValidationError | None = None

    class Meta:
        model = CatalogItem
        fields = ["code", "name", "kind", "purpose", "active"]

    def clean(self):
        cleaned_data = super().clean()
        if self.service_refusal is not None:
            self.add_error(None, self.service_refusal)
        return cleaned_data


class SlotFormSet(BaseInlineFormSet):
    def slots(self) -> list[services.SlotSpec]:
        """The slots that stay, in the order of their positions, for the service
        (which numbers them 1, 2, ... in that order)."""
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        kept.sort(key=lambda data: data.get("position") or 0)
        return [(data["units"], data["skus"]) for data in kept]


class SlotInline(admin.TabularInline):
    model = Slot
    formset = SlotFormSet
    fields = ["position", "units", "skus"]
    autocomplete_fields = ["skus"]
    extra = 0


class AvailabilityChangeList(ChangeList):
    """Computes the availability of the page's items at once, not one item per row."""

    def get_results(self, request):
        super().get_results(request)
        figures = {row.item.pk: row for row in catalog_availability(items=self.result_list)}
        for item in self.result_list:
            item.availability = figures[item.pk]


@admin.register(CatalogItem)
class CatalogItemAdmin(CatalogImportExportMixin, ServiceSaveAdmin):
    form = CatalogItemAdminForm
    list_display = ["code", "name", "kind", "purpose", "active", "available_total"]
    list_filter = ["kind", "purpose", "active"]
    search_fields = ["code", "name"]
    readonly_fields = ["availability_per_store", "created_at", "updated_at"]
    fields = ["code", "name", "kind", "purpose", "active", "availability_per_store"]
    inlines = [SlotInline]

    def get_changelist(self, request, **kwargs):
        return AvailabilityChangeList

    @admin.display(description="available")
    def available_total(self, item: "ListedItem") -> int | str:
        total = item.availability.total
        return "—" if total is None else total

    @admin.display(description="availability")
    def availability_per_store(self, item: CatalogItem) -> str:
        if item.pk is None:
            return "—"
        (figures,) = catalog_availability(items=CatalogItem.objects.filter(pk=item.pk))
        if figures.total is None:
            return "A service needs no inventory: always available."
        rows = format_html_join("", "<tr><td>{}</td><td>{}</td></tr>", figures.per_store.items())
        return format_html(
            "<table><thead><tr><th>Store</th><th>Available</th></tr></thead>"
            "<tbody>{}<tr><th>All stores</th><th>{}</th></tr></tbody></table>",
            rows,
            figures.total,
        )

    # --- saving through the service -----------------------------------------------------

    def save_model(self, request, obj, form, change):
        """Nothing yet: the service saves the item together with its slots, which
        ``save_related`` has at hand."""

    def save_related(self, request, form, formsets, change):
        """Save the item and replace its slots with ``catalog_item_save``; never
        ``obj.save()`` or the formset's ``save()``."""
        (slot_formset,) = formsets
        data = form.cleaned_data
        try:
            services.catalog_item_save(
                item=form.instance,
                code=data["code"],
                name=data["name"],
                kind=data["kind"],
                purpose=data["purpose"],
                active=data["active"],
                slots=slot_formset.slots(),
            )
        except ValidationError as error:
            raise ServiceRefused(error) from error

    def construct_change_message(self, request, form, formsets, add=False):
        """The item's changed fields, and "slots" when they changed: the service
        replaces the slots as a whole, so the log names them as one field."""
        message = construct_change_message(form, [], add)
        if add or not any(formset.has_changed() for formset in formsets):
            return message
        if not message:
            return [{"changed": {"fields": ["slots"]}}]
        message[0]["changed"]["fields"].append("slots")
        return message
