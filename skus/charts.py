"""The charts of a SKU's page: how long its articles last and how many uses they give.

Made from the per-article rows of the SKU report (``reports.figures.skus.sku_reports``),
so that the survival curve is the one whose median the page's Kaplan–Meier figure
reads (SPEC.md ``km_median_lifetime_days``): disposal is the event, an article not
disposed by T is censored at the days it has been owned.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reports.figures.amounts import DAY
from reports.figures.ledger import ArticleRow
from reports.figures.survival import SurvivalStep, kaplan_meier_curve

# Bin widths a reader takes in at a glance: weeks, months, quarters, years of days,
# and 1-2-5 steps of uses.
LIFETIME_BIN_DAYS = (7, 14, 30, 60, 90, 180, 365, 730, 1825, 3650)
USES_BIN_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
MOST_BINS = 12


@dataclass(frozen=True)
class Bin:
    """The values at least ``low`` and less than ``high``, and how many there are."""

    low: int
    high: int
    count: int

    @property
    def last(self) -> int:
        """The largest whole number in the bin (for counts of uses)."""
        return self.high - 1


def histogram(values: Sequence[Decimal | int], *, steps: Sequence[int]) -> list[Bin]:
    """Equal bins from 0 that hold every value, of the first width in ``steps`` that
    needs at most ``MOST_BINS`` bins (a wider one of the same kind past the last)."""
    if not values:
        return []
    top = max(values)
    step = next((s for s in steps if top // s + 1 <= MOST_BINS), None)
    if step is None:
        step = int(-(-(top + 1) // MOST_BINS))  # the smallest width that fits
    counts = Counter(int(value // step) for value in values)
    return [
        Bin(low=index * step, high=(index + 1) * step, count=counts[index])
        for index in range(int(top // step) + 1)
    ]


def _days(seconds: Decimal) -> Decimal:
    return seconds / DAY


@dataclass(frozen=True)
class SkuCharts:
    """What the SKU's page draws, and shows as tables under the charts."""

    survival: list[SurvivalStep]
    longest_days: Decimal | None  # the longest time observed, where the curve ends
    articles: int
    lifetimes: list[Bin]  # days, disposed articles
    uses: list[Bin]  # usage count at disposal, disposed articles

    @classmethod
    def of(cls, rows: Sequence[ArticleRow]) -> SkuCharts:
        lifetimes = [
            (
                _days(row.disposed - row.start)
                if row.disposed is not None
                else _days(row.owned_seconds),
                row.disposed is not None,
            )
            for row in rows
        ]
        disposed = [row for row in rows if row.disposed is not None]
        return cls(
            survival=kaplan_meier_curve(lifetimes),
            longest_days=max((time for time, _ in lifetimes), default=None),
            articles=len(rows),
            lifetimes=histogram(
                [time for time, was_disposed in lifetimes if was_disposed],
                steps=LIFETIME_BIN_DAYS,
            ),
            uses=histogram([row.usage_count for row in disposed], steps=USES_BIN_STEPS),
        )

    @property
    def has_disposals(self) -> bool:
        return bool(self.survival)

    def survival_points(self) -> list[dict[str, float]]:
        """The step chart: S = 1 from day 0, each drop at its day, and the last level
        held to the longest time observed."""
        points = [{"x": 0.0, "y": 1.0}]
        points += [
            {"x": round(float(step.time), 1), "y": round(float(step.survival), 4)}
            for step in self.survival
        ]
        if self.longest_days is not None and self.survival:
            points.append({"x": round(float(self.longest_days), 1), "y": points[-1]["y"]})
        return points

    def data(self) -> dict[str, Any]:
        """Everything the charts script needs, for ``json_script``."""
        return {
            "survival": self.survival_points(),
            "lifetimes": {
                "labels": [f"{b.low}–{b.high}" for b in self.lifetimes],
                "counts": [b.count for b in self.lifetimes],
            },
            "uses": {
                "labels": [
                    str(b.low) if b.last == b.low else f"{b.low}–{b.last}" for b in self.uses
                ],
                "counts": [b.count for b in self.uses],
            },
        }
