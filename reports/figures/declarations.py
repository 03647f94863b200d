"""Every figure the reports show, declared once: its name, kind of value, rounding, label.

A figure's ``name`` is its column in ``manage.py report``, in the CSV downloads and in
the page tables, written exactly as SPEC.md writes it. Its ``kind`` says how a value is
written (money, other fractions, whole numbers, dates, text, a list of reason codes)
and its rounding (``quantum``) the step it is shown to, half up (money to the cent,
other fractions to 4 decimals). Its ``label`` is the column's header on a page, in a
manager's words, and its ``definition`` says in plain words what SPEC.md defines (the
header's hover text); the CSV and the command keep the bare name.
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
    definition: str = ""

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
        Figure("number", TEXT, "Article", "The article's number."),
        Figure("sku_code", TEXT, "SKU", "The SKU: the group of like articles it belongs to."),
        Figure("sku_name", TEXT, "Name", "The SKU's name."),
        Figure("store", TEXT, "Store", "The store the article is in now."),
        Figure("status", TEXT, "Status", "The article's status now."),
        Figure("condition", TEXT, "Condition", "The article's condition grade now."),
        Figure("month", DATE, "Month", "The calendar month."),
        # Per article (SPEC.md "Figures").
        Figure(
            "usage_count",
            INTEGER,
            "Uses",
            "Rentals and subscription periods started up to the end of the as-of date.",
        ),
        Figure(
            "usage_days",
            FRACTION,
            "Usage days",
            "Days out on rentals and subscriptions while owned, up to the end of the "
            "as-of date (one still out counts until then).",
        ),
        Figure(
            "owned_days",
            FRACTION,
            "Days owned",
            "Days from the purchase date to its sale, retirement or loss, or to the end "
            "of the as-of date while still owned.",
        ),
        Figure(
            "utilization",
            FRACTION,
            "Utilization",
            "Share of the days owned spent in use: usage days ÷ days owned "
            "(0 when owned for no time).",
        ),
        Figure(
            "revenue",
            MONEY,
            "Revenue",
            "Everything earned up to the end of the as-of date (rentals, subscriptions, "
            "fees, other income), not counting a sale price.",
        ),
        Figure(
            "expenses",
            MONEY,
            "Expenses",
            "Every cost recorded up to the end of the as-of date (service, repairs, "
            "transfers, disposal and other costs).",
        ),
        Figure("net", MONEY, "Net", "Revenue minus expenses."),
        Figure(
            "payback_ratio",
            FRACTION,
            "Share paid back",
            "Net ÷ purchase price: 1.0000 means it has earned back what it cost. "
            "Empty when the price is 0.",
        ),
        Figure(
            "paid_back_on",
            DATE,
            "Paid back on",
            "The day its running net first reached the purchase price. Empty if not "
            "yet, or when the price is 0.",
        ),
        Figure("sale_proceeds", MONEY, "Sold for", "What it was sold for, if it was sold."),
        Figure(
            "lifetime_profit",
            MONEY,
            "Lifetime profit",
            "Net plus what it was sold for, minus the purchase price.",
        ),
        Figure(
            "dollar_utilization",
            FRACTION,
            "Year's revenue ÷ price",
            "Revenue of the 365 days up to the end of the as-of date ÷ purchase price "
            "(the rental trade's financial utilization). Empty when the price is 0.",
        ),
        Figure(
            "estimated_value",
            MONEY,
            "Estimated value",
            "Purchase price less the SKU's yearly depreciation (20% unless set) for its "
            "age, times its condition (new 1.00, like new 0.85, good 0.70, fair 0.50, "
            "poor 0.25). 0 once sold, retired or lost.",
        ),
        # Per SKU.
        Figure(
            "articles",
            INTEGER,
            "Articles",
            "Articles bought by the as-of date, sold, retired and lost ones included.",
        ),
        Figure("active", INTEGER, "Active", "Articles active at the end of the as-of date."),
        Figure(
            "out_of_use",
            INTEGER,
            "Out of use",
            "Articles out of use (service, cleaning, damage) at the end of the as-of date.",
        ),
        Figure(
            "on_order",
            INTEGER,
            "On order",
            "Active articles out on a rental or subscription at the end of the as-of date.",
        ),
        Figure("lost", INTEGER, "Lost", "Articles lost at the end of the as-of date."),
        Figure("sold", INTEGER, "Sold", "Articles sold by the as-of date."),
        Figure("retired", INTEGER, "Retired", "Articles retired by the as-of date."),
        Figure(
            "purchase_total",
            MONEY,
            "Purchase total",
            "The articles' purchase prices added up.",
        ),
        Figure(
            "revenue_per_article",
            MONEY,
            "Revenue per article",
            "Revenue ÷ articles.",
        ),
        Figure(
            "mean_utilization",
            FRACTION,
            "Average utilization",
            "The average utilization of the articles owned for some time.",
        ),
        Figure(
            "disposed",
            INTEGER,
            "Gone",
            "Articles sold, retired or lost by the as-of date.",
        ),
        Figure(
            "median_lifetime_days",
            FRACTION,
            "Median lifetime (days)",
            "The middle value of the days from purchase to sale, retirement or loss, "
            "over the articles that are gone. Empty if none is.",
        ),
        Figure(
            "median_uses_at_disposal",
            FRACTION,
            "Median uses in a life",
            "The middle value of the uses of the articles that are gone. Empty if none is.",
        ),
        Figure(
            "km_median_lifetime_days",
            FRACTION,
            "Expected lifetime (days)",
            "The median lifetime estimated over all articles, counting each one still "
            "owned as lasting at least its days owned (Kaplan–Meier). Empty until the "
            "estimate says half of them are gone.",
        ),
        Figure(
            "peak_on_order",
            INTEGER,
            "Most on order at once",
            "The most articles out on order at the same moment in the window before "
            "the end of the as-of date.",
        ),
        Figure(
            "surplus",
            INTEGER,
            "Surplus",
            "Active rental articles minus the most on order at once minus one spare "
            "(never below 0): how many the SKU could give up and still have met its "
            "busiest moment.",
        ),
        # Sell-off candidates (per SKU, then per article).
        Figure(
            "replacement_price",
            MONEY,
            "Price of a new one",
            "What a new article costs: the SKU's setting, else the price of its most "
            "recently bought article.",
        ),
        Figure(
            "challenger_net_per_day",
            FRACTION,
            "New one's net per day used",
            "What a new article earns per day of use: the middle value, over the "
            "rental articles owned at least a window and used in their first window, "
            "of their net in that first window ÷ their usage days in it.",
        ),
        Figure(
            "renewal_hurdle",
            MONEY,
            "Renewal hurdle",
            "The cost and effort of selling one and buying a new one: the SKU's "
            "setting, else 10% of the price of a new one.",
        ),
        Figure(
            "trailing_net",
            MONEY,
            "Net in the window",
            "Revenue minus costs of the window up to the end of the as-of date, without a sale.",
        ),
        Figure(
            "value_loss",
            MONEY,
            "Value it will lose",
            "How much its estimated value drops over the next window (same condition).",
        ),
        Figure(
            "keep_margin",
            MONEY,
            "Gain from keeping",
            "Net in the window minus the value it will lose. Below 0: it earns less "
            "than it loses in value.",
        ),
        Figure(
            "window_usage_days",
            FRACTION,
            "Usage days in the window",
            "Days out on rentals and subscriptions within the window.",
        ),
        Figure(
            "challenger_margin",
            MONEY,
            "Gain from a new one",
            "What a new article would add in its place over a window: a new one's net "
            "per day of use × this one's usage days in the window, minus what a new "
            "one loses in value over a window.",
        ),
        Figure(
            "renewal_gain",
            MONEY,
            "Gain from renewing",
            "Gain from a new one minus gain from keeping this one. Renewing is advised "
            "when it is above the SKU's renewal hurdle and the SKU has no surplus.",
        ),
        Figure("reasons", REASONS, "Why", "Why the article is worth selling or renewing."),
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
    """A reason code of a sell-off candidate, the advice it gives ("sell", "renew",
    or "" for a remark that only adds to another reason), and what a page says for it:
    ``label`` in a manager's words, ``definition`` the rule behind it."""

    code: str
    advice: str
    label: str = ""
    definition: str = ""


# In the order of SPEC.md "Sell-off candidates", which is the order they are listed in.
REASONS_IN_ORDER = (
    Reason(
        "earns_less_than_value_loss",
        "sell",
        "Earns less than it loses in value",
        "Its net in the window is below the value it will lose over the next window: "
        "sell it; no need to replace it.",
    ),
    Reason(
        "surplus_sku",
        "sell",
        "Surplus: more than the SKU needs",
        "Its SKU has more articles than its busiest moment needed, and this is one of "
        "the weakest of them: sell it; the SKU keeps enough.",
    ),
    Reason(
        "new_one_earns_more",
        "renew",
        "A new one would earn more",
        "Its SKU has no surplus, and a new article in its place would gain more than "
        "the renewal hurdle: replace it with a new one.",
    ),
    Reason("idle", "", "Not used in the window", "It was not out once in the window."),
    Reason("poor_condition", "", "Poor condition", "Its condition is graded poor."),
    Reason(
        "past_expected_lifetime",
        "",
        "Past its expected lifetime",
        "It is older than the lifetime set for its SKU.",
    ),
    Reason(
        "paid_back",
        "",
        "Has paid for itself",
        "Its net has reached its purchase price.",
    ),
)
ADVICE_OF_REASON = {reason.code: reason.advice for reason in REASONS_IN_ORDER}
REASON_OF_CODE = {reason.code: reason for reason in REASONS_IN_ORDER}
