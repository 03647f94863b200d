"""The figures of SPEC.md "Figures" and "Sell-off candidates", computed in the database.

Each figure is declared once in ``declarations`` (name, kind, rounding, label); the
report functions compute them with a fixed handful of SQL statements whatever the
number of articles: ``ledger`` is the per-article pass over the events, ``skus`` adds
the sweep for the peaks on order and the latest purchase prices, and Python finishes
over one row per article (day counts as exact decimals in ``amounts``, medians and
Kaplan–Meier in ``survival``). ``dialect`` holds what differs between PostgreSQL and
SQLite, ``reading`` how a report's statements run. ``kept`` keeps each SKU's part of
the SKU and sell-off reports as of today, which the pages and ``manage.py report`` read.
"""

from .articles import article_figures
from .declarations import (
    ARTICLE_FIGURES,
    FIGURES,
    MONTHLY_FIGURES,
    REASONS_IN_ORDER,
    REPORT_COLUMNS,
    SELLOFF_FIGURES,
    SKU_FIGURES,
    Figure,
    Kind,
    figure_of,
)
from .horizon import FIRST_AS_OF, LAST_AS_OF, MAX_WINDOW_DAYS
from .kept import (
    SelloffListing,
    kept_reports_forget,
    kept_reports_make,
    kept_reports_refresh,
    kept_selloff,
    kept_selloff_candidates,
    kept_selloff_listing,
    kept_sku_figures,
)
from .monthly import fleet_monthly_totals
from .selloff import Selloff, SkuSelloff, selloff, selloff_candidates
from .skus import sku_figures

__all__ = [
    "ARTICLE_FIGURES",
    "FIGURES",
    "FIRST_AS_OF",
    "LAST_AS_OF",
    "MAX_WINDOW_DAYS",
    "MONTHLY_FIGURES",
    "REASONS_IN_ORDER",
    "REPORT_COLUMNS",
    "SELLOFF_FIGURES",
    "SKU_FIGURES",
    "Figure",
    "Kind",
    "article_figures",
    "figure_of",
    "fleet_monthly_totals",
    "kept_reports_forget",
    "kept_reports_make",
    "kept_reports_refresh",
    "kept_selloff",
    "kept_selloff_candidates",
    "kept_selloff_listing",
    "kept_sku_figures",
    "Selloff",
    "SelloffListing",
    "SkuSelloff",
    "selloff",
    "selloff_candidates",
    "sku_figures",
]
