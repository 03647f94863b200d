"""django-tables2 tables over report rows (dicts keyed by SPEC.md's column names).

Every column is made from its figure's declaration: the header is the figure's label,
in a manager's words, with its definition as the header's hover text; numbers are
aligned right and written exactly as in the CSV and the command (which keep SPEC.md's
names). A report's columns come in sets a manager picks on the page (``?columns=``),
each in groups ("Money", "Use"...) headed above the columns, so that a set fits a
desktop screen; "All" shows every column and scrolls inside its frame.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import django_tables2 as tables
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from articles.models import Condition, Status

from .figures.declarations import MONEY, REASON_OF_CODE, REASONS, figure_of
from .formatting import format_value

# Text figures whose values are choices: the page shows the choice's label.
CHOICES_OF_FIGURE = {"status": Status, "condition": Condition}


@dataclass(frozen=True)
class ColumnGroup:
    """Columns shown under one heading."""

    label: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class ColumnSet:
    """A choice of columns of a report, in groups, under a name the page offers."""

    key: str
    label: str
    groups: tuple[ColumnGroup, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(name for group in self.groups for name in group.columns)


ARTICLE = ("number", "sku_code", "store", "status", "condition")
ARTICLE_USE = ("usage_count", "usage_days", "owned_days", "utilization")
ARTICLE_MONEY = (
    "revenue",
    "expenses",
    "net",
    "payback_ratio",
    "paid_back_on",
    "sale_proceeds",
    "lifetime_profit",
    "dollar_utilization",
    "estimated_value",
)
SKU = ("sku_code", "sku_name")
SKU_MONEY = ("revenue", "expenses", "net", "purchase_total", "revenue_per_article")
# The sell-off page's own columns, not figures: a checkbox and a link to record a sale.
OWN_COLUMNS = frozenset({"choose", "record_sale"})
CANDIDATE = ("choose", "number", "sku_code", "store", "condition")

# Per report, its column sets; the first one is shown unless the page asks for another.
COLUMN_SETS: dict[str, tuple[ColumnSet, ...]] = {
    "articles": (
        ColumnSet(
            "overview",
            "Overview",
            (
                ColumnGroup("Article", ARTICLE),
                ColumnGroup("Use", ("usage_count", "utilization")),
                ColumnGroup("Money", ("revenue", "net", "payback_ratio", "estimated_value")),
            ),
        ),
        ColumnSet(
            "use",
            "Use",
            (
                ColumnGroup("Article", ARTICLE),
                ColumnGroup("Use", ARTICLE_USE),
            ),
        ),
        ColumnSet(
            "money",
            "Money",
            (
                ColumnGroup("Article", ("number", "sku_code", "status")),
                ColumnGroup("Money", ARTICLE_MONEY),
            ),
        ),
        ColumnSet(
            "all",
            "All",
            (
                ColumnGroup("Article", ARTICLE),
                ColumnGroup("Use", ARTICLE_USE),
                ColumnGroup("Money", ARTICLE_MONEY),
            ),
        ),
    ),
    "skus": (
        ColumnSet(
            "overview",
            "Overview",
            (
                ColumnGroup("SKU", SKU),
                ColumnGroup("Articles", ("articles", "active", "on_order", "disposed")),
                ColumnGroup("Money", ("revenue", "net", "revenue_per_article")),
                ColumnGroup("Life", ("mean_utilization", "median_lifetime_days")),
                ColumnGroup("Sell-off", ("surplus",)),
            ),
        ),
        ColumnSet(
            "counts",
            "Articles",
            (
                ColumnGroup("SKU", SKU),
                ColumnGroup(
                    "Articles",
                    (
                        "articles",
                        "active",
                        "out_of_use",
                        "on_order",
                        "lost",
                        "sold",
                        "retired",
                        "disposed",
                    ),
                ),
                ColumnGroup("Busiest moment", ("peak_on_order", "surplus")),
            ),
        ),
        ColumnSet(
            "money",
            "Money",
            (
                ColumnGroup("SKU", SKU),
                ColumnGroup("Money", SKU_MONEY),
                ColumnGroup(
                    "Renewal",
                    ("replacement_price", "challenger_net_per_day", "renewal_hurdle"),
                ),
            ),
        ),
        ColumnSet(
            "use",
            "Use and life",
            (
                ColumnGroup("SKU", SKU),
                ColumnGroup("Use", ("mean_utilization", "peak_on_order", "surplus")),
                ColumnGroup(
                    "Life",
                    (
                        "disposed",
                        "median_lifetime_days",
                        "median_uses_at_disposal",
                        "km_median_lifetime_days",
                    ),
                ),
            ),
        ),
        ColumnSet(
            "all",
            "All",
            (
                ColumnGroup("SKU", SKU),
                ColumnGroup(
                    "Articles",
                    (
                        "articles",
                        "active",
                        "out_of_use",
                        "on_order",
                        "lost",
                        "sold",
                        "retired",
                    ),
                ),
                ColumnGroup("Money", SKU_MONEY),
                ColumnGroup(
                    "Life",
                    (
                        "mean_utilization",
                        "disposed",
                        "median_lifetime_days",
                        "median_uses_at_disposal",
                        "km_median_lifetime_days",
                    ),
                ),
                ColumnGroup(
                    "Sell-off",
                    (
                        "peak_on_order",
                        "surplus",
                        "replacement_price",
                        "challenger_net_per_day",
                        "renewal_hurdle",
                    ),
                ),
            ),
        ),
    ),
    "selloff": (
        ColumnSet(
            "overview",
            "Keep or sell",
            (
                ColumnGroup("Article", CANDIDATE),
                ColumnGroup("", ("reasons",)),
                ColumnGroup("Keep or sell", ("trailing_net", "value_loss", "keep_margin")),
                ColumnGroup("Value", ("estimated_value", "record_sale")),
            ),
        ),
        ColumnSet(
            "renew",
            "Renew",
            (
                ColumnGroup("Article", ("choose", "number", "sku_code")),
                ColumnGroup("", ("reasons",)),
                ColumnGroup("Keep", ("keep_margin",)),
                ColumnGroup("Renew", ("window_usage_days", "challenger_margin", "renewal_gain")),
            ),
        ),
        ColumnSet(
            "all",
            "All",
            (
                ColumnGroup("Article", CANDIDATE),
                ColumnGroup("", ("reasons",)),
                ColumnGroup("Keep or sell", ("trailing_net", "value_loss", "keep_margin")),
                ColumnGroup("Renew", ("window_usage_days", "challenger_margin", "renewal_gain")),
                ColumnGroup("Value", ("estimated_value", "record_sale")),
            ),
        ),
    ),
}


def column_set(report: str, key: str | None) -> ColumnSet | None:
    """The column set ``key`` of ``report``: its first set when ``key`` is empty, None
    when the report has no set of that name."""
    sets = COLUMN_SETS[report]
    if not key:
        return sets[0]
    return next((choice for choice in sets if choice.key == key), None)


def _reasons_html(codes: Sequence[str]) -> SafeString:
    """Each reason in plain words, its rule on hover; "sell" and "renew" ones coloured."""
    reasons = [REASON_OF_CODE.get(code) for code in codes]
    return format_html_join(
        "",
        '<span class="reason {}" title="{}">{}</span>',
        (
            (reason.advice, reason.definition, reason.label) if reason else ("", "", code)
            for code, reason in zip(codes, reasons, strict=True)
        ),
    )


class FigureColumn(tables.Column):
    """A figure under its label, written exactly as in the CSV and the command."""

    def __init__(self, name: str, **kwargs: Any):
        self.figure = figure_of(name)
        th: dict[str, str] = {"title": self.figure.definition} if self.figure.definition else {}
        attrs: dict[str, dict[str, str]] = {"th": th}
        if self.figure.kind.numeric:
            attrs = {"td": {"class": "num"}, "th": {"class": "num", **th}}
        elif self.figure.kind == REASONS:
            attrs = {"td": {"class": "wrap reasons"}, "th": th}
        super().__init__(verbose_name=self.figure.label, attrs=attrs, empty_values=(), **kwargs)

    def render(self, value: Any) -> SafeString | str:
        name = self.figure.name
        if value is None:
            return ""
        if name == "number":
            return format_html(
                '<a href="{}">{}</a>', reverse("articles:detail", args=[value]), value
            )
        if name == "sku_code":
            return format_html('<a href="{}">{}</a>', reverse("skus:detail", args=[value]), value)
        if name in CHOICES_OF_FIGURE:
            choices = CHOICES_OF_FIGURE[name]
            return str(choices(value).label) if value in choices.values else str(value)
        if self.figure.kind == REASONS:
            return _reasons_html(value)
        text = format_value(name, value)
        if self.figure.kind == MONEY and text.startswith("-"):
            return format_html('<span class="neg">{}</span>', text)
        return text


class ChooseColumn(tables.Column):
    """A checkbox per row that may be acted on (``choosable`` in the row); its value is
    the article's number."""

    def __init__(self, **kwargs: Any):
        super().__init__(
            verbose_name="Choose",
            accessor="number",
            orderable=False,
            empty_values=(),
            attrs={"td": {"class": "choose"}, "th": {"class": "choose"}},
            **kwargs,
        )

    def render(self, value: str, record: Mapping[str, Any]) -> SafeString | str:
        if not record.get("choosable"):
            return ""
        return format_html(
            '<input type="checkbox" name="number" value="{}" aria-label="Choose {}">',
            value,
            value,
        )


class RecordSaleColumn(tables.Column):
    """A link to record the sale of a row's article, for a row that may still be sold."""

    def __init__(self, **kwargs: Any):
        super().__init__(
            verbose_name="Sale",
            accessor="number",
            orderable=False,
            empty_values=(),
            **kwargs,
        )

    def render(self, value: str, record: Mapping[str, Any]) -> SafeString | str:
        if not record.get("sellable"):
            return ""
        url = reverse("articles:event_new", args=[value])
        return format_html('<a href="{}?kind=sale">Record sale</a>', url)


class CountedPaginator(Paginator):
    """A paginator told how many rows there are, for rows that a query would have to
    read to count (``figures_table`` over kept sell-off candidates)."""

    def __init__(self, object_list: Any, per_page: int, *, count: int, **kwargs: Any):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


class FiguresTable(tables.Table):
    """A table with one column per figure; built by ``figures_table``. ``groups`` are
    the headings above its columns: (label, number of columns)."""

    groups: list[tuple[str, int]]

    class Meta:
        attrs = {"class": "figures report"}
        template_name = "reports/_figures_table.html"


def figures_table(
    choice: ColumnSet,
    rows: Sequence[Any] | QuerySet[Any, Any],
    *,
    orderable: bool = True,
    own_columns: Mapping[str, tables.Column] | None = None,
    tie_break: tuple[str, ...] = (),
    **kwargs: Any,
) -> FiguresTable:
    """The table of ``choice``'s columns over ``rows`` (a list, or a query that the
    database sorts and pages). A column that is not a figure (``choose``,
    ``record_sale``) is shown only when ``own_columns`` gives it (the user may use it),
    and leaves its group's heading one column narrower. Rows equal in the column the
    user sorts by are ordered by ``tie_break``, so that pages follow each other."""
    own = own_columns or {}
    groups = [
        (group.label, [name for name in group.columns if name in own or name not in OWN_COLUMNS])
        for group in choice.groups
    ]
    names = [name for _, columns in groups for name in columns]
    request = kwargs.pop("request", None)
    table = FiguresTable(
        rows,
        extra_columns=[
            (
                name,
                own[name]
                if name in own
                else FigureColumn(
                    name,
                    orderable=orderable,
                    order_by=(name, *(key for key in tie_break if key != name)),
                ),
            )
            for name in names
        ],
        sequence=names,
        orderable=orderable,
        **kwargs,
    )
    table.groups = [(label, len(columns)) for label, columns in groups if columns]
    if request is not None:
        # The order from the query string (``?sort=``); the caller pages the table.
        tables.RequestConfig(request, paginate=False).configure(table)
    return table
