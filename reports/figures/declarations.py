"""Every figure the reports show, declared once: its name, kind of value, rounding, label.

A figure's ``name`` is its column in ``manage.py report``, in the CSV downloads and in
the page tables, written exactly as SPEC.md writes it. Its ``kind`` says how a value is
written (money, other fractions, whole numbers, dates, text, a list of reason codes)
and its rounding (``quantum``) the step it is shown to, half up (money to the cent,
other fractions to 4 decimals). Its ``label`` is what staff read on a page beside the bare name.
The report columns (``ARTICLE_FIGURES``, ``SKU_FIGURES``, ``SELLOFF_FIGURES``,
``MONTHLY_FIGURES``), ``reports.formatting`` and ``reports.tables`` are made from these
declarations; a new figure is one entry here, one in its report's columns, and the
code that computes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Kind(StrEnum):
    """How a figure's value is written."""

    MONEY = "money"
    FRACTION = "fraction"
    INTEGER = "integer"
    DATE = "date"
    TEXT = "text"
    REASONS = "reasons"

    @property
    def numeric(self) -> bool:
        """Numbers: aligned right in tables, unquoted in JSON."""
        return self in (Kind.MONEY, Kind.FRACTION, Kind.INTEGER)


# SPEC.md "Files in and out": money with 2 decimals, other fractions with 4.
QUANTUM_OF_KIND = {Kind.MONEY: Decimal("0.01"), Kind.FRACTION: Decimal("0.0001")}


@dataclass(frozen=True)
class Figure:
    """One column of a report."""

    name: str
    kind: Kind
    label: str

    @property
    def quantum(self) -> Decimal | None:
        """The step a value is rounded to, half up (``Decimal("0.01")`` for money);
        None for values that are not rounded (counts, dates, text)."""
        return QUANTUM_OF_KIND.get(self.kind)


MONEY = Kind.MONEY
FRACTION = Kind.FRACTION
INTEGER = Kind.INTEGER
DATE = Kind.DATE
TEXT = Kind.TEXT
REASONS = Kind.REASONS

FIGURES: dict[str, Figure] = {
    figure.name: figure
    for figure in (
        # What a row is about.
        Figure("number", TEXT, "Article number"),
        Figure("sku_code", TEXT, "SKU"),
        Figure("sku_name", TEXT, "SKU name"),
        Figure("store", TEXT, "Store"),
        Figure("status", TEXT, "Status"),
        Figure("condition", TEXT, "Condition"),
        Figure("month", DATE, "Month"),
        # Per article (SPEC.md "Figures").
        Figure("usage_count", INTEGER, "Uses"),
        Figure("usage_days", FRACTION, "Usage days"),
        Figure("owned_days", FRACTION, "Days owned"),
        Figure("utilization", FRACTION, "Utilization"),
        Figure("revenue", MONEY, "Revenue"),
        Figure("expenses", MONEY, "Expenses"),
        Figure("net", MONEY, "Net"),
        Figure("payback_ratio", FRACTION, "Net / purchase price"),
        Figure("paid_back_on", DATE, "Paid back on"),
        Figure("sale_proceeds", MONEY, "Sale proceeds"),
        Figure("lifetime_profit", MONEY, "Lifetime profit"),
        Figure("dollar_utilization", FRACTION, "Revenue of the last 365 days / price"),
        Figure("estimated_value", MONEY, "Estimated value"),
        # Per SKU.
        Figure("articles", INTEGER, "Articles"),
        Figure("active", INTEGER, "Active"),
        Figure("out_of_use", INTEGER, "Out of use"),
        Figure("on_order", INTEGER, "On order"),
        Figure("lost", INTEGER, "Lost"),
        Figure("sold", INTEGER, "Sold"),
        Figure("retired", INTEGER, "Retired"),
        Figure("purchase_total", MONEY, "Purchase total"),
        Figure("revenue_per_article", MONEY, "Revenue per article"),
        Figure("mean_utilization", FRACTION, "Mean utilization"),
        Figure("disposed", INTEGER, "Disposed"),
        Figure("median_lifetime_days", FRACTION, "Median lifetime (days)"),
        Figure("median_uses_at_disposal", FRACTION, "Median uses at disposal"),
        Figure("km_median_lifetime_days", FRACTION, "Kaplan–Meier median lifetime (days)"),
        Figure("peak_on_order", INTEGER, "Peak on order in the window"),
        Figure("surplus", INTEGER, "Surplus articles"),
        # Sell-off candidates (per SKU, then per article).
        Figure("replacement_price", MONEY, "Replacement price"),
        Figure("challenger_net_per_day", FRACTION, "New article's net per day of use"),
        Figure("renewal_hurdle", MONEY, "Renewal hurdle"),
        Figure("trailing_net", MONEY, "Net over the window"),
        Figure("value_loss", MONEY, "Value loss over the next window"),
        Figure("keep_margin", MONEY, "Keep margin"),
        Figure("window_usage_days", FRACTION, "Usage days in the window"),
        Figure("challenger_margin", MONEY, "Challenger margin"),
        Figure("renewal_gain", MONEY, "Renewal gain"),
        Figure("reasons", REASONS, "Reasons"),
    )
}


def figure_of(name: str) -> Figure:
    """The declaration of ``name``; a column not declared here is plain text."""
    return FIGURES.get(name) or Figure(name, TEXT, name)


def _columns(*names: str) -> tuple[str, ...]:
    """A report's columns in order; each must be declared (a typo fails at import)."""
    missing = [name for name in names if name not in FIGURES]
    if missing:
        raise LookupError(f"Undeclared figures: {', '.join(missing)}")
    return names


ARTICLE_FIGURES = _columns(
    "number",
    "sku_code",
    "store",
    "status",
    "condition",
    "usage_count",
    "usage_days",
    "owned_days",
    "utilization",
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
SKU_FIGURES = _columns(
    "sku_code",
    "sku_name",
    "articles",
    "active",
    "out_of_use",
    "on_order",
    "lost",
    "sold",
    "retired",
    "revenue",
    "expenses",
    "net",
    "purchase_total",
    "revenue_per_article",
    "mean_utilization",
    "disposed",
    "median_lifetime_days",
    "median_uses_at_disposal",
    "km_median_lifetime_days",
    "peak_on_order",
    "surplus",
    "replacement_price",
    "challenger_net_per_day",
    "renewal_hurdle",
)
SELLOFF_FIGURES = _columns(
    "number",
    "sku_code",
    "store",
    "reasons",
    "trailing_net",
    "value_loss",
    "keep_margin",
    "window_usage_days",
    "challenger_margin",
    "renewal_gain",
    "estimated_value",
)
MONTHLY_FIGURES = _columns("month", "revenue", "expenses", "net", "usage_days")

# The reports of ``manage.py report`` and the pages, by name: their columns in order.
REPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": ARTICLE_FIGURES,
    "skus": SKU_FIGURES,
    "selloff": SELLOFF_FIGURES,
}


@dataclass(frozen=True)
class Reason:
    """A reason code of a sell-off candidate and the advice it gives ("sell", "renew",
    or "" for a remark that only adds to another reason)."""

    code: str
    advice: str


# In the order of SPEC.md "Sell-off candidates", which is the order they are listed in.
REASONS_IN_ORDER = (
    Reason("earns_less_than_value_loss", "sell"),
    Reason("surplus_sku", "sell"),
    Reason("new_one_earns_more", "renew"),
    Reason("idle", ""),
    Reason("poor_condition", ""),
    Reason("past_expected_lifetime", ""),
    Reason("paid_back", ""),
)
ADVICE_OF_REASON = {reason.code: reason.advice for reason in REASONS_IN_ORDER}
