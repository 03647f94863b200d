"""django-tables2 tables over report rows (dicts keyed by SPEC.md's column names)."""

from collections.abc import Sequence

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from .formatting import FRACTION, INTEGER, MONEY, REASONS, column_kind, format_value

# Reasons that say "sell" rather than "renew" or a mere remark, for their colour.
SELL_REASONS = {"earns_less_than_value_loss", "surplus_sku"}
RENEW_REASONS = {"new_one_earns_more"}
NUMERIC_KINDS = (MONEY, FRACTION, INTEGER)


class FigureColumn(tables.Column):
    """A figure written exactly as in the CSV and the command (2 or 4 decimals)."""

    def __init__(self, name: str, **kwargs):
        self.figure = name
        numeric = column_kind(name) in NUMERIC_KINDS
        attrs = {"td": {"class": "num"}, "th": {"class": "num"}} if numeric else {}
        super().__init__(verbose_name=name, attrs=attrs, empty_values=(), **kwargs)

    def render(self, value):
        if self.figure == "number":
            changelist = reverse("admin:articles_article_changelist")
            return format_html('<a href="{}?q={}">{}</a>', changelist, value, value)
        if column_kind(self.figure) == REASONS:
            return format_html_join(
                "",
                '<span class="reason {}">{}</span>',
                (
                    ("sell" if r in SELL_REASONS else "renew" if r in RENEW_REASONS else "", r)
                    for r in value
                ),
            )
        text = format_value(self.figure, value)
        if column_kind(self.figure) == MONEY and text.startswith("-"):
            return format_html('<span class="neg">{}</span>', text)
        return text


class FiguresTable(tables.Table):
    """A table with one column per figure; built by ``figures_table``."""

    class Meta:
        attrs = {"class": "figures"}
        template_name = "django_tables2/table.html"


def figures_table(
    columns: Sequence[str], rows: list[dict], *, orderable: bool = True, **kwargs
) -> FiguresTable:
    return FiguresTable(
        rows,
        extra_columns=[(name, FigureColumn(name, orderable=orderable)) for name in columns],
        sequence=list(columns),
        orderable=orderable,
        **kwargs,
    )
