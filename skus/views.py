"""The SKU pages: the list with counts by status (and figures, for who sees money),
one SKU with its figures, charts, articles and catalog items, and adding or editing
a SKU through ``skus.services``."""

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from reports.figures.declarations import figure_of
from reports.figures.kept import kept_sku_figures
from reports.figures.skus import sku_reports

from .charts import SkuCharts
from .filters import SKUFilter
from .forms import SKUForm, SpecificationFormSet, specification_initial
from .models import SKU
from .selectors import STATUS_COUNTS, sku_articles, sku_catalog_items, skus_with_counts
from .services import sku_create, sku_update
from .tables import SKUArticleTable, SKUTable
from .wording import figure_text, parameters_in_words

MONEY_PERMISSION = "articles.view_money"
# The figures of the SKU's page, beside its counts (which come first, from the list's
# query): how it is used and how long it lasts (everyone), and its money (managers).
USE_FIGURES = (
    "mean_utilization",
    "disposed",
    "median_lifetime_days",
    "km_median_lifetime_days",
    "median_uses_at_disposal",
    "peak_on_order",
    "surplus",
)
MONEY_FIGURES = (
    "revenue",
    "expenses",
    "net",
    "purchase_total",
    "revenue_per_article",
    "replacement_price",
    "challenger_net_per_day",
    "renewal_hurdle",
)


class SKUListView(LoginRequiredMixin, PermissionRequiredMixin, SingleTableMixin, FilterView):
    """Every SKU with its articles counted by status in one statement; the figures
    (four statements) are computed for the SKUs on the page only."""

    permission_required = "skus.view_sku"
    template_name = "skus/list.html"
    table_class = SKUTable
    filterset_class = SKUFilter
    table_pagination = {"per_page": 50}

    def get_queryset(self):
        return skus_with_counts()

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"money": self.request.user.has_perm(MONEY_PERMISSION)}

    def get_table(self, **kwargs: Any) -> SKUTable:
        table = super().get_table(**kwargs)
        if table.money:
            on_page = [row.record for row in table.page.object_list]
            if on_page:
                # As of today: the day's kept rows where there are (reports.figures.kept).
                skus = SKU.objects.filter(pk__in=[sku.pk for sku in on_page])
                rows = kept_sku_figures(as_of=timezone.localdate(), skus=skus)
                table.figures = {row["sku_code"]: row for row in rows}
        return table


def sku_or_404(code: str) -> SKU:
    """The SKU whose code is ``code`` whatever its case, with its counts; else 404."""
    try:
        return skus_with_counts().get_by_code(code)
    except SKU.DoesNotExist:
        raise Http404(f"There is no SKU {code}.") from None


class SKUDetailView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """One SKU: its parameters, counts and figures, how long its articles last and
    how many uses they give (charts with their numbers), its articles and the
    catalog items that use it."""

    permission_required = "skus.view_sku"
    template_name = "skus/detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        sku = sku_or_404(kwargs["code"])
        money = self.request.user.has_perm(MONEY_PERMISSION)
        as_of = timezone.localdate()
        _, (report,) = sku_reports(
            as_of=as_of,
            window_days=None,
            skus=[sku],  # type: ignore[arg-type]  # a list, as sku_figures takes
            store=None,
            report="skus",
        )
        articles = SKUArticleTable(sku_articles(sku), money=money, prefix="articles-")
        RequestConfig(self.request, paginate={"per_page": 50}).configure(articles)
        charts = SkuCharts.of(report.rows)
        return super().get_context_data(
            **kwargs,
            sku=sku,
            as_of=as_of,
            counts=[(label, getattr(sku, name)) for name, label in STATUS_COUNTS],
            parameters=[p for p in parameters_in_words(sku) if money or not p.money],
            specifications=list((sku.specifications or {}).items()),
            use_figures=_figures(USE_FIGURES, report.figures),
            money_figures=_figures(MONEY_FIGURES, report.figures) if money else [],
            charts=charts,
            chart_data=charts.data(),
            articles=articles,
            catalog_items=sku_catalog_items(sku),
        )


def _figures(names: tuple[str, ...], row: dict[str, Any]) -> list[tuple[str, str]]:
    return [(figure_of(name).label, figure_text(name, row[name])) for name in names]


class SKUEditView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Add a SKU (no code in the URL) or change one; saved only by the services,
    whose refusal is shown on the form."""

    template_name = "skus/edit.html"

    def get_permission_required(self) -> tuple[str]:
        return ("skus.change_sku",) if "code" in self.kwargs else ("skus.add_sku",)

    def sku(self) -> SKU | None:
        code = self.kwargs.get("code")
        if code is None:
            return None
        try:
            return SKU.objects.get_by_code(code)
        except SKU.DoesNotExist:
            raise Http404(f"There is no SKU {code}.") from None

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        sku = self.sku()
        form = SKUForm(instance=sku)
        formset = SpecificationFormSet(prefix="specs", initial=specification_initial(sku))
        return self.page(sku, form, formset)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        sku = self.sku()
        # The form works on a copy: the page keeps showing the SKU as it is saved.
        form = SKUForm(request.POST, instance=copy.copy(sku) if sku else None)
        formset = SpecificationFormSet(
            request.POST, prefix="specs", initial=specification_initial(sku)
        )
        if form.is_valid() and formset.is_valid():
            data = {**form.service_data(), "specifications": formset.specifications()}
            try:
                if sku is None:
                    saved = sku_create(**data, acting_user=request.user)
                else:
                    saved = sku_update(sku=sku, data=data, acting_user=request.user)
            except ValidationError as refusal:
                form.refusal_add(refusal)
            else:
                messages.success(request, f"Saved {saved.code}.")
                return HttpResponseRedirect(reverse("skus:detail", args=[saved.code]))
        return self.page(sku, form, formset)

    def page(self, sku: SKU | None, form: SKUForm, formset: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(sku=sku, form=form, formset=formset))
