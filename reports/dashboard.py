"""The start page: the fleet at a glance, what needs attention, and the monthly chart."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView

from articles.models import Article, Status
from catalog_link.models import CatalogItem, CatalogItemKind
from catalog_link.selectors import catalog_availability
from skus.models import SKU

from .figures import MONTHLY_FIGURES, figure_of, fleet_monthly_totals

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
