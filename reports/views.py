"""Report pages: the figures of SPEC.md for managers, each table also as a CSV download.

The pages show the figures under labels a manager reads (the CSV keeps SPEC.md's
names), in column sets chosen with ``?columns=``. Reports show money, so every report
needs ``articles.view_money``.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.views.generic import TemplateView, View
from django.views.generic.base import ContextMixin, TemplateResponseMixin

from articles import services
from articles.choices import DISPOSED_STATUSES
from articles.models import Allocation, Article, Status
from skus.models import SKU

from .figures import (
    REPORT_COLUMNS,
    SkuSelloff,
    article_figures,
    figure_of,
    kept_selloff_candidates,
    kept_selloff_listing,
    kept_sku_figures,
)
from .figures.articles_csv import article_csv
from .filters import ArticleFigureFilter
from .formatting import render_csv
from .forms import AsOfForm, ScopedReportParametersForm
from .tables import (
    COLUMN_SETS,
    OWN_COLUMNS,
    ChooseColumn,
    ColumnSet,
    CountedPaginator,
    FiguresTable,
    RecordSaleColumn,
    column_set,
    figures_table,
)

REPORTS_PERMISSION = "articles.view_money"
ARTICLES_PER_PAGE = 50
# The most articles one move to the sales allocation takes (a page holds 50).
MOST_CHOSEN = 200
# Past this many sell-off candidates every article's state is read (one scan) rather
# than the candidates' by number: a list of tens of thousands of numbers costs the
# statement seconds to build and to plan.
MANY_CANDIDATES = 1000
# The reports over SKUs, by name: they take the same parameters. As of today with the
# default parameters they read the rows kept per SKU (``reports.figures.kept``).
SCOPED_REPORTS: dict[str, Callable[..., list[dict[str, Any]]]] = {
    "skus": kept_sku_figures,
    "selloff": kept_selloff_candidates,
}


CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def attachment(filename: str) -> str:
    """The Content-Disposition of a download named ``filename``."""
    return f'attachment; filename="{filename}"'


def csv_download(filename: str, columns: Sequence[str], rows: list[dict[str, Any]]) -> HttpResponse:
    response = HttpResponse(render_csv(columns, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = attachment(filename)
    return response


def page_number(request: HttpRequest, count: int) -> int:
    """The page the query string asks for, as ``Paginator.get_page`` reads it: the
    first page for one that is not a number, the last for one past the end."""
    return Paginator(range(count), ARTICLES_PER_PAGE).get_page(request.GET.get("page")).number


class ReportIndexView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The three reports, each with the question it answers."""

    permission_required = REPORTS_PERMISSION
    template_name = "reports/index.html"


class ColumnChoiceMixin:
    """The column set a report page shows (``?columns=``), and the sets it offers."""

    request: HttpRequest
    report_name = ""

    def column_choice(self) -> ColumnSet:
        """The chosen set; an unknown name shows the first set, with a message."""
        key = self.request.GET.get("columns")
        choice = column_set(self.report_name, key)
        if choice is None:
            choice = COLUMN_SETS[self.report_name][0]
            messages.warning(
                self.request,
                f"There is no column choice “{key}”; showing “{choice.label}”.",
            )
        return choice

    def column_context(self, choice: ColumnSet) -> dict[str, Any]:
        return {
            "column_sets": COLUMN_SETS[self.report_name],
            "column_choice": choice,
            # What the shown columns mean, also for a phone, which cannot hover.
            "column_figures": [
                figure_of(name) for name in choice.columns if name not in OWN_COLUMNS
            ],
        }


class ReportView(ColumnChoiceMixin, LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """A report over SKUs (``skus`` or ``selloff``): parameters from the query string,
    a table, a CSV download.

    Subclasses name their report; its CSV columns come from the figures' declarations,
    its page columns from the chosen column set, and its rows from ``SCOPED_REPORTS``.
    """

    permission_required = REPORTS_PERMISSION
    form_class = ScopedReportParametersForm
    # The order of rows equal in the column the user sorts by (``figures_table``).
    tie_break: tuple[str, ...] = ()
    # How many rows ``page_rows`` gave, when it knows without a count by the database.
    row_count: int | None = None

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

    def own_columns(self) -> Mapping[str, tables.Column]:
        """The page's columns that are not figures, those the user may use."""
        return {}

    def page_context(self, parameters: dict[str, Any], table: FiguresTable) -> dict[str, Any]:
        """What a report's page shows besides its table."""
        return {}

    def page_rows(self, parameters: dict[str, Any]) -> Sequence[Any] | QuerySet[Any, Any]:
        """What the page's table shows: ``rows`` unless a report pages in the database."""
        return self.rows(parameters)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.get_form()
        valid = not form.is_bound or form.is_valid()
        parameters = self.parameters(form)
        if request.GET.get("download") == "csv" and valid:
            as_of = parameters["as_of"].isoformat()
            rows = self.rows(parameters)
            return csv_download(f"{self.report_name}-{as_of}.csv", self.columns, rows)
        choice = self.column_choice()
        table = figures_table(
            choice,
            self.page_rows(parameters) if valid else [],
            request=request,
            own_columns=self.own_columns(),
            tie_break=self.tie_break,
        )
        count = self.row_count if self.row_count is not None else len(table.data)
        table.paginate(
            paginator_class=CountedPaginator,
            count=count,
            page=page_number(request, count),
            per_page=ARTICLES_PER_PAGE,
        )
        return self.render_to_response(
            self.get_context_data(
                form=form,
                table=table,
                count=count,
                page_obj=table.page,
                **self.column_context(choice),
                **(self.page_context(parameters, table) if valid else {}),
                **parameters,
            )
        )


class SkuReportView(ReportView):
    template_name = "reports/skus.html"
    report_name = "skus"


class SelloffReportView(ReportView):
    """The sell-off candidates with a summary per SKU; chosen candidates move to the
    sales allocation (POST), and each links to recording its sale."""

    template_name = "reports/selloff.html"
    report_name = "selloff"
    tie_break = ("keep_margin", "number")
    summary: list[SkuSelloff] = []

    def can_move(self) -> bool:
        return self.request.user.has_perm("articles.change_article")

    def can_sell(self) -> bool:
        return self.request.user.has_perm("articles.dispose_article")

    def own_columns(self) -> Mapping[str, tables.Column]:
        own: dict[str, tables.Column] = {}
        if self.can_move():
            own["choose"] = ChooseColumn()
        if self.can_sell():
            own["record_sale"] = RecordSaleColumn()
        return own

    def page_rows(self, parameters: dict[str, Any]) -> Sequence[Any] | QuerySet[Any, Any]:
        """The candidates with the summary per SKU from the same reading of the ledger:
        kept rows, which the database pages, or every candidate computed now, each with
        its article's condition now and whether it may still be moved to sales or sold
        (one statement for them all)."""
        sku = parameters.get("sku")
        listing = kept_selloff_listing(
            as_of=parameters["as_of"],
            window_days=parameters["window_days"],
            skus=SKU.objects.filter(pk=sku.pk) if sku else None,
            store=parameters.get("store"),
        )
        self.summary = listing.per_sku
        rows = listing.candidates
        if isinstance(rows, QuerySet):
            self.row_count = sum(line.candidates for line in listing.per_sku)
            return rows
        articles = Article.objects.all()
        if len(rows) <= MANY_CANDIDATES:
            articles = articles.filter(number__in=[row["number"] for row in rows])
        now = {
            article["number"]: article
            for article in articles.values("number", "condition", "allocation", "status")
        }
        for row in rows:
            article = now.get(row["number"], {})
            in_fleet = bool(article) and article["status"] not in DISPOSED_STATUSES
            row["condition"] = article.get("condition")
            row["sellable"] = in_fleet
            row["choosable"] = in_fleet and article["allocation"] == Allocation.RENTAL
        return rows

    def page_context(self, parameters: dict[str, Any], table: FiguresTable) -> dict[str, Any]:
        summary = self.summary
        return {
            "summary": summary,
            "summary_total": {
                figure: sum(getattr(line, figure) for line in summary)
                for figure in ("considered", "candidates", "surplus")
            },
            "definitions": {
                name: figure_of(name).definition for name in ("sku_code", "sku_name", "surplus")
            },
            "can_move": self.can_move(),
            "can_sell": self.can_sell(),
            "choosable": any(row.record["choosable"] for row in table.page.object_list),
        }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Move the chosen candidates to the sales allocation, one by one through
        ``article_update``; each refusal is its own message. Back to the same report."""
        if not self.can_move():
            raise PermissionDenied
        back = HttpResponseRedirect(request.get_full_path())
        numbers = list(dict.fromkeys(request.POST.getlist("number")))
        if request.POST.get("action") != "move_to_sales":
            messages.error(request, "Choose what to do with the chosen articles.")
            return back
        if not numbers:
            messages.warning(request, "Choose the articles to move to sales first.")
            return back
        if len(numbers) > MOST_CHOSEN:
            messages.error(request, f"Choose at most {MOST_CHOSEN} articles at a time.")
            return back
        moved = articles_move_to_sales(request, numbers)
        if moved:
            messages.success(
                request,
                f"Moved to the sales allocation ({len(moved)}): {', '.join(moved)}.",
            )
        return back


def articles_move_to_sales(request: HttpRequest, numbers: list[str]) -> list[str]:
    """Allocate each of ``numbers`` to sales with ``article_update``; say per article
    why one was not moved. The numbers moved, in the order given."""
    articles = {article.number: article for article in Article.objects.filter(number__in=numbers)}
    moved = []
    for number in numbers:
        article = articles.get(number)
        if article is None:
            messages.error(request, f"There is no article {number}.")
        elif article.allocation == Allocation.SALES:
            messages.info(request, f"{number} is already allocated to sales.")
        elif article.status in DISPOSED_STATUSES:
            status = Status(article.status).label.lower()
            messages.error(request, f"{number} is {status}; it was not moved.")
        else:
            try:
                services.article_update(
                    article=article,
                    data={"allocation": Allocation.SALES},
                    acting_user=request.user,
                )
            except ValidationError as refusal:
                messages.error(request, f"{number} was not moved: {' '.join(refusal.messages)}")
            else:
                moved.append(number)
    return moved


class ArticleReportView(
    ColumnChoiceMixin,
    LoginRequiredMixin,
    PermissionRequiredMixin,
    TemplateResponseMixin,
    ContextMixin,
    View,
):
    """Article figures, one page of articles at a time: the filter picks and orders the
    articles, and the figures are computed for the 50 on the page only. The CSV of
    every filtered article is streamed (a ``TemplateView`` but for ``get``, which
    may answer with a ``StreamingHttpResponse``)."""

    permission_required = REPORTS_PERMISSION
    template_name = "reports/articles.html"
    report_name = "articles"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
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
            # Streamed: on PostgreSQL the database writes the lines.
            response = StreamingHttpResponse(
                article_csv(as_of=as_of, articles=articles), content_type=CSV_CONTENT_TYPE
            )
            response["Content-Disposition"] = attachment(f"articles-{as_of.isoformat()}.csv")
            return response
        page = Paginator(articles, ARTICLES_PER_PAGE).get_page(request.GET.get("page"))
        numbers = [article.number for article in page.object_list]
        figures = {}
        if numbers:
            on_page = Article.objects.filter(pk__in=[article.pk for article in page.object_list])
            figures = {row["number"]: row for row in article_figures(as_of=as_of, articles=on_page)}
        choice = self.column_choice()
        table = figures_table(choice, [figures[n] for n in numbers], orderable=False)
        return self.render_to_response(
            self.get_context_data(
                filter=filterset,
                form=form,
                table=table,
                page_obj=page,
                as_of=as_of,
                **self.column_context(choice),
            )
        )
