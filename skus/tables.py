"""The tables of the SKU pages: SKUs with their counts (and figures, for who sees
money), and one SKU's articles."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import django_tables2 as tables
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from articles.models import Status
from inventory_site.tables import FixedPageTable
from reports.figures.declarations import figure_of

from .models import SKU
from .wording import figure_header, figure_text, parameters_line

CURRENCY = settings.CURRENCY
NUMBER = {"td": {"class": "num"}, "th": {"class": "num"}}
# The figures a manager reads on the list; the SKU's page and the SKU report show all.
LIST_FIGURES = (
    "revenue",
    "net",
    "revenue_per_article",
    "mean_utilization",
    "km_median_lifetime_days",
    "surplus",
)
MONEY_COLUMNS_OF_ARTICLES = ("purchase_price", "total_revenue")


class FigureColumn(tables.Column):
    """A SKU figure of the rows on the page, read from ``table.figures`` (the view
    computes them for those rows only)."""

    def __init__(self, name: str, **kwargs: Any):
        self.figure = figure_of(name)
        super().__init__(
            verbose_name=figure_header(name),
            orderable=False,
            empty_values=(),
            attrs=NUMBER,
            **kwargs,
        )

    def render(self, record: SKU, table: "SKUTable") -> str:
        row = table.figures.get(record.code)
        value = None if row is None else row[self.figure.name]
        return figure_text(self.figure.name, value, units=False)


class SKUTable(FixedPageTable):
    code = tables.Column(verbose_name="SKU", attrs={"td": {"class": "sku-code"}})
    articles_count = tables.Column(verbose_name="Articles", attrs=NUMBER)
    active = tables.Column(verbose_name=Status.ACTIVE.label, attrs=NUMBER)
    on_order = tables.Column(verbose_name="On order now", attrs=NUMBER)
    out_of_use = tables.Column(verbose_name=Status.OUT_OF_USE.label, attrs=NUMBER)
    sold = tables.Column(verbose_name=Status.SOLD.label, attrs=NUMBER)
    retired = tables.Column(verbose_name=Status.RETIRED.label, attrs=NUMBER)
    lost = tables.Column(verbose_name=Status.LOST.label, attrs=NUMBER)
    parameters = tables.Column(
        verbose_name="Sell-off parameters",
        accessor="pk",
        orderable=False,
        attrs={"td": {"class": "wrap parameters"}},
    )

    class Meta:
        attrs = {"class": "figures sku-list"}
        template_name = "django_tables2/table.html"
        empty_text = "No SKUs match."

    def __init__(self, *args: Any, money: bool = False, **kwargs: Any):
        extra = [(name, FigureColumn(name)) for name in LIST_FIGURES] if money else []
        super().__init__(*args, extra_columns=extra, **kwargs)
        self.money = money
        # Set by the view for the rows of the page: SKU code -> its figures.
        self.figures: dict[str, dict[str, Any]] = {}
        counts = [
            "articles_count",
            "active",
            "on_order",
            "out_of_use",
            "sold",
            "retired",
            "lost",
        ]
        self.sequence = ["code", *counts, *(LIST_FIGURES if money else ()), "parameters"]

    def render_code(self, value: str, record: SKU) -> SafeString:
        """The code, linking to the SKU's page, over its name."""
        url = reverse("skus:detail", args=[value])
        return format_html(
            '<a href="{}">{}</a><br><span class="muted">{}</span>', url, value, record.name
        )

    def render_parameters(self, record: SKU) -> str:
        return parameters_line(record, money=self.money)


class SKUArticleTable(FixedPageTable):
    """One SKU's articles, numbers linking to their pages."""

    number = tables.Column(verbose_name="Number")
    store = tables.Column(verbose_name="Store", accessor="store__name", order_by="store__name")
    status = tables.Column()
    on_order = tables.BooleanColumn(verbose_name="On order now", yesno="yes,")
    condition = tables.Column()
    allocation = tables.Column(verbose_name="For")
    purchased_on = tables.DateColumn(verbose_name="Purchased", format="j M Y")
    purchase_price = tables.Column(verbose_name=f"Purchase price ({CURRENCY})", attrs=NUMBER)
    total_usage_count = tables.Column(verbose_name="Uses", attrs=NUMBER)
    total_revenue = tables.Column(verbose_name=f"Revenue ({CURRENCY})", attrs=NUMBER)

    class Meta:
        attrs = {"class": "figures sku-articles"}
        template_name = "django_tables2/table.html"
        empty_text = "This SKU has no articles yet."
        sequence = (
            "number",
            "store",
            "status",
            "on_order",
            "condition",
            "allocation",
            "purchased_on",
            "purchase_price",
            "total_usage_count",
            "total_revenue",
        )

    def __init__(self, *args: Any, money: bool = False, **kwargs: Any):
        exclude: Sequence[str] = () if money else MONEY_COLUMNS_OF_ARTICLES
        super().__init__(*args, exclude=exclude, **kwargs)

    def render_number(self, value: str) -> SafeString:
        url = reverse("articles:detail", args=[value])
        return format_html('<a href="{}">{}</a>', url, value)

    def render_purchase_price(self, value: Decimal) -> str:
        return floatformat(value, "2g")

    def render_total_revenue(self, value: Decimal) -> str:
        return floatformat(value, "2g")
