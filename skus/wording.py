"""A SKU's sell-off parameters and figures in a manager's words, for its pages.

An empty parameter is the installation's default (SPEC.md "Settings"); the words say
so, and what the default is, so nobody has to know the settings.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat

from reports.figures.declarations import FRACTION, INTEGER, MONEY, figure_of

from .models import SKU


def money_text(amount: Decimal) -> str:
    """``1,299.00 EUR``: two decimals, thousands grouped, the installation's currency."""
    return f"{floatformat(amount, '2g')} {settings.CURRENCY}"


def percent_text(share: Decimal) -> str:
    """A share as a percentage: 0.2 is ``20 %``, 0.125 is ``12.5 %``."""
    return f"{floatformat(share * 100, -2)} %"


def days_text(days: int) -> str:
    """``1,460 days (about 4 years)``; a year or more is also said in years."""
    years = floatformat(Decimal(days) / 365, -1)
    about = ""
    if days >= 365:
        about = " (about a year)" if years == "1" else f" (about {years} years)"
    return f"{intcomma(days)} days{about}"


@dataclass(frozen=True)
class Parameter:
    """One sell-off parameter: its name, its value in words, and whether it is money."""

    name: str
    text: str
    short: str  # for the list, where every row says it
    money: bool = False


def parameters_in_words(sku: SKU) -> list[Parameter]:
    """The SKU's sell-off parameters, each with what an empty one means."""

    def default(empty: bool, short: bool = False) -> str:
        if not empty:
            return ""
        return " (default)" if short else ", the default"

    rate = f"{percent_text(sku.effective_depreciation_rate)} a year"
    window_days = sku.effective_selloff_window_days
    window = days_text(window_days) + default(sku.selloff_window_days is None)
    window_short = f"{intcomma(window_days)} days" + default(sku.selloff_window_days is None, True)
    lifetime = sku.expected_lifetime_days
    share = percent_text(settings.RENEWAL_HURDLE_SHARE)
    replacement, hurdle = sku.replacement_price, sku.renewal_hurdle
    return [
        Parameter(
            "Depreciation",
            rate + default(sku.depreciation_rate is None),
            f"depreciation {rate}" + default(sku.depreciation_rate is None, True),
        ),
        Parameter(
            "Expected lifetime",
            "none set" if lifetime is None else days_text(lifetime),
            "no expected lifetime" if lifetime is None else f"lifetime {intcomma(lifetime)} days",
        ),
        Parameter("Sell-off window", window, f"window {window_short}"),
        Parameter(
            "Replacement price",
            "the price of the most recently purchased article"
            if replacement is None
            else money_text(replacement),
            "replacement at the latest purchase price"
            if replacement is None
            else f"replacement {money_text(replacement)}",
            money=True,
        ),
        Parameter(
            "Renewal hurdle",
            f"{share} of the replacement price" if hurdle is None else money_text(hurdle),
            f"hurdle {share} of it" if hurdle is None else f"hurdle {money_text(hurdle)}",
            money=True,
        ),
    ]


def parameters_line(sku: SKU, *, money: bool) -> str:
    """The parameters on one line, for the list; money ones only for who sees money."""
    line = "; ".join(
        parameter.short for parameter in parameters_in_words(sku) if money or not parameter.money
    )
    return line[:1].upper() + line[1:]


# Figures that are money although they are not written as an amount (per day of use).
MONEY_FRACTIONS = frozenset({"challenger_net_per_day"})
PERCENT_FIGURES = frozenset({"mean_utilization"})
DAY_FIGURES = frozenset({"median_lifetime_days", "km_median_lifetime_days"})


def figure_text(name: str, value: Any, *, units: bool = True) -> str:
    """A SKU figure as a page shows it: money with its currency, utilization as a
    percentage, lifetimes in whole days, other fractions to 1 decimal; "—" for none.
    Without ``units`` (a table whose header names them) money and days are bare."""
    if value is None:
        return "—"
    kind = figure_of(name).kind
    if name in PERCENT_FIGURES:
        return f"{floatformat(value * 100, 1)} %"
    if name in DAY_FIGURES:
        days = floatformat(value, "0g")
        return f"{days} days" if units else str(days)
    if kind == MONEY or name in MONEY_FRACTIONS:
        amount = floatformat(value, "2g")
        return f"{amount} {settings.CURRENCY}" if units else str(amount)
    if kind == INTEGER:
        return intcomma(value)
    if kind == FRACTION:
        return str(floatformat(value, "1g"))
    return str(value)


def figure_header(name: str) -> str:
    """A figure's label, with the currency of a money figure (its cells are bare)."""
    label = figure_of(name).label
    if figure_of(name).kind == MONEY or name in MONEY_FRACTIONS:
        return f"{label} ({settings.CURRENCY})"
    return label
