"""Medians and the Kaplan–Meier median lifetime of SPEC.md's per-SKU figures."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal


def median(values: Iterable[Decimal | int]) -> Decimal | None:
    """The middle value; of an even number of values, the mean of the two middle ones."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[middle])
    return (Decimal(ordered[middle - 1]) + Decimal(ordered[middle])) / 2


def kaplan_meier_median(lifetimes: list[tuple[Decimal, bool]]) -> Decimal | None:
    """The smallest event time t_i with S(t_i) <= 0.5, or None.

    ``lifetimes`` holds (time, disposed) per article; a censored article counts at risk
    at every event time up to and including its own time. S is kept as an exact
    fraction (numerator and denominator as integers) so that S = 0.5 is recognised
    exactly.
    """
    times = sorted(time for time, _ in lifetimes)
    deaths: dict[Decimal, int] = defaultdict(int)
    for time, disposed in lifetimes:
        if disposed:
            deaths[time] += 1
    numerator = denominator = 1
    for time in sorted(deaths):
        at_risk = len(times) - bisect_left(times, time)
        numerator *= at_risk - deaths[time]
        denominator *= at_risk
        if 2 * numerator <= denominator:
            return time
    return None
