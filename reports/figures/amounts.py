"""Exact arithmetic of the figures: days as seconds, money to the cent, depreciation.

Money is a ``Decimal`` with 2 places. Money figures are rounded to the cent where
SPEC.md derives them by arithmetic that can leave fractions of a cent
(``estimated_value``, ``renewal_hurdle``, ``challenger_margin``), so that the figures
built from them (``value_loss``, ``keep_margin``, ``renewal_gain``) add up exactly as
shown. A day is 86,400 seconds, also for windows.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from articles.models import Condition

SECONDS_PER_DAY = 86_400
DAY = Decimal(SECONDS_PER_DAY)
YEAR_SECONDS = Decimal(365 * SECONDS_PER_DAY)
ZERO = Decimal("0")
ONE = Decimal("1")
CENT = Decimal("0.01")
NO_MONEY = Decimal("0.00")
MICROSECOND = Decimal("0.000001")
# f(condition) of SPEC.md's estimated_value.
CONDITION_FACTORS: dict[str, Decimal] = {
    Condition.NEW: Decimal("1.00"),
    Condition.LIKE_NEW: Decimal("0.85"),
    Condition.GOOD: Decimal("0.70"),
    Condition.FAIR: Decimal("0.50"),
    Condition.POOR: Decimal("0.25"),
}


def to_cent(value: Decimal) -> Decimal:
    """An amount rounded half up to the cent."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def kept_share(rate: Decimal, years: Decimal) -> Decimal:
    """(1 - r) ^ years: the share of its value an article keeps (0 at a rate of 1)."""
    base = ONE - rate
    if years == 0:
        return ONE
    return base**years if base else ZERO


class Depreciation:
    """(1 - r) ^ (age / 365 days), cached: many articles share a rate and a purchase day."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, int | Decimal], Decimal] = {}

    def factor(self, rate: Decimal, age_seconds: Decimal) -> Decimal:
        # Ages are whole seconds but for odd imported times: ints hash much faster.
        whole = int(age_seconds)
        key = (str(rate), whole if whole == age_seconds else age_seconds)
        factor = self._cache.get(key)
        if factor is None:
            factor = kept_share(rate, max(age_seconds, ZERO) / YEAR_SECONDS)
            self._cache[key] = factor
        return factor

    def value(self, price: Decimal, condition: str, rate: Decimal, age_seconds: Decimal) -> Decimal:
        """estimated_value: price × (1 - r) ^ (age_days / 365) × f(condition), to the cent."""
        return to_cent(price * self.factor(rate, age_seconds) * CONDITION_FACTORS[condition])
