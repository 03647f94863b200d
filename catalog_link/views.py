"""The catalog pages: the list with availability per store (and its CSV), one item
with the articles that could serve it now, and adding or editing an item through
``catalog_item_save``."""

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from articles.models import Allocation
from interchange.tabular import spreadsheet_text

from .filters import CatalogItemFilter
from .forms import CatalogItemForm, SlotFormSet, slot_initial
from .models import CatalogItem, CatalogItemKind
from .selectors import (
    CatalogListing,
    catalog_availability,
    catalog_item_serving_articles,
    catalog_items_with_slots,
    catalog_listing,
    slots_in_words,
    store_column,
)
from .services import catalog_item_save
from .tables import CatalogItemTable, store_columns

LIST_COLUMNS = ("code", "name", "kind", "purpose", "active", "slots", "available")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return spreadsheet_text(str(value))


def listing_csv(listing: CatalogListing) -> str:
    """The list as CSV: its columns, then one per store named by the store's name."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*LIST_COLUMNS, *(_cell(store.name) for store in listing.stores)])
    for row in listing.rows:
        writer.writerow(
            [_cell(row[column]) for column in LIST_COLUMNS]
            + [_cell(row[store_column(store)]) for store in listing.stores]
        )
    return buffer.getvalue()


class CatalogListView(LoginRequiredMixin, PermissionRequiredMixin, SingleTableMixin, FilterView):
    """Catalog items with what they need and how many can be handed out now; the
    figures are computed for every filtered item at once, so that "not available"
    and ordering by a figure see them all."""

    permission_required = "catalog_link.view_catalogitem"
    template_name = "catalog_link/list.html"
    table_class = CatalogItemTable
    filterset_class = CatalogItemFilter
    table_pagination = {"per_page": 50}

    def get_queryset(self):
        return CatalogItem.objects.order_by("code")

    def listing(self) -> CatalogListing:
        if not hasattr(self, "_listing"):
            data = self.filterset.form.cleaned_data if self.filterset.is_valid() else {}
            self._listing = catalog_listing(
                items=self.object_list,
                store=data.get("store"),
                unavailable_only=bool(data.get("not_available")),
            )
        return self._listing

    def get_table_data(self):
        return self.listing().rows

    def get_table_kwargs(self):
        return {"extra_columns": store_columns(self.listing().stores)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs, now=timezone.now())

    def render_to_response(self, context, **response_kwargs):
        if self.request.GET.get("format") != "csv":
            return super().render_to_response(context, **response_kwargs)
        response = HttpResponse(listing_csv(self.listing()), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="catalog.csv"'
        return response

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("format") == "csv":
            # The download needs no table: only the filtered rows.
            self.filterset = self.get_filterset(self.get_filterset_class())
            valid = not self.filterset.is_bound or self.filterset.is_valid()
            self.object_list = self.filterset.qs if valid else self.filterset.queryset.none()
            return self.render_to_response({})
        return super().get(request, *args, **kwargs)


def _item_or_404(code: str) -> CatalogItem:
    item = CatalogItem.objects.filter(code__iexact=code).first()
    if item is None:
        raise Http404(f"There is no catalog item {code}.")
    return item


class CatalogItemDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """One item: what it needs, how many per store, and which articles could serve
    each slot now, by store."""

    permission_required = "catalog_link.view_catalogitem"
    template_name = "catalog_link/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        (item,) = catalog_items_with_slots([_item_or_404(kwargs["code"])])
        (figures,) = catalog_availability(items=[item])
        return super().get_context_data(
            **kwargs,
            item=item,
            slots_in_words=slots_in_words(item),
            figures=figures,
            serving=catalog_item_serving_articles(item=item),
            is_service=item.kind == CatalogItemKind.SERVICE,
            can_change=self.request.user.has_perm("catalog_link.change_catalogitem"),
        )


class CatalogItemEditView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Add an item (no ``code`` in the URL) or edit one and its slots; saved only by
    ``catalog_item_save``, whose refusal is shown on the form."""

    permission_required = "catalog_link.change_catalogitem"
    template_name = "catalog_link/edit.html"

    def item(self) -> CatalogItem | None:
        code = self.kwargs.get("code")
        if code is None:
            return None
        (item,) = catalog_items_with_slots([_item_or_404(code)])
        return item

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        item = self.item()
        if item is None:
            form = CatalogItemForm(initial={"purpose": Allocation.RENTAL, "active": True})
            formset = SlotFormSet(prefix="slots")
        else:
            form = CatalogItemForm(initial=CatalogItemForm.initial_of(item))
            formset = SlotFormSet(prefix="slots", initial=slot_initial(item))
        return self.render_to_response(self.get_context_data(item=item, form=form, formset=formset))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        item = self.item()
        form = CatalogItemForm(request.POST)
        formset = SlotFormSet(
            request.POST, prefix="slots", initial=slot_initial(item) if item else None
        )
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            try:
                saved = catalog_item_save(
                    item=item,
                    code=data["code"],
                    name=data["name"],
                    kind=data["kind"],
                    purpose=data["purpose"],
                    active=data["active"],
                    slots=formset.slots(),
                )
            except ValidationError as refusal:
                form.refusal_add(refusal)
            else:
                messages.success(request, f"Saved {saved.code}.")
                return HttpResponseRedirect(saved.get_absolute_url())
        return self.render_to_response(self.get_context_data(item=item, form=form, formset=formset))
