"""The article list as a django-tables2 table over ``selectors.article_list``.

The same table writes the CSV download (``as_values``): the "On order" cell of the
page is three hidden columns there (since, reference, due back), dates are ISO and
amounts plain numbers. Revenue and utilization are money figures: the view leaves
them out for those who may not see money, and utilization, which no stored total
holds, is set by the view for the rows it shows (``figures``).
"""

import datetime as dt
from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.db.models import F, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from reports.figures import figure_of
from reports.formatting import format_value

from .models import Article
from .selectors import by_number

NUMBER = {"td": {"class": "num"}, "th": {"class": "num"}}
# Columns that show money; left out for those without ``articles.view_money``.
MONEY_COLUMNS = ("revenue", "utilization")
OVERDUE_BADGE = mark_safe(' <span class="badge overdue">overdue</span>')


def detail_url(number: str) -> str | None:
    """The article's page; none for a number the page's URL cannot carry (a number
    with a slash), which is then shown without a link rather than failing the list."""
    try:
        return reverse("articles:detail", args=[number])
    except NoReverseMatch:
        return None


def _moment(value: dt.datetime | None) -> str:
    """A moment as the list shows it: the year only when it is not this year's."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    same_year = local.year == timezone.localdate().year
    return formats.date_format(local, "j M H:i" if same_year else "j M Y H:i")


def _iso(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    return value.isoformat()


class SelectColumn(tables.CheckBoxColumn):
    """A checkbox per row naming the article by its number, in the bulk-actions form
    (``form="bulk-actions"``: the table is outside it). The header names the column
    for screen readers; ``static/js/article-list.js`` adds a box that ticks them all."""

    @property
    def header(self) -> SafeString:
        return mark_safe('<span class="visually-hidden">Select</span>')


class ArticleTable(tables.Table):
    select = SelectColumn(
        accessor="number",
        attrs={"input": {"name": "articles", "form": "bulk-actions"}},
        exclude_from_export=True,
    )
    number = tables.Column(verbose_name="Number")
    sku = tables.Column(accessor="sku__code", verbose_name="SKU", order_by=("sku__code", "number"))
    status = tables.Column(order_by=("status", "number"))
    on_order = tables.Column(
        accessor="on_order_since",
        verbose_name="On order",
        exclude_from_export=True,
        attrs={"td": {"class": "on-order"}},
    )
    on_order_since = tables.Column(verbose_name="On order since", visible=False)
    on_order_reference = tables.Column(verbose_name="Order reference", visible=False)
    on_order_due = tables.Column(verbose_name="Due back", visible=False)
    condition = tables.Column(order_by=("condition", "number"))
    store = tables.Column(
        accessor="store__name", verbose_name="Store", order_by=("store__name", "number")
    )
    manufacturer = tables.Column(verbose_name="Make", order_by=("manufacturer", "number"))
    model = tables.Column(order_by=("model", "number"))
    production_year = tables.Column(verbose_name="Year", attrs=NUMBER)
    purchased_on = tables.Column(verbose_name="Purchased on")
    uses = tables.Column(
        accessor="total_usage_count",
        verbose_name=figure_of("usage_count").label,
        order_by=("total_usage_count", "number"),
        attrs=NUMBER,
    )
    revenue = tables.Column(
        accessor="total_revenue",
        verbose_name=figure_of("revenue").label,
        order_by=("total_revenue", "number"),
        attrs=NUMBER,
    )
    utilization = tables.Column(
        verbose_name=figure_of("utilization").label,
        empty_values=(),
        orderable=False,
        attrs={
            "td": {"class": "num"},
            "th": {"class": "num", "title": "Days on order per day owned, as of today"},
        },
    )

    class Meta:
        model = Article
        fields: tuple[str, ...] = ()
        attrs = {"class": "figures articles"}
        template_name = "django_tables2/table.html"
        empty_text = "No articles match."
        order_by = ("number",)

    def __init__(
        self,
        *args: Any,
        figures: dict[str, dict[str, Any]] | None = None,
        searched: bool = False,
        **kwargs: Any,
    ):
        # Whether the rows are a text search's matches (``order_number``): known
        # before the table sorts them, in ``super().__init__``.
        self.searched = searched
        super().__init__(*args, **kwargs)
        # Article figures by number, for the rows that show them (``utilization``).
        self.figures = figures or {}

    def render_number(self, value: str) -> SafeString | str:
        url = detail_url(value)
        return format_html('<a href="{}">{}</a>', url, value) if url else value

    def value_number(self, value: str) -> str:
        return value

    def order_number(self, queryset: QuerySet[Article], is_descending: bool):
        return queryset.order_by(by_number(searched=self.searched, descending=is_descending)), True

    def render_sku(self, value: str, record: Article) -> SafeString:
        return format_html('<span title="{}">{}</span>', record.sku.name, value)

    def value_sku(self, value: str) -> str:
        return value

    def render_on_order(self, value: dt.datetime, record: Any) -> SafeString:
        due = record.on_order_due
        overdue = due is not None and due < timezone.now()
        return format_html(
            "since {}{}{}{}",
            _moment(value),
            format_html("<br>ref. {}", record.on_order_reference)
            if record.on_order_reference
            else "",
            format_html("<br>due {}", _moment(due)) if due else "",
            OVERDUE_BADGE if overdue else "",
        )

    def order_on_order(self, queryset: QuerySet[Article], is_descending: bool):
        since = F("on_order_since")
        order = since.desc(nulls_last=True) if is_descending else since.asc(nulls_last=True)
        return queryset.order_by(order, "number"), True

    def value_on_order_since(self, value: dt.datetime | None) -> str:
        return _iso(value)

    def value_on_order_due(self, value: dt.datetime | None) -> str:
        return _iso(value)

    def render_purchased_on(self, value: dt.date) -> str:
        return formats.date_format(value, "j M Y")

    def value_purchased_on(self, value: dt.date | None) -> str:
        return _iso(value)

    def render_revenue(self, value: Decimal) -> SafeString | str:
        text = format_value("revenue", value)
        return format_html('<span class="neg">{}</span>', text) if value < 0 else text

    def value_revenue(self, value: Decimal) -> Decimal:
        return value

    def render_utilization(self, record: Article) -> str:
        value = self.figures.get(record.number, {}).get("utilization")
        if value is None:
            return "—"
        return f"{Decimal(value) * 100:.1f} %"

    def value_utilization(self, record: Article) -> str:
        return format_value("utilization", self.figures.get(record.number, {}).get("utilization"))
