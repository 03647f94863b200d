"""The article list (with the header's lookup and the CSV download) and the bulk
actions on the rows chosen in it.

The lookup: the header form sends ``GET /articles/?q=...``; a ``q`` that is exactly an
article number (in any case, with the spaces a barcode scanner adds) opens that
article, anything else is a filter of the list. A bulk action calls its service once
per article, each in its own transaction, and reports what it did and what the
service refused, article by article.
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from articles import services
from articles.filters import ArticleListFilter
from articles.kinds import KINDS
from articles.models import Article, EventKind, Status, Store
from articles.selectors import article_list
from articles.tables import MONEY_COLUMNS, ArticleTable, detail_url
from interchange.tabular import spreadsheet_text
from reports.figures import article_figures

PER_PAGE = 50
# At most this many articles in one bulk action: a page and then some.
MAX_SELECTED = 200
# Query parameters that are not filters: the lookup ignores them.
NOT_FILTERS = frozenset({"q", "page", "sort"})


def may_see_money(request: HttpRequest) -> bool:
    return request.user.has_perm("articles.view_money")


def list_url(query: str = "") -> str:
    """The list with ``query`` (a query string), re-encoded so that it stays one."""
    params = QueryDict(query, mutable=True)
    params.pop("format", None)
    encoded = params.urlencode()
    return reverse("articles:list") + (f"?{encoded}" if encoded else "")


def looked_up(request: HttpRequest) -> Article | None:
    """The article whose number ``q`` is, when ``q`` is the only filter given."""
    q = request.GET.get("q", "")
    if not q.strip() or any(request.GET.get(key) for key in request.GET.keys() - NOT_FILTERS):
        return None
    try:
        return Article.objects.only("pk", "number").get_by_number(q)
    except Article.DoesNotExist:
        return None


def csv_text(rows: Iterable[list[Any]]) -> str:
    """Rows as CSV that a spreadsheet shows and never runs: every text cell through
    ``spreadsheet_text``; numbers (a negative revenue too) are written as they are, as
    the reports' downloads write them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(
            [
                spreadsheet_text(cell) if isinstance(cell, str) else "" if cell is None else cell
                for cell in row
            ]
        )
    return buffer.getvalue()


def figures_by_number(articles: QuerySet[Article]) -> dict[str, dict[str, Any]]:
    """SPEC.md's article figures as of today for ``articles``, by number."""
    rows = article_figures(as_of=timezone.localdate(), articles=articles)
    return {row["number"]: row for row in rows}


class ArticleListView(LoginRequiredMixin, PermissionRequiredMixin, SingleTableMixin, FilterView):
    """Every article, filtered, sorted and 50 a page; figures are computed for the
    rows of the page only. ``?format=csv`` downloads every filtered row."""

    permission_required = "articles.view_article"
    template_name = "articles/list.html"
    table_class = ArticleTable
    filterset_class = ArticleListFilter
    table_pagination = {"per_page": PER_PAGE}

    def get_queryset(self) -> QuerySet[Article]:
        return article_list()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        article = looked_up(request)
        url = detail_url(article.number) if article is not None else None
        if url is not None:
            return HttpResponseRedirect(url)
        if request.GET.get("format") == "csv":
            self.filterset = self.get_filterset(self.get_filterset_class())
            if not self.filterset.is_bound or self.filterset.is_valid():
                return self.csv_download(self.filterset.qs)
            # A filter the form refused is shown on the page, not downloaded.
        return super().get(request, *args, **kwargs)

    def excluded_columns(self) -> list[str]:
        excluded = [] if may_see_money(self.request) else list(MONEY_COLUMNS)
        if not self.request.user.has_perm("articles.add_event"):
            excluded.append("select")
        return excluded

    def searched(self) -> bool:
        return bool(self.request.GET.get("q", "").strip())

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"exclude": self.excluded_columns(), "searched": self.searched()}

    def get_table(self, **kwargs: Any) -> ArticleTable:
        table = super().get_table(**kwargs)
        if may_see_money(self.request):
            numbers = [row.record.number for row in table.page.object_list]
            if numbers:
                table.figures = figures_by_number(Article.objects.filter(number__in=numbers))
        return table

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        filterset = kwargs.get("filter") or self.filterset
        more = [field for field in filterset.form if field.name not in MAIN_FILTERS]
        return super().get_context_data(
            **kwargs,
            main_filters=[field for field in filterset.form if field.name in MAIN_FILTERS],
            more_filters=more,
            more_open=any(field.value() not in (None, "") for field in more),
            bulk_form=BulkActionForm(initial={"query": self.request.GET.urlencode()})
            if self.request.user.has_perm("articles.add_event")
            else None,
        )

    def csv_download(self, articles: QuerySet[Article]) -> HttpResponse:
        table = ArticleTable(
            articles,
            exclude=self.excluded_columns(),
            figures=figures_by_number(articles) if may_see_money(self.request) else None,
            searched=self.searched(),
            order_by=self.request.GET.get("sort"),
        )
        response = HttpResponse(csv_text(table.as_values()), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="articles-{timezone.localdate().isoformat()}.csv"'
        )
        return response


# The filters shown at once; the others are under "More filters".
MAIN_FILTERS = ("q", "sku", "status", "on_order", "due", "store", "condition")


@dataclass(frozen=True)
class BulkAction:
    """One action on the chosen rows: the service it calls for each article, the
    kind it records (whose permission it needs) and what it says when done."""

    label: str
    kind: EventKind
    done: str
    call: Callable[..., object]
    # The statuses it applies to, where the lifecycle allows more than it means.
    from_statuses: tuple[str, ...] = ()


def _transfer(*, article: Article, data: dict[str, Any], user: Any) -> object:
    return services.article_transfer(
        article=article, store=data["store"], notes=data["reason"], acting_user=user
    )


def _status(status: str) -> Callable[..., object]:
    def change(*, article: Article, data: dict[str, Any], user: Any) -> object:
        return services.article_status_change(
            article=article, status=status, notes=data["reason"], acting_user=user
        )

    return change


BULK_ACTIONS: dict[str, BulkAction] = {
    "transfer": BulkAction("Transfer to a store", EventKind.TRANSFER, "Transferred", _transfer),
    "out_of_use": BulkAction(
        "Take out of use", EventKind.STATUS_CHANGE, "Taken out of use", _status(Status.OUT_OF_USE)
    ),
    "back_in_use": BulkAction(
        "Back in use",
        EventKind.STATUS_CHANGE,
        "Back in use",
        _status(Status.ACTIVE),
        # A lost article comes back as found, which is not this action.
        from_statuses=(Status.OUT_OF_USE,),
    ),
}


class BulkActionForm(forms.Form):
    """What to do with the rows chosen in the list. The rows come as ``articles``
    (their numbers); ``query`` is the list's query string, to go back to it."""

    action = forms.ChoiceField(
        choices=[("", "Choose an action…")] + [(key, a.label) for key, a in BULK_ACTIONS.items()],
        label="With the selected articles",
    )
    store = forms.ModelChoiceField(
        queryset=Store.objects.order_by("name"),
        required=False,
        label="To store",
        empty_label="(for a transfer)",
    )
    reason = forms.CharField(
        required=False,
        max_length=500,
        label="Reason",
        help_text="Needed to take out of use or put back in use.",
    )
    query = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = self.data.getlist("articles") if isinstance(self.data, QueryDict) else []
        numbers = [number for number in chosen if number.strip()]
        if not numbers:
            raise ValidationError("Select at least one article in the list.")
        if len(numbers) > MAX_SELECTED:
            raise ValidationError(f"Select at most {MAX_SELECTED} articles at a time.")
        data["articles"] = list(dict.fromkeys(numbers))
        action = data.get("action")
        if action == "transfer" and not data.get("store"):
            self.add_error("store", "Choose the store to transfer to.")
        if action in ("out_of_use", "back_in_use") and not data.get("reason", "").strip():
            self.add_error("reason", "Say why the status changes.")
        return data


class ArticleBulkView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Apply one action to the chosen articles, one service call each, and go back
    to the list with its filters."""

    permission_required = "articles.add_event"
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = BulkActionForm(request.POST)
        back = HttpResponseRedirect(list_url(request.POST.get("query", "")))
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, f"Nothing was changed. {error}")
            return back
        action = BULK_ACTIONS[form.cleaned_data["action"]]
        if not request.user.has_perm(KINDS[action.kind].permission):
            raise PermissionDenied
        done, refused = self.apply(action, form.cleaned_data, request.user)
        if done:
            messages.success(request, f"{action.done}: {', '.join(done)}.")
        for text in refused:
            messages.error(request, text)
        return back

    def apply(
        self, action: BulkAction, data: dict[str, Any], user: Any
    ) -> tuple[list[str], list[str]]:
        """Numbers done and refusals, in the order chosen. Each service call is its own
        transaction: a refusal leaves its article as it was and the others done."""
        articles = {
            article.number: article
            for article in Article.objects.filter(number__in=data["articles"])
        }
        done, refused = [], []
        for number in data["articles"]:
            article = articles.get(number)
            if article is None:
                refused.append(f"{number}: there is no article with this number.")
                continue
            if action.from_statuses and article.status not in action.from_statuses:
                refused.append(
                    f"{number} is {article.get_status_display().lower()}; "
                    f"“{action.label}” is for articles out of use."
                )
                continue
            try:
                action.call(article=article, data=data, user=user)
            except ValidationError as error:
                text = " ".join(error.messages)
                refused.append(text if text.startswith(number) else f"{number}: {text}")
            else:
                done.append(number)
        return done, refused
