"""The admin of articles: the list, the add and change pages, saving through the
services."""

from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from interchange.admin import ArticleImportExportMixin
from inventory_site.admin_common import (
    ADMIN_CSS,
    ServiceRefused,
    ServiceSaveAdmin,
    acting_user,
)
from reports.figures import ARTICLE_FIGURES, article_figures
from reports.formatting import render_html_figures

from .. import services
from ..forms import ArticleAdminForm
from ..models import Article, Event
from ..selectors import by_number
from .actions import ARTICLE_ACTIONS, admin_action
from .events import EventInline
from .lists import LimitedCountPaginator, PurchasedYearFilter, article_search
from .tools import ArticleToolsAdmin

if TYPE_CHECKING:
    from .tools import ListedArticle


class OnOrderFilter(admin.SimpleListFilter):
    title = "on order"
    parameter_name = "on_order"

    def lookups(self, request, model_admin):
        return [("yes", "On order"), ("no", "In stock")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(on_order=True)
        if self.value() == "no":
            return queryset.filter(on_order=False)
        return queryset


# The upload mixin declares ``change_list_template`` without ModelAdmin's ClassVar type.
@admin.register(Article)
class ArticleAdmin(ArticleImportExportMixin, ArticleToolsAdmin, ServiceSaveAdmin):
    form = ArticleAdminForm
    view_on_site = False  # the article's page is this page

    class Media:
        css = ADMIN_CSS

    change_form_template = "admin/articles/article/change_form.html"
    list_display = [
        "number",
        "sku_code",
        "store",
        "status",
        "on_order",
        "condition",
        "purchased_on",
        "price",
        "uses",
        "revenue",
        "expenses",
    ]
    list_filter = [
        "status",
        OnOrderFilter,
        "allocation",
        "condition",
        ("store", admin.RelatedOnlyFieldListFilter),
        ("sku", admin.RelatedOnlyFieldListFilter),
        PurchasedYearFilter,
    ]
    # Searched by ``article_search``; Django needs a field here to show the box.
    search_fields = ["number"]
    search_help_text = (
        "Part of an article number, serial number, manufacturer, model, SKU code or SKU name."
    )
    paginator = LimitedCountPaginator
    autocomplete_fields = ["sku", "store"]
    list_select_related = ["sku", "store"]
    show_full_result_count = False
    list_per_page = 50
    inlines = [EventInline]
    actions = [admin_action(action) for action in ARTICLE_ACTIONS]

    add_fieldsets = [
        (None, {"fields": ["number", "sku", "allocation", ("status", "condition"), "store"]}),
        (
            "Description",
            {
                "fields": [
                    ("manufacturer", "model"),
                    ("production_year", "serial_number"),
                    "specifications",
                    "notes",
                ]
            },
        ),
        ("Purchase", {"fields": [("purchased_on", "purchase_price")]}),
    ]
    change_fieldsets = [
        (
            None,
            {
                "fields": [
                    "number",
                    "sku",
                    "allocation",
                    ("status", "condition"),
                    ("store", "disposed_at"),
                ]
            },
        ),
        (
            "Description",
            {
                "fields": [
                    ("manufacturer", "model"),
                    ("production_year", "serial_number"),
                    "specifications",
                    "sku_specifications",
                    "notes",
                ]
            },
        ),
        ("Purchase", {"fields": [("purchased_on", "purchase_price")]}),
        (
            "Ledger totals",
            {
                "fields": [
                    ("total_usage_count", "total_revenue"),
                    ("total_expenses", "total_sale_proceeds"),
                    ("created_at", "updated_at"),
                ]
            },
        ),
        ("Figures as of today (SPEC.md)", {"fields": ["figures"]}),
    ]
    # On the change page these change only through events (or are kept by the services).
    change_readonly_fields = [
        "figures",
        "status",
        "condition",
        "store",
        "disposed_at",
        "sku_specifications",
        "total_usage_count",
        "total_revenue",
        "total_expenses",
        "total_sale_proceeds",
        "created_at",
        "updated_at",
    ]

    def get_queryset(self, request):
        open_usage = Event.objects.usages().open().filter(article=OuterRef("pk"))
        return super().get_queryset(request).annotate(on_order=Exists(open_usage))

    def get_search_results(self, request, queryset, search_term):
        return article_search(queryset, search_term), False

    def get_ordering(self, request):
        return [by_number(searched=bool(request.GET.get(SEARCH_VAR, "").strip()))]

    def get_fieldsets(self, request, obj=None):
        return self.change_fieldsets if obj is not None else self.add_fieldsets

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly += [name for name in self.change_readonly_fields if name not in readonly]
        return readonly

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []

    @admin.display(ordering="purchase_price")
    def price(self, article: Article):
        return article.purchase_price

    @admin.display(ordering="total_usage_count")
    def uses(self, article: Article) -> int:
        return article.total_usage_count

    @admin.display(ordering="total_revenue")
    def revenue(self, article: Article):
        return article.total_revenue

    @admin.display(ordering="total_expenses")
    def expenses(self, article: Article):
        return article.total_expenses

    @admin.display(description="SKU", ordering="sku__code")
    def sku_code(self, article: Article) -> str:
        return article.sku.code

    @admin.display(ordering="on_order")
    def on_order(self, article: "ListedArticle") -> str:
        return "on order" if article.on_order else ""

    @admin.display(description="figures")
    def figures(self, article: Article) -> str:
        """The article's main figures, computed from its ledger (reports.figures)."""
        if article.pk is None:
            return "—"
        (row,) = article_figures(articles=Article.objects.filter(pk=article.pk))
        return render_html_figures(ARTICLE_FIGURES[2:], row)

    @admin.display(description="SKU specifications")
    def sku_specifications(self, article: Article) -> str:
        specifications = article.sku.specifications or {}
        if not specifications:
            return "—"
        return ", ".join(f"{key}: {value}" for key, value in specifications.items())

    def has_delete_permission(self, request, obj=None):
        # An article's ledger is its history: once it has events it is disposed of
        # through a sale, retirement or loss instead.
        if obj is not None and obj.events.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        """Add with ``article_create``, change with ``article_update``; never ``obj.save()``."""
        try:
            if change:
                data = {
                    field: form.cleaned_data[field]
                    for field in form.changed_data
                    if field in services.EDITABLE_FIELDS
                }
                saved = services.article_update(
                    article=obj, data=data, acting_user=acting_user(request)
                )
            else:
                saved = services.article_create(
                    acting_user=acting_user(request), **form.cleaned_data
                )
        except ValidationError as error:
            raise ServiceRefused(error) from error
        # The admin goes on with ``obj`` (its messages, log and redirect): make it the row.
        for field in Article._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False
