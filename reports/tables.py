"""django-tables2 tables over report rows (dicts keyed by SPEC.md's column names).

Every column is made from its figure's declaration: the header is the figure's name
(the same as in the CSV download) with its label as the header's title, numbers are
aligned right and written exactly as in the CSV and the command.
"""

from collections.abc import Sequence
from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from .figures.declarations import ADVICE_OF_REASON, MONEY, REASONS, figure_of
from .formatting import format_value


class FigureColumn(tables.Column):
    """A figure written exactly as in the CSV and the command (2 or 4 decimals)."""

    def __init__(self, name: str, **kwargs: Any):
        self.figure = figure_of(name)
        attrs: dict[str, dict[str, str]] = {"th": {"title": self.figure.label}}
        if self.figure.kind.numeric:
            attrs = {"td": {"class": "num"}, "th": {"class": "num", **attrs["th"]}}
        super().__init__(verbose_name=name, attrs=attrs, empty_values=(), **kwargs)

    def render(self, value: Any) -> SafeString | str:
        name = self.figure.name
        if name == "number":
            changelist = reverse("admin:articles_article_changelist")
            return format_html('<a href="{}?q={}">{}</a>', changelist, value, value)
        if self.figure.kind == REASONS:
            # "sell" and "renew" reasons are coloured; remarks are not.
            return format_html_join(
                "",
                '<span class="reason {}">{}</span>',
                ((ADVICE_OF_REASON.get(reason, ""), reason) for reason in value),
            )
        text = format_value(name, value)
        if self.figure.kind == MONEY and text.startswith("-"):
            return format_html('<span class="neg">{}</span>', text)
        return text


class FiguresTable(tables.Table):
    """A table with one column per figure; built by ``figures_table``."""

    class Meta:
        attrs = {"class": "figures"}
        template_name = "django_tables2/table.html"


def figures_table(
    columns: Sequence[str],
    rows: list[dict[str, Any]],
    *,
    orderable: bool = True,
    **kwargs: Any,
) -> FiguresTable:
    return FiguresTable(
        rows,
        extra_columns=[(name, FigureColumn(name, orderable=orderable)) for name in columns],
        sequence=list(columns),
        orderable=orderable,
        **kwargs,
    )
