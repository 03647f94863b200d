"""The Django admin of SKUs, with a batch "Add articles" tool that calls the services."""

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from articles import services
from articles.forms import ArticleBatchForm, add_service_error
from articles.models import Status
from catalog_link.models import CatalogItem
from inventory_site.admin_common import (
    ADMIN_CSS,
    ServiceRefused,
    ServiceSaveAdmin,
    acting_user,
    form_page,
    missing_object_redirect,
)
from reports.figures import SKU_FIGURES, sku_figures
from reports.formatting import render_html_figures

from . import services as sku_services
from .forms import SKUAdminForm
from .models import SKU

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class ArticleCounts(TypedDict):
        article_count: int
        active_count: int

    CountedSKU = WithAnnotations[SKU, ArticleCounts]


@admin.register(SKU)
class SKUAdmin(ServiceSaveAdmin):
    form = SKUAdminForm
    change_form_template = "admin/skus/sku/change_form.html"
    list_display = [
        "code",
        "name",
        "article_count",
        "active_count",
        "depreciation",
        "lifetime",
        "window",
        "replacement",
    ]
    search_fields = ["code", "name"]
    view_on_site = False  # the SKU's page is this page

    class Media:
        css = ADMIN_CSS

    ordering = ["code"]  # the annotation's GROUP BY drops Meta.ordering
    readonly_fields = [
        "figures",
        "catalog_items",
        "next_article_sequence",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["code", "name", "description", "specifications"]}),
        (
            "Sell-off parameters (empty: the installation default)",
            {
                "fields": [
                    "depreciation_rate",
                    "expected_lifetime_days",
                    "selloff_window_days",
                    "replacement_price",
                    "renewal_hurdle",
                ]
            },
        ),
        ("Figures as of today (SPEC.md)", {"fields": ["figures"]}),
        ("Catalog", {"fields": ["catalog_items"]}),
        ("Record", {"fields": ["next_article_sequence", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                article_count=Count("articles"),
                active_count=Count("articles", filter=Q(articles__status=Status.ACTIVE)),
            )
        )

    @admin.display(description="figures")
    def figures(self, sku: SKU) -> str:
        """The SKU's main figures, computed from its articles' ledgers (reports.figures)."""
        if sku.pk is None:
            return "—"
        # sku_figures takes a list too (its docstring); its annotation names only a QuerySet.
        (row,) = sku_figures(skus=[sku])  # type: ignore[arg-type]
        return render_html_figures(SKU_FIGURES[1:], row)

    @admin.display(description="catalog items that use it")
    def catalog_items(self, sku: SKU) -> str:
        """The catalog items with a slot that takes this SKU, each linked to its page."""
        items = (
            CatalogItem.objects.filter(slots__skus=sku).distinct().order_by("code")
            if sku.pk is not None
            else CatalogItem.objects.none()
        )
        rows = [
            (item.get_absolute_url(), str(item), "" if item.active else " (inactive)")
            for item in items
        ]
        if not rows:
            return "No catalog item uses this SKU."
        return format_html(
            "<ul>{}</ul>", format_html_join("", '<li><a href="{}">{}</a>{}</li>', rows)
        )

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, sku: "CountedSKU") -> int:
        return sku.article_count

    @admin.display(description="active", ordering="active_count")
    def active_count(self, sku: "CountedSKU") -> int:
        return sku.active_count

    # Short headers for the sell-off parameters; "-" means the installation default.
    @admin.display(description="depreciation / year", ordering="depreciation_rate")
    def depreciation(self, sku: SKU):
        return sku.depreciation_rate

    @admin.display(description="lifetime (days)", ordering="expected_lifetime_days")
    def lifetime(self, sku: SKU):
        return sku.expected_lifetime_days

    @admin.display(description="window (days)", ordering="selloff_window_days")
    def window(self, sku: SKU):
        return sku.selloff_window_days

    @admin.display(description="replacement price", ordering="replacement_price")
    def replacement(self, sku: SKU):
        return sku.replacement_price

    def save_model(self, request, obj, form, change):
        """Add with ``sku_create``, change with ``sku_update``; never ``obj.save()``."""
        try:
            if change:
                data = {
                    field: form.cleaned_data[field]
                    for field in form.changed_data
                    if field in sku_services.EDITABLE_FIELDS
                }
                saved = sku_services.sku_update(
                    sku=obj, data=data, acting_user=acting_user(request)
                )
            else:
                data = {
                    field: form.cleaned_data[field]
                    for field in sku_services.EDITABLE_FIELDS
                    if field in form.cleaned_data
                }
                saved = sku_services.sku_create(**data, acting_user=acting_user(request))
        except ValidationError as error:
            raise ServiceRefused(error) from error
        # The admin goes on with ``obj`` (its messages and redirect): make it the row.
        for field in SKU._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False

    # The services note every addition and change in the SKU's history themselves.
    def log_addition(self, request, obj, message):
        return None

    def log_change(self, request, obj, message):
        return None

    def has_delete_permission(self, request, obj=None):
        # The articles of a SKU (and their ledgers) keep it.
        if obj is not None and obj.articles.exists():
            return False
        return super().has_delete_permission(request, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_add_articles": self.has_add_articles_permission(request),
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    # --- add articles in a batch ------------------------------------------------------

    def has_add_articles_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("articles.add_article")

    def get_urls(self):
        return [
            path(
                "<path:object_id>/add-articles/",
                self.admin_site.admin_view(self.add_articles_view),
                name="skus_sku_add_articles",
            ),
            *super().get_urls(),
        ]

    def add_articles_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Many articles of this SKU at once, all or nothing (``articles_create_batch``)."""
        if not self.has_add_articles_permission(request):
            raise PermissionDenied
        sku = self.get_object(request, unquote(object_id))
        if sku is None:
            return missing_object_redirect(self, request, object_id)
        form = ArticleBatchForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                articles = services.articles_create_batch(
                    sku=sku, acting_user=acting_user(request), **form.service_arguments()
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                self.message_user(
                    request,
                    f"Added {len(articles)} article(s) to {sku.code}: "
                    f"{articles[0].number} … {articles[-1].number}.",
                    messages.SUCCESS,
                )
                url = reverse("admin:articles_article_changelist")
                return HttpResponseRedirect(f"{url}?sku__id__exact={sku.pk}")
        return form_page(
            self,
            request,
            form,
            title="Add articles",
            submit_label="Add articles",
            cancel_url=reverse("admin:skus_sku_change", args=[sku.pk]),
            original=sku,
            intro="All the articles are added, or none if one is refused.",
        )
