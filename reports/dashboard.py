"""The start page: the fleet at a glance, what needs attention, and the monthly chart."""

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Count, Window
from django.urls import reverse
from django.utils import formats, timezone
from django.views.generic import TemplateView

from articles.models import Status
from articles.selectors import Moments, articles_needing_attention, fleet_counts
from articles.tables import detail_url
from catalog_link.models import CatalogItem, CatalogItemKind
from catalog_link.selectors import catalog_availability
from skus.models import SKU

from .figures import MONTHLY_FIGURES, figure_of, fleet_monthly_totals

# The monthly figures the chart draws (the month is its axis).
CHART_FIGURES = tuple(name for name in MONTHLY_FIGURES if name != "month")

# How many SKUs and catalog items a flag on the start page names; the rest are counted.
FLAGGED_SHOWN = 10


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
    or sells them. One statement, whatever the number of SKUs: each of the first rows
    carries the count of all (a window over the whole result)."""
    unused = (
        SKU.objects.exclude(catalog_slots__item__active=True)
        .annotate(unused_count=Window(Count("pk")))
        .order_by("code")
    )
    rows = list(unused.values_list("code", "name", "unused_count")[:FLAGGED_SHOWN])
    shown = [(f"{code} · {name}", reverse("skus:detail", args=[code])) for code, name, _ in rows]
    return Flagged(shown=shown, count=rows[0][2] if rows else 0)


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


# How many articles each card of the start page names; the count links to the rest.
ATTENTION_SHOWN = 6


@dataclass
class Attention:
    """A card of the start page: a few articles (number, its page, what to say), how
    many there are in all, and the list that shows them all."""

    title: str
    articles: list[tuple[str, str | None, str]]
    count: int
    url: str
    key: str

    @property
    def more(self) -> int:
        return self.count - len(self.articles)


def _list_url(**filters: str) -> str:
    return f"{reverse('articles:list')}?{urlencode(filters)}"


def _when(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value), "j M H:i")


def attention_cards(counts: dict[str, int], moments: Moments) -> list[Attention]:
    """On order now, due back today, overdue, out of use: one statement for the few
    articles each shows (the counts come from ``fleet_counts``)."""
    lists = articles_needing_attention(shown=ATTENTION_SHOWN, moments=moments)

    def shown(key: str, say: Callable[[dict[str, Any]], str]) -> list[tuple[str, str | None, str]]:
        return [(row["number"], detail_url(row["number"]), say(row)) for row in lists[key]]

    def due(row: dict[str, Any]) -> str:
        reference = f" · {row['on_order_reference']}" if row["on_order_reference"] else ""
        return f"due {_when(row['on_order_due'])}{reference}"

    return [
        Attention(
            "On order now",
            shown("on_order", lambda row: f"since {_when(row['on_order_since'])}"),
            counts["on_order"],
            _list_url(on_order="yes", sort="on_order"),
            "on-order",
        ),
        Attention(
            "Due back today",
            shown("due_today", due),
            counts["due_today"],
            _list_url(due="today"),
            "due-today",
        ),
        Attention(
            "Overdue",
            shown("overdue", due),
            counts["overdue"],
            _list_url(due="overdue"),
            "overdue",
        ),
        Attention(
            "Out of use",
            shown("out_of_use", lambda row: ""),
            counts[Status.OUT_OF_USE],
            _list_url(status=Status.OUT_OF_USE),
            "out-of-use",
        ),
    ]


def fleet_tiles(counts: dict[str, int]) -> list[tuple[str, int, str]]:
    """The fleet's counts, each (label, count, the list that shows them)."""
    return [
        ("Articles", counts["articles"], reverse("articles:list")),
        (
            "In the fleet",
            counts[Status.ACTIVE] + counts[Status.OUT_OF_USE],
            _list_url(status="fleet"),
        ),
        *(
            (status.label, counts[status.value], _list_url(status=status.value))
            for status in Status
        ),
        ("On order now", counts["on_order"], _list_url(on_order="yes")),
    ]


def monthly_cells(row: dict[str, Any], names: Sequence[str]) -> list[str]:
    """A month of the chart as the table under it writes it: money with 2 decimals,
    days with 1."""
    return [
        formats.date_format(row["month"], "M Y"),
        *(f"{row[name]:.1f}" if name == "usage_days" else f"{row[name]:.2f}" for name in names),
    ]


class DashboardView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The start page: the lookup, what needs attention (on order, due back today,
    overdue, out of use), the fleet's counts, each linking to the filtered article
    list, and money and use per month as a chart (money for those who may see it).
    A fixed number of statements whatever the size of the fleet."""

    permission_required = "articles.view_article"
    template_name = "reports/dashboard.html"
    months = 24

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        today = timezone.localdate()
        moments = Moments.current()
        counts = fleet_counts(moments=moments)
        sees_money = self.request.user.has_perm("articles.view_money")
        monthly = fleet_monthly_totals(as_of=today, months=self.months)
        last_year = [row for row in monthly if row["month"] > today - dt.timedelta(days=365)]
        # The chart's and the table's figures: money only for those who may see it.
        shown = CHART_FIGURES if sees_money else ("usage_days",)
        chart = {
            "labels": [row["month"].strftime("%b %Y") for row in monthly],
            **{name: [float(row[name]) for row in monthly] for name in shown},
            "titles": {name: figure_of(name).label for name in shown},
        }
        return super().get_context_data(
            **kwargs,
            counts=counts,
            attention=attention_cards(counts, moments),
            tiles=fleet_tiles(counts),
            sees_money=sees_money,
            revenue_12_months=sum((row["revenue"] for row in last_year), 0),
            net_12_months=sum((row["net"] for row in last_year), 0),
            monthly_figures=[figure_of(name) for name in ("month", *shown)],
            monthly_rows=[monthly_cells(row, shown) for row in monthly],
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
