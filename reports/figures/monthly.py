"""The whole fleet's money and use per calendar month, for the overview's chart.

Usage days are the usage intervals (an open usage reaching to T) intersected with each
month. An article purchased after the as-of date is in no report as of that date, so
whatever its ledger holds before then is left out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from articles.models import USAGE_KINDS, Article, Event, EventKind

from .amounts import CENT, DAY, ZERO
from .dialect import Params, table
from .horizon import Horizon
from .reading import reading, run

MAX_MONTHS = 1200


def _month_starts(day: dt.date, months: int) -> list[dt.date]:
    first = day.replace(day=1)
    starts = [first]
    for _ in range(months - 1):
        previous = starts[-1] - dt.timedelta(days=1)
        starts.append(previous.replace(day=1))
    return list(reversed(starts))


def fleet_monthly_totals(*, as_of: dt.date | None = None, months: int = 24) -> list[dict[str, Any]]:
    """Revenue (sales excluded), expenses, net and usage days of the whole fleet per
    calendar month in the installation's time zone, the last month ending at T
    (rows of ``MONTHLY_FIGURES``).

    Two queries: the months are a small inline table joined to the events.
    """
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"The number of months must be from 1 to {MAX_MONTHS}, not {months!r}.")
    horizon = Horizon.of(as_of)
    zone = timezone.get_default_timezone()
    starts = _month_starts(horizon.day, months)
    bounds = []
    for index, first in enumerate(starts):
        begin = timezone.make_aware(dt.datetime.combine(first, dt.time.min), zone)
        if index + 1 < len(starts):
            end = timezone.make_aware(dt.datetime.combine(starts[index + 1], dt.time.min), zone)
        else:
            end = horizon.end
        bounds.append((begin.astimezone(dt.UTC), end.astimezone(dt.UTC)))
    with reading(tune=True) as current:
        sql = current.sql
        params = Params()
        params.timestamp("t", horizon.end)
        params.value("t_epoch", horizon.epoch)
        # Each month: its index, its bounds in epoch seconds and as timestamps.
        months_sql = " UNION ALL ".join(
            f"SELECT {params.value(f'i{index}', index)} AS idx,"
            f" {params.value(f'bs{index}', int(begin.timestamp()))} AS bs,"
            f" {params.value(f'es{index}', int(end.timestamp()))} AS es,"
            f" {sql.as_timestamp(params.timestamp(f'b{index}', begin))} AS bt,"
            f" {sql.as_timestamp(params.timestamp(f'e{index}', end))} AS et"
            for index, (begin, end) in enumerate(bounds)
        )
        revenue, cost = sql.money("e.revenue"), sql.money("e.cost")
        sale = params.text("kind_sale", EventKind.SALE)
        # Articles bought after D are left out; as of today there are none (a purchase
        # date lies in the past), and the condition costs the statement nothing then.
        bought = "1 = 1"
        if Article.objects.filter(purchased_on__gt=horizon.day).exists():
            bought = (
                f"NOT EXISTS (SELECT 1 FROM {table(Article)} later"
                " WHERE later.id = e.article_id"
                f" AND later.purchased_on > {params.date('as_of', horizon.day)})"
            )
        money_query = f"""
            WITH m AS ({months_sql})
            SELECT m.idx, SUM(CASE WHEN e.kind <> {sale} THEN {revenue} ELSE 0 END) AS revenue,
                   SUM({cost}) AS expenses
            FROM {table(Event)} e JOIN m ON e.occurred_at >= m.bt AND e.occurred_at < m.et
            WHERE {bought}
            GROUP BY m.idx
        """
        # Each usage's interval in epoch seconds is computed once, for the usages that
        # reach into the months at all, before it meets the months: comparing numbers
        # is cheap, converting a timestamp for every (usage, month) pair is not.
        since = params.timestamp("since", bounds[0][0])
        usage = params.text_list("usage", USAGE_KINDS)
        occurred, ended = sql.epoch("e.occurred_at"), sql.epoch("e.ended_at")
        overlap = sql.greatest("0", sql.least("u.f", "m.es") + " - " + sql.greatest("u.s", "m.bs"))
        usage_query = f"""
            WITH m AS ({months_sql}),
            u AS (
                SELECT {occurred} AS s, COALESCE({ended}, %(t_epoch)s) AS f
                FROM {table(Event)} e
                WHERE e.kind IN ({usage}) AND e.occurred_at < %(t)s
                  AND (e.ended_at IS NULL OR e.ended_at > {since}) AND {bought}
            )
            SELECT m.idx, SUM({overlap}) AS usage_time
            FROM u JOIN m ON u.s < m.es AND u.f > m.bs
            GROUP BY m.idx
        """
        money = {
            row["idx"]: (sql.to_money(row["revenue"]), sql.to_money(row["expenses"]))
            for row in run(money_query, params)
        }
        usage_times = {
            row["idx"]: sql.to_seconds(row["usage_time"]) for row in run(usage_query, params)
        }
    empty = (ZERO.quantize(CENT), ZERO.quantize(CENT))
    totals = []
    for index, first in enumerate(starts):
        revenue_total, expenses_total = money.get(index, empty)
        totals.append(
            {
                "month": first,
                "revenue": revenue_total,
                "expenses": expenses_total,
                "net": revenue_total - expenses_total,
                "usage_days": usage_times.get(index, ZERO) / DAY,
            }
        )
    return totals
