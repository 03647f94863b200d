"""The Django admin of stores, articles and the ledger.

The admin never writes a model itself: adding and editing an article, recording an
event, ending a usage or a downtime and every changelist action call
``articles.services``, and a refusal of a service is shown to the user on the form (or,
for an action on many articles, as a message after which nothing has changed).
"""

from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from reports.formatting import render_html_figures
from reports.selectors import ARTICLE_FIGURES, article_figures

from . import services
from .admin_io import ArticleImportExportMixin, EventImportExportMixin
from .forms import (
    ArticleAdminForm,
    EventRecordForm,
    ReportLostActionForm,
    RetireActionForm,
    ServiceEndForm,
    StatusChangeActionForm,
    TransferActionForm,
    UsageEndForm,
    add_service_error,
)
from .models import Article, Event, Store

TOOL_TEMPLATE = "admin/articles/tool_form.html"
ACTION_TEMPLATE = "admin/articles/article/action_form.html"
ADMIN_CSS = {"all": ["css/admin.css"]}


class ServiceRefused(Exception):
    """A service refused a change that the admin form had accepted."""

    def __init__(self, error: ValidationError):
        super().__init__(error)
        self.error = error


def _refusal_text(article: Article, error: ValidationError) -> str:
    text = " ".join(error.messages)
    return text if text.startswith(article.number) else f"{article.number}: {text}"


# --- stores --------------------------------------------------------------------------


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ["name", "article_count", "address"]
    search_fields = ["name"]
    ordering = ["name"]
    view_on_site = False  # the annotation's GROUP BY drops Meta.ordering
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, store: Store) -> int:
        return store.article_count

    def has_delete_permission(self, request, obj=None):
        # A store that holds (or held) articles keeps them in their ledgers.
        if obj is not None and obj.articles.exists():
            return False
        return super().has_delete_permission(request, obj)


# --- the ledger ----------------------------------------------------------------------

LEDGER_FIELDS = [
    "when",
    "kind",
    "until",
    "revenue",
    "cost",
    "condition",
    "store",
    "status",
    "reference",
    "notes",
    "recorded_by",
]


class EventInline(admin.TabularInline):
    """The article's ledger, oldest first, read-only: a mistake is corrected with a
    new event, never by editing one."""

    model = Event
    fk_name = "article"
    template = "admin/articles/article/ledger_inline.html"
    fields = LEDGER_FIELDS
    readonly_fields = LEDGER_FIELDS
    ordering = ["occurred_at", "pk"]
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name = "ledger entry"
    verbose_name_plural = "ledger"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("store", "recorded_by")

    @admin.display(description="occurred at")
    def when(self, event: Event) -> str:
        return services.format_moment(event.occurred_at)

    @admin.display(description="ended at")
    def until(self, event: Event) -> str:
        if event.ended_at is not None:
            return services.format_moment(event.ended_at)
        if event.is_open:
            return "open" if event.is_usage else "open downtime"
        return ""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(EventImportExportMixin, admin.ModelAdmin):
    """The whole ledger. Append-only: events are recorded from their article's page
    ("Record an event") or by an import, and never changed or deleted here."""

    list_display = [
        "occurred_at",
        "article_link",
        "kind",
        "ended_at",
        "revenue",
        "cost",
        "condition",
        "store",
        "status",
        "reference",
        "recorded_by",
    ]
    list_filter = ["kind", "downtime", "condition"]
    date_hierarchy = "occurred_at"
    search_fields = ["article__number", "reference"]
    list_select_related = ["article", "store", "recorded_by"]
    view_on_site = False

    class Media:
        css = ADMIN_CSS

    ordering = ["-occurred_at", "-pk"]
    show_full_result_count = False
    list_per_page = 100

    @admin.display(description="article", ordering="article__number")
    def article_link(self, event: Event) -> str:
        url = reverse("admin:articles_article_change", args=[event.article_id])
        return format_html('<a href="{}">{}</a>', url, event.article.number)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- articles ------------------------------------------------------------------------


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


@admin.register(Article)
class ArticleAdmin(ArticleImportExportMixin, admin.ModelAdmin):
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
    ]
    search_fields = ["number", "serial_number", "manufacturer", "model", "sku__code", "sku__name"]
    autocomplete_fields = ["sku", "store"]
    list_select_related = ["sku", "store"]
    date_hierarchy = "purchased_on"
    show_full_result_count = False
    list_per_page = 50
    inlines = [EventInline]
    actions = [
        "transfer_action",
        "status_change_action",
        "retire_action",
        "report_lost_action",
        "found_action",
        "end_usages_action",
    ]

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
    def on_order(self, article: Article) -> str:
        return "on order" if article.on_order else ""

    @admin.display(description="figures")
    def figures(self, article: Article) -> str:
        """The article's main figures, computed from its ledger (reports.selectors)."""
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

    # --- saving through the services ------------------------------------------------

    def save_model(self, request, obj, form, change):
        """Add with ``article_create``, change with ``article_update``; never ``obj.save()``."""
        try:
            if change:
                data = {
                    field: form.cleaned_data[field]
                    for field in form.changed_data
                    if field in services.EDITABLE_FIELDS
                }
                saved = services.article_update(article=obj, data=data, acting_user=request.user)
            else:
                saved = services.article_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            raise ServiceRefused(error) from error
        # The admin goes on with ``obj`` (its messages, log and redirect): make it the row.
        for field in Article._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "article_service_refusal", None)
        if refusal is None:
            return form
        return type(form.__name__, (form,), {"service_refusal": refusal})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """Django's add/change view, plus: when the service refuses in ``save_model``
        (after the form validated), the transaction of the attempt is rolled back and
        the same POST is shown again with the refusal as an error on the form."""
        extra_context = {**(extra_context or {}), **self._tool_context(request, object_id)}
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            request.article_service_refusal = refused.error
            return super().changeform_view(request, object_id, form_url, extra_context)

    def _tool_context(self, request, object_id) -> dict:
        if object_id is None:
            return {}
        article = Article.objects.filter(pk=unquote(object_id)).first()
        if article is None:
            return {}
        return {
            "can_record_event": self.has_record_event_permission(request),
            "open_usage": article.events.usages().open().first(),
            "open_downtimes": list(article.events.open_downtimes()),
        }

    # --- tools on one article ---------------------------------------------------------

    def has_record_event_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("articles.add_event")

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        return [
            path(
                "<path:object_id>/record-event/",
                wrap(self.record_event_view),
                name="articles_article_record_event",
            ),
            path(
                "<path:object_id>/end-usage/",
                wrap(self.end_usage_view),
                name="articles_article_end_usage",
            ),
            path(
                "<path:object_id>/end-downtime/<int:event_id>/",
                wrap(self.end_downtime_view),
                name="articles_article_end_downtime",
            ),
            *super().get_urls(),
        ]

    def _tool_article(self, request: HttpRequest, object_id: str) -> Article | None:
        if not self.has_record_event_permission(request):
            raise PermissionDenied
        article = self.get_object(request, unquote(object_id))
        if article is not None and not self.has_view_permission(request, article):
            raise PermissionDenied
        return article

    def _tool_view(
        self,
        request: HttpRequest,
        article: Article,
        form_class: type,
        call: Callable[[dict], object],
        *,
        title: str,
        submit_label: str,
        done: str,
        intro: str = "",
    ) -> HttpResponse:
        """Show ``form_class``; on a valid POST ``call`` the service with the cleaned
        data, all or nothing, and put a refusal on the form."""
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    call(form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                self.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:articles_article_change", args=[article.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "title": title,
            "subtitle": str(article),
            "intro": intro,
            "adminform": helpers.AdminForm(
                form, [(None, {"fields": list(form.fields)})], {}, model_admin=self
            ),
            "form": form,
            "media": self.media + form.media,
            "submit_label": submit_label,
            "cancel_url": reverse("admin:articles_article_change", args=[article.pk]),
        }
        return TemplateResponse(request, TOOL_TEMPLATE, context)

    def record_event_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        article = self._tool_article(request, object_id)
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)

        def record(data: dict) -> None:
            services.event_record(article=article, acting_user=request.user, **data)

        return self._tool_view(
            request,
            article,
            EventRecordForm,
            record,
            title="Record an event",
            submit_label="Record",
            done=f"The event was recorded in the ledger of {article.number}.",
            intro=(
                f"{article.number} is {article.get_status_display().lower()} in {article.store}"
                f"{', on order' if article.on_order else ''}. The event goes through the same "
                "rules as every other way of recording it."
            ),
        )

    def end_usage_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        article = self._tool_article(request, object_id)
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        usage = article.events.usages().open().first()
        if usage is None:
            self.message_user(request, f"{article.number} is not on order.", messages.WARNING)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

        def end(data: dict) -> None:
            services.usage_end(article=article, acting_user=request.user, **data)

        return self._tool_view(
            request,
            article,
            UsageEndForm,
            end,
            title=f"End the open {usage.get_kind_display().lower()}",
            submit_label="End it",
            done=f"The {usage.get_kind_display().lower()} of {article.number} has ended.",
            intro=(
                f"{usage.get_kind_display()} since {services.format_moment(usage.occurred_at)}"
                f"{f' ({usage.reference})' if usage.reference else ''}."
            ),
        )

    def end_downtime_view(
        self, request: HttpRequest, object_id: str, event_id: int
    ) -> HttpResponse:
        article = self._tool_article(request, object_id)
        if article is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        downtime = article.events.open_downtimes().filter(pk=event_id).first()
        if downtime is None:
            self.message_user(
                request, f"{article.number} has no such open downtime.", messages.WARNING
            )
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))

        def end(data: dict) -> None:
            services.service_end(event=downtime, acting_user=request.user, **data)

        return self._tool_view(
            request,
            article,
            ServiceEndForm,
            end,
            title=f"End the downtime of a {downtime.get_kind_display().lower()}",
            submit_label="End it",
            done=f"The downtime of {article.number} has ended.",
            intro=(
                f"{downtime.get_kind_display()} with downtime since "
                f"{services.format_moment(downtime.occurred_at)}"
                f"{f' ({downtime.reference})' if downtime.reference else ''}."
            ),
        )

    # --- changelist actions -------------------------------------------------------------

    def _apply(
        self,
        request: HttpRequest,
        queryset: QuerySet[Article],
        call: Callable[[Article], object],
        *,
        done: str,
    ) -> None:
        """``call`` the service for every selected article, all or nothing."""
        articles = list(queryset.select_related(None).order_by("number"))
        current = None
        try:
            with transaction.atomic():
                for current in articles:
                    call(current)
        except ValidationError as error:
            self.message_user(
                request,
                f"Nothing was changed. {_refusal_text(current, error)}",
                messages.ERROR,
            )
            return
        self.message_user(request, f"{done}: {len(articles)} article(s).", messages.SUCCESS)

    def _action_with_form(
        self,
        request: HttpRequest,
        queryset: QuerySet[Article],
        form_class: type,
        call: Callable[[Article, dict], object],
        *,
        action: str,
        title: str,
        submit_label: str,
        done: str,
    ) -> HttpResponse | None:
        """The intermediate page of an action that needs input, then ``_apply``."""
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            self._apply(request, queryset, lambda article: call(article, data), done=done)
            return None
        articles = list(queryset.select_related("sku", "store").order_by("number"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "articles": articles,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "adminform": helpers.AdminForm(
                form, [(None, {"fields": list(form.fields)})], {}, model_admin=self
            ),
            "form": form,
            "media": self.media + form.media,
            "submit_label": submit_label,
        }
        return TemplateResponse(request, ACTION_TEMPLATE, context)

    @admin.action(description="Transfer to a store", permissions=["record_event"])
    def transfer_action(self, request, queryset):
        return self._action_with_form(
            request,
            queryset,
            TransferActionForm,
            lambda article, data: services.article_transfer(
                article=article, acting_user=request.user, **data
            ),
            action="transfer_action",
            title="Transfer articles to a store",
            submit_label="Transfer",
            done="Transferred",
        )

    @admin.action(description="Change status (with a reason)", permissions=["record_event"])
    def status_change_action(self, request, queryset):
        return self._action_with_form(
            request,
            queryset,
            StatusChangeActionForm,
            lambda article, data: services.article_status_change(
                article=article, acting_user=request.user, **data
            ),
            action="status_change_action",
            title="Change the status of articles",
            submit_label="Change status",
            done="Status changed",
        )

    @admin.action(description="Retire", permissions=["record_event"])
    def retire_action(self, request, queryset):
        return self._action_with_form(
            request,
            queryset,
            RetireActionForm,
            lambda article, data: services.article_retire(
                article=article, acting_user=request.user, **data
            ),
            action="retire_action",
            title="Retire articles",
            submit_label="Retire",
            done="Retired",
        )

    @admin.action(description="Report lost", permissions=["record_event"])
    def report_lost_action(self, request, queryset):
        return self._action_with_form(
            request,
            queryset,
            ReportLostActionForm,
            lambda article, data: services.article_report_lost(
                article=article, acting_user=request.user, **data
            ),
            action="report_lost_action",
            title="Report articles lost",
            submit_label="Report lost",
            done="Reported lost",
        )

    @admin.action(description="Mark found", permissions=["record_event"])
    def found_action(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda article: services.article_found(article=article, acting_user=request.user),
            done="Found",
        )

    @admin.action(description="End open usages now", permissions=["record_event"])
    def end_usages_action(self, request, queryset):
        self._apply(
            request,
            queryset,
            lambda article: services.usage_end(article=article, acting_user=request.user),
            done="Usages ended",
        )
