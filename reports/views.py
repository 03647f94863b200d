"""Report pages: the figures of SPEC.md for staff, each table also as a CSV download."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from articles.models import Article, Status
from catalog_link.models import CatalogItem, CatalogItemKind
from catalog_link.selectors import catalog_availability
from skus.models import SKU

from .figures import (
    ARTICLE_FIGURES,
    MONTHLY_FIGURES,
    REPORT_COLUMNS,
    article_figures,
    figure_of,
    fleet_monthly_totals,
    selloff_candidates,
    sku_figures,
)
from .filters import ArticleFigureFilter
from .formatting import render_csv
from .forms import AsOfForm, ScopedReportParametersForm
from .tables import figures_table

ARTICLES_PER_PAGE = 50
# How many SKUs and catalog items a flag on the start page names; the rest are counted.
FLAGGED_SHOWN = 10
# The reports over SKUs, by name: they take the same parameters.
SCOPED_REPORTS: dict[str, Callable[..., list[dict[str, Any]]]] = {
    "skus": sku_figures,
    "selloff": selloff_candidates,
}


def csv_download(filename: str, columns, rows) -> HttpResponse:
    response = HttpResponse(render_csv(columns, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def page_number(request: HttpRequest, count: int) -> int:
    """The page the query string asks for, as ``Paginator.get_page`` reads it: the
    first page for one that is not a number, the last for one past the end."""
    return Paginator(range(count), ARTICLES_PER_PAGE).get_page(request.GET.get("page")).number


class ReportView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """A report over SKUs (``skus`` or ``selloff``): parameters from the query string,
    a table, a CSV download.

    Subclasses name their report; its columns come from the figures' declarations and
    its rows from ``SCOPED_REPORTS``.
    """

    permission_required = "articles.view_article"
    form_class = ScopedReportParametersForm
    report_name = ""

    @property
    def columns(self) -> tuple[str, ...]:
        return REPORT_COLUMNS[self.report_name]

    def get_form(self) -> ScopedReportParametersForm:
        return self.form_class(self.request.GET or None)

    def parameters(self, form: ScopedReportParametersForm) -> dict[str, Any]:
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        return {
            "as_of": data.get("as_of") or timezone.localdate(),
            "window_days": data.get("window"),
            **{key: data[key] for key in ("sku", "store") if data.get(key)},
        }

    def rows(self, parameters: dict[str, Any]) -> list[dict[str, Any]]:
        sku = parameters.get("sku")
        return SCOPED_REPORTS[self.report_name](
            as_of=parameters["as_of"],
            window_days=parameters["window_days"],
            skus=SKU.objects.filter(pk=sku.pk) if sku else None,
            store=parameters.get("store"),
        )

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form()
        parameters = self.parameters(form)
        rows = self.rows(parameters) if not form.is_bound or form.is_valid() else []
        if request.GET.get("download") == "csv" and (not form.is_bound or form.is_valid()):
            as_of = parameters["as_of"].isoformat()
            return csv_download(f"{self.report_name}-{as_of}.csv", self.columns, rows)
        table = figures_table(self.columns, rows, request=request)
        table.paginate(page=page_number(request, len(rows)), per_page=ARTICLES_PER_PAGE)
        return self.render_to_response(
            self.get_context_data(form=form, table=table, rows=rows, **parameters)
        )


class SkuReportView(ReportView):
    template_name = "reports/skus.html"
    report_name = "skus"


class SelloffReportView(ReportView):
    template_name = "reports/selloff.html"
    report_name = "selloff"


class ArticleReportView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Article figures, one page of articles at a time: the filter picks and orders the
    articles, and the figures are computed for the 50 on the page only."""

    permission_required = "articles.view_article"
    template_name = "reports/articles.html"

    def get(self, request, *args, **kwargs):
        form = AsOfForm(request.GET or None)
        as_of = form.cleaned_data["as_of"] if form.is_valid() else timezone.localdate()
        filterset = ArticleFigureFilter(
            request.GET or None, queryset=Article.objects.order_by("number")
        )
        valid = not filterset.is_bound or filterset.is_valid()
        # An article purchased after the as-of date is in no report as of that date.
        articles = filterset.qs.filter(purchased_on__lte=as_of) if valid else Article.objects.none()
        # A date the form refused is shown as a message on the page, not downloaded.
        if request.GET.get("download") == "csv" and (not form.is_bound or form.is_valid()):
            rows = article_figures(as_of=as_of, articles=articles)
            return csv_download(f"articles-{as_of.isoformat()}.csv", ARTICLE_FIGURES, rows)
        page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
        numbers = [article.number for article in page.object_list]
        figures = {}
        if numbers:
            on_page = Article.objects.filter(pk__in=[article.pk for article in page.object_list])
            figures = {row["number"]: row for row in article_figures(as_of=as_of, articles=on_page)}
        table = figures_table(ARTICLE_FIGURES, [figures[n] for n in numbers], orderable=False)
        return self.render_to_response(
            self.get_context_data(
                filter=filterset, form=form, table=table, page_obj=page, as_of=as_of
            )
        )


@dataclass
class Flagged:
    """The first ``FLAGGED_SHOWN`` of a flag's entries, each (label, url), and how many
    there are in all."""

    shown: list[tuple[str, str]]
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.shown)


def skus_unused_by_catalog() -> Flagged:
    """SKUs that no active catalog item asks for: nothing the storefront offers rents
    or sells them. Two queries, whatever the number of SKUs."""
    unused = SKU.objects.exclude(catalog_slots__item__active=True).order_by("code")
    shown = [
        (f"{code} · {name}", reverse("admin:skus_sku_change", args=[pk]))
        for pk, code, name in unused.values_list("pk", "code", "name")[:FLAGGED_SHOWN]
    ]
    return Flagged(shown=shown, count=unused.count())


def catalog_items_unservable() -> Flagged:
    """Active catalog items that no article can serve now (availability 0 in all
    stores together); a service needs no inventory and is never flagged. The fixed
    queries of ``catalog_availability``."""
    items = CatalogItem.objects.filter(active=True).exclude(kind=CatalogItemKind.SERVICE)
    unservable = [row.item for row in catalog_availability(items=items) if row.total == 0]
    shown = [
        (str(item), reverse("catalog_link:detail", args=[item.code]))
        for item in unservable[:FLAGGED_SHOWN]
    ]
    return Flagged(shown=shown, count=len(unservable))


class DashboardView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The fleet at a glance: counts now and money and use per month, as a chart, and
    what the catalog and the fleet do not match in (for those who may see the catalog)."""

    permission_required = "articles.view_article"
    template_name = "reports/dashboard.html"
    months = 24

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        counts = Article.objects.aggregate(
            articles=Count("pk"),
            active=Count("pk", filter=Q(status=Status.ACTIVE)),
            out_of_use=Count("pk", filter=Q(status=Status.OUT_OF_USE)),
        )
        monthly = fleet_monthly_totals(as_of=today, months=self.months)
        last_year = [row for row in monthly if row["month"] > today - dt.timedelta(days=365)]
        chart = {
            "labels": [row["month"].strftime("%b %Y") for row in monthly],
            "revenue": [float(row["revenue"]) for row in monthly],
            "expenses": [float(row["expenses"]) for row in monthly],
            "net": [float(row["net"]) for row in monthly],
            "usage_days": [float(row["usage_days"]) for row in monthly],
            "titles": {name: figure_of(name).label for name in MONTHLY_FIGURES},
        }
        return super().get_context_data(
            **kwargs,
            counts=counts,
            on_order=Article.objects.on_order().count(),
            revenue_12_months=sum((row["revenue"] for row in last_year), 0),
            net_12_months=sum((row["net"] for row in last_year), 0),
            monthly=monthly,
            monthly_figures=[figure_of(name) for name in MONTHLY_FIGURES],
            chart=chart,
            as_of=today,
            **self.catalog_flags(),
        )

    def catalog_flags(self) -> dict[str, Flagged]:
        if not self.request.user.has_perm("catalog_link.view_catalogitem"):
            return {}
        return {
            "unused_skus": skus_unused_by_catalog(),
            "unservable_items": catalog_items_unservable(),
        }
