"""Medians and the Kaplan–Meier median lifetime of SPEC.md's per-SKU figures."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction


def median(values: Iterable[Decimal | int]) -> Decimal | None:
    """The middle value; of an even number of values, the mean of the two middle ones."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[middle])
    return (Decimal(ordered[middle - 1]) + Decimal(ordered[middle])) / 2


@dataclass(frozen=True)
class SurvivalStep:
    """One distinct disposal time of the Kaplan–Meier product: at ``time``, ``at_risk``
    articles had lasted at least that long, ``disposed`` of them were disposed of
    then, and ``survival`` is S(time), an exact fraction."""

    time: Decimal
    at_risk: int
    disposed: int
    survival: Fraction

    @property
    def percent(self) -> float:
        """S as a percentage, for the table under a chart."""
        return float(self.survival * 100)


def kaplan_meier_curve(lifetimes: Sequence[tuple[Decimal, bool]]) -> list[SurvivalStep]:
    """S(t) at every distinct disposal time, oldest first.

    ``lifetimes`` holds (time, disposed) per article: S(t) = Π over t_i <= t of
    (1 - d_i / n_i), n_i the articles whose time is at least t_i (a censored article
    is at risk up to and including its own time). S is an exact fraction, so that
    S = 0.5 is recognised exactly.
    """
    times = sorted(time for time, _ in lifetimes)
    deaths = Counter(time for time, disposed in lifetimes if disposed)
    survival = Fraction(1)
    steps = []
    for time in sorted(deaths):
        at_risk = len(times) - bisect_left(times, time)
        survival *= Fraction(at_risk - deaths[time], at_risk)
        steps.append(SurvivalStep(time, at_risk, deaths[time], survival))
    return steps


def kaplan_meier_median(lifetimes: Sequence[tuple[Decimal, bool]]) -> Decimal | None:
    """The smallest event time t_i with S(t_i) <= 0.5 on ``kaplan_meier_curve``, or None."""
    for step in kaplan_meier_curve(lifetimes):
        if step.survival <= Fraction(1, 2):
            return step.time
    return None
