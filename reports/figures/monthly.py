"""The whole fleet's money and use per calendar month, for the overview's chart.

The sums of a complete month are kept (``reports.models.MonthlyRollup``) on PostgreSQL;
the database forgets them when the ledger changes in that month (migration
``reports/0001``), and ``tests/reports/test_monthly_rollup.py`` proves that what is
kept equals what is computed.

Usage days are the usage intervals (an open usage reaching to T) intersected with each
month. An article purchased after the as-of date is in no report as of that date, so
whatever its ledger holds before then is left out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from articles.models import USAGE_KINDS, Article, Event, EventKind
from reports.models import MonthlyRollup

from .amounts import CENT, DAY, ZERO
from .dialect import Dialect, Params, table
from .horizon import Horizon
from .reading import TUNING, run

MAX_MONTHS = 1200


def _month_starts(day: dt.date, months: int) -> list[dt.date]:
    first = day.replace(day=1)
    starts = [first]
    for _ in range(months - 1):
        previous = starts[-1] - dt.timedelta(days=1)
        starts.append(previous.replace(day=1))
    return list(reversed(starts))


Month = tuple[int, dt.datetime, dt.datetime]  # index in the window, begin, end (UTC)
# Raw sums of one month as the statements return them: revenue, expenses, usage time.
Sums = tuple[Any, Any, Any]
# A month is kept once it ended at least this long ago: a transaction that wrote into it
# before its end and commits after that margin is not expected.
KEEP_AFTER = dt.timedelta(hours=1)


def fleet_monthly_totals(*, as_of: dt.date | None = None, months: int = 24) -> list[dict[str, Any]]:
    """Revenue (sales excluded), expenses, net and usage days of the whole fleet per
    calendar month in the installation's time zone, the last month ending at T
    (rows of ``MONTHLY_FIGURES``).

    Complete months come from ``MonthlyRollup`` on PostgreSQL (computed by the same
    statements the first time, and forgotten by the database when the ledger changes in
    them); the last month, and every month on SQLite, is computed here: two statements,
    the months a small inline table joined to the events.
    """
    return monthly_totals(as_of=as_of, months=months, kept=True)


def monthly_totals(*, as_of: dt.date | None, months: int, kept: bool) -> list[dict[str, Any]]:
    """``fleet_monthly_totals``; ``kept=False`` computes every month from the ledger."""
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise ValueError(f"The number of months must be from 1 to {MAX_MONTHS}, not {months!r}.")
    horizon = Horizon.of(as_of)
    zone = timezone.get_default_timezone()
    starts = _month_starts(horizon.day, months)
    window: list[Month] = []
    for index, first in enumerate(starts):
        begin = timezone.make_aware(dt.datetime.combine(first, dt.time.min), zone)
        if index + 1 < len(starts):
            end = timezone.make_aware(dt.datetime.combine(starts[index + 1], dt.time.min), zone)
        else:
            end = horizon.end
        window.append((index, begin.astimezone(dt.UTC), end.astimezone(dt.UTC)))
    # Articles bought after D are left out; as of today there are none (a purchase
    # date lies in the past), and the condition costs the statement nothing then.
    bought_later = Article.objects.filter(purchased_on__gt=horizon.day).exists()
    sums: dict[int, Sums] = {}
    keep: list[Month] = []
    if kept and not bought_later and connection.vendor == "postgresql":
        sums, keep = _kept_sums(window[:-1], str(zone))
    missing = [month for month in window if month[0] not in sums]
    sums.update(_sums(missing, horizon, bought_later, keep=keep, zone=str(zone)))
    empty = (ZERO.quantize(CENT), ZERO.quantize(CENT))
    sql = Dialect()
    totals = []
    for index, first in enumerate(starts):
        revenue_raw, expenses_raw, usage_raw = sums.get(index, (None, None, None))
        revenue_total, expenses_total = (
            empty
            if revenue_raw is None and expenses_raw is None
            else (sql.to_money(revenue_raw), sql.to_money(expenses_raw))
        )
        totals.append(
            {
                "month": first,
                "revenue": revenue_total,
                "expenses": expenses_total,
                "net": revenue_total - expenses_total,
                "usage_days": (ZERO if usage_raw is None else sql.to_seconds(usage_raw)) / DAY,
            }
        )
    return totals


def _kept_sums(complete: list[Month], zone: str) -> tuple[dict[int, Sums], list[Month]]:
    """The kept sums of the complete months of the window from ``MonthlyRollup``, and
    the complete months that are not kept yet (to keep as they are computed)."""
    limit = timezone.now() - KEEP_AFTER
    complete = [month for month in complete if month[2] <= limit]
    if not complete:
        return {}, []
    index_of = {(begin, end): index for index, begin, end in complete}
    rows = MonthlyRollup.objects.filter(
        zone=zone, begins__in={begin for begin, _ in index_of}
    ).values_list("begins", "ends", "revenue", "expenses", "usage_seconds")
    kept = {
        index_of[(begins, ends)]: (revenue, expenses, usage)
        for begins, ends, revenue, expenses, usage in rows
        if (begins, ends) in index_of
    }
    return kept, [month for month in complete if month[0] not in kept]


def monthly_rollup_rebuild() -> int:
    """Forget every kept month (``recompute_figures``, after the ledger was changed with
    the triggers off); the next overview computes and keeps them again. Returns how
    many were forgotten."""
    deleted, _ = MonthlyRollup.objects.all().delete()
    return deleted


def _sums(
    months: list[Month], horizon: Horizon, bought_later: bool, *, keep: list[Month], zone: str
) -> dict[int, Sums]:
    """The raw sums of ``months`` by their index, in one statement over the ledger.

    The complete months of ``keep`` (among ``months``) are kept by the same statement,
    with the ledger locked against writes first (SHARE: readers go on), so that no
    event can slip in between the sums and their keeping that the triggers would not
    make the database forget. That holds when the lock comes before the statement's
    snapshot: in autocommit or a READ COMMITTED transaction, as the overview calls it,
    not inside a REPEATABLE READ transaction that has already read the ledger.
    """
    if not months:
        return {}
    sql = Dialect()
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
        for index, begin, end in months
    )
    revenue, cost = sql.money("e.revenue"), sql.money("e.cost")
    sale = params.text("kind_sale", EventKind.SALE)
    bought = "1 = 1"
    if bought_later:
        bought = (
            f"NOT EXISTS (SELECT 1 FROM {table(Article)} later"
            " WHERE later.id = e.article_id"
            f" AND later.purchased_on > {params.date('as_of', horizon.day)})"
        )
    # Each usage's interval in epoch seconds is computed once, for the usages that
    # reach into the months at all, before it meets the months: comparing numbers
    # is cheap, converting a timestamp for every (usage, month) pair is not. Open and
    # ended usages are read apart, each from its partial index (an OR of the two
    # reads every usage of the ledger).
    since = params.timestamp("since", min(begin for _, begin, _ in months))
    usage = params.text_list("usage", USAGE_KINDS)
    occurred, ended = sql.epoch("e.occurred_at"), sql.epoch("e.ended_at")
    overlap = sql.greatest("0", sql.least("u.f", "m.es") + " - " + sql.greatest("u.s", "m.bs"))
    inline = "NOT MATERIALIZED " if sql.pg else ""
    keeping = ""
    if keep:
        kept_months = ", ".join(params.value(f"k{index}", index) for index, _, _ in keep)
        keeping = f""",
        kept AS (
            INSERT INTO {table(MonthlyRollup)}
                (zone, begins, ends, revenue, expenses, usage_seconds, computed_at)
            SELECT {params.text("zone", zone)}, m.bt, m.et, s.revenue, s.expenses,
                   s.usage_time, now()
            FROM sums s JOIN m ON m.idx = s.idx
            WHERE s.idx IN ({kept_months})
            ON CONFLICT (zone, begins, ends) DO UPDATE SET revenue = EXCLUDED.revenue,
                expenses = EXCLUDED.expenses, usage_seconds = EXCLUDED.usage_seconds,
                computed_at = EXCLUDED.computed_at
        )"""
    query = f"""
        WITH m AS {inline}({months_sql}),
        money_sums AS (
            SELECT m.idx,
                   SUM(CASE WHEN e.kind <> {sale} THEN {revenue} ELSE 0 END) AS revenue,
                   SUM({cost}) AS expenses
            FROM {table(Event)} e JOIN m ON e.occurred_at >= m.bt AND e.occurred_at < m.et
            WHERE {bought}
            GROUP BY m.idx
        ),
        u AS (
            SELECT {occurred} AS s, %(t_epoch)s AS f
            FROM {table(Event)} e
            WHERE e.kind IN ({usage}) AND e.ended_at IS NULL AND e.occurred_at < %(t)s
              AND {bought}
            UNION ALL
            SELECT {occurred} AS s, {ended} AS f
            FROM {table(Event)} e
            WHERE e.kind IN ({usage}) AND e.ended_at IS NOT NULL AND e.ended_at > {since}
              AND e.occurred_at < %(t)s AND {bought}
        ),
        usage_sums AS (
            SELECT m.idx, SUM({overlap}) AS usage_time
            FROM u JOIN m ON u.s < m.es AND u.f > m.bs
            GROUP BY m.idx
        ),
        sums AS (
            SELECT m.idx, ms.revenue, ms.expenses, us.usage_time
            FROM m LEFT JOIN money_sums ms ON ms.idx = m.idx
                   LEFT JOIN usage_sums us ON us.idx = m.idx
        ){keeping}
        SELECT idx, revenue, expenses, usage_time FROM sums
    """
    with transaction.atomic():
        if sql.pg:
            lock = f"LOCK TABLE {table(Event)} IN SHARE MODE; " if keep else ""
            with connection.cursor() as cursor:
                cursor.execute(lock + TUNING)
        rows = run(query, params)
    return {row["idx"]: (row["revenue"], row["expenses"], row["usage_time"]) for row in rows}
