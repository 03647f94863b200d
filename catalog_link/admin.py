from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html, format_html_join

from .models import CatalogItem, Slot
from .selectors import catalog_availability
from .services import catalog_slots_validate


class SlotFormSet(BaseInlineFormSet):
    """Checks the slots of the whole item with the same rule as the service."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        slots = [
            (form.cleaned_data["units"], form.cleaned_data["skus"])
            for form in sorted(
                (f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")),
                key=lambda f: f.cleaned_data.get("position") or 0,
            )
        ]
        try:
            catalog_slots_validate(kind=self.instance.kind, slots=slots)
        except ValidationError as error:
            raise ValidationError(error.messages) from error


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
class CatalogItemAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "purpose", "active", "available_total"]
    list_filter = ["kind", "purpose", "active"]
    search_fields = ["code", "name"]
    readonly_fields = ["availability_per_store", "created_at", "updated_at"]
    fields = ["code", "name", "kind", "purpose", "active", "availability_per_store"]
    inlines = [SlotInline]

    def get_changelist(self, request, **kwargs):
        return AvailabilityChangeList

    @admin.display(description="available")
    def available_total(self, item):
        total = item.availability.total
        return "—" if total is None else total

    @admin.display(description="availability")
    def availability_per_store(self, item):
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
