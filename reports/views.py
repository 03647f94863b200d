"""Report pages: the figures of SPEC.md for staff, each table also as a CSV download."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.generic import TemplateView

from articles.models import Article
from skus.models import SKU

from .figures import (
    ARTICLE_FIGURES,
    REPORT_COLUMNS,
    article_figures,
    selloff_candidates,
    sku_figures,
)
from .filters import ArticleFigureFilter
from .formatting import render_csv
from .forms import AsOfForm, ScopedReportParametersForm
from .tables import figures_table

ARTICLES_PER_PAGE = 50
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


def placeholder(request, *args, **kwargs):
    """Not built yet: the reports' index is being written (issue 9)."""
    raise Http404("This page is not built yet.")
