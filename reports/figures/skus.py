"""SPEC.md's per-SKU figures, with the per-SKU sell-off figures.

With a store, the SKU figures are computed over the articles in that store at T; the
SKU's default replacement price still comes from its most recently purchased article
in any store, since it is the price of a new one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from articles.models import Allocation, Article, Event, Status, Store
from skus.models import SKU

from .amounts import CENT, DAY, SECONDS_PER_DAY, ZERO
from .dialect import Params, table
from .horizon import MAX_WINDOW_DAYS, Horizon, SkuParameters, checked_window
from .ledger import ArticleRow, article_rows
from .reading import Reading, reading, run
from .scope import Scope, articles_cte
from .state import Vocabulary
from .survival import kaplan_meier_median, median


@dataclass
class SkuReport:
    """A SKU's parameters, its articles' rows and its figures (a row of ``SKU_FIGURES``)."""

    sku: SKU
    parameters: SkuParameters
    rows: list[ArticleRow]
    figures: dict[str, Any]


def _peaks_on_order(
    horizon: Horizon,
    scope: Scope,
    window_days: int | None,
    reading: Reading,
    *,
    longest_window: int,
) -> Callable[[], dict[int, int]]:
    """Per SKU, the most articles on order at one instant of [T - W, T): a function
    that returns them (the statement may still be running on a second connection).

    A sweep: every usage open at some instant of the window adds +1 at its start
    (or at T - W) and -1 at its end if it ends before T; a running sum ordered by
    time, ends before starts at the same instant (usages are half-open), peaks at
    the busiest instant. ``longest_window`` (days) lets the database drop the usages
    that ended before every SKU's window before it joins them to their articles.
    """
    sql = reading.sql
    params = Params()
    params.timestamp("t", horizon.end)
    params.value("t_epoch", horizon.epoch)
    params.timestamp("earliest", horizon.before(longest_window))
    articles = articles_cte(sql, scope, window_days, params)
    usage = Vocabulary.of(params).usage
    query = f"""
        WITH {articles},
        points AS (
            SELECT a.sku_id, k.delta,
                   CASE WHEN k.delta = 1 THEN {sql.greatest("e.occurred_at", "a.ws_ts")}
                        ELSE e.ended_at END AS moment
            FROM {table(Event)} e JOIN a ON a.id = e.article_id
                 CROSS JOIN (SELECT 1 AS delta UNION ALL SELECT -1 AS delta) k
            WHERE e.kind IN ({usage}) AND e.occurred_at < %(t)s
              AND (e.ended_at IS NULL OR e.ended_at > %(earliest)s)
              AND (e.ended_at IS NULL OR (e.ended_at > e.occurred_at AND e.ended_at > a.ws_ts))
              AND (k.delta = 1 OR e.ended_at < %(t)s)
        ),
        running AS (
            SELECT sku_id, SUM(delta) OVER (PARTITION BY sku_id ORDER BY moment, delta
                                            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
                   AS on_order
            FROM points
        )
        SELECT sku_id, MAX(on_order) AS peak FROM running GROUP BY sku_id
    """
    rows = reading.concurrently(query, params)
    return lambda: {row["sku_id"]: int(row["peak"]) for row in rows()}


def _latest_purchase_prices(
    horizon: Horizon, sku_ids: list[int] | None, reading: Reading
) -> dict[int, Decimal]:
    """Per SKU, the price of its most recently purchased article (purchased_on <= D),
    the highest among those bought that day."""
    sql = reading.sql
    params = Params()
    where = "" if sku_ids is None else f"AND a.sku_id IN ({params.value_list('sku', sku_ids)})"
    query = f"""
        WITH latest AS (
            SELECT a.sku_id, MAX(a.purchased_on) AS day FROM {table(Article)} a
            WHERE a.purchased_on <= {params.date("as_of", horizon.day)} {where}
            GROUP BY a.sku_id
        )
        SELECT a.sku_id, MAX({sql.money("a.purchase_price")}) AS price
        FROM {table(Article)} a JOIN latest ON latest.sku_id = a.sku_id
                                          AND latest.day = a.purchased_on
        GROUP BY a.sku_id
    """
    return {row["sku_id"]: sql.to_money(row["price"]) for row in run(query, params)}


def _challenger_net_per_day(rows: list[ArticleRow], parameters: SkuParameters) -> Decimal | None:
    """What a new article earns per day of use: the median, over the SKU's rental
    articles owned a whole window and used in their first window, of their net over
    that window per day of use in it; None when none qualifies."""
    window = parameters.window_days * SECONDS_PER_DAY
    return median(
        row.first_window_net * DAY / row.first_window_usage_seconds
        for row in rows
        if row.allocation == Allocation.RENTAL
        and row.owned_seconds >= window
        and row.first_window_usage_seconds > 0
    )


def _sku_figure(
    sku: SKU, rows: list[ArticleRow], parameters: SkuParameters, peak: int
) -> dict[str, Any]:
    statuses: dict[str, int] = defaultdict(int)
    for row in rows:
        statuses[row.status] += 1
    revenue = sum((row.revenue for row in rows), ZERO.quantize(CENT))
    expenses = sum((row.expenses for row in rows), ZERO.quantize(CENT))
    disposed = [row for row in rows if row.disposed is not None]
    # Summed smallest first: a sum of decimals rounds at 28 digits, so the order of the
    # rows (which the database's plan decides) must not decide its last digit; a SKU's
    # figures are then the same in a report of any set of SKUs (``kept``).
    utilizations = sorted(
        (row.usage_seconds / row.owned_seconds) for row in rows if row.owned_seconds > 0
    )
    lifetimes = [
        ((row.disposed - row.start) if row.disposed is not None else row.owned_seconds)
        for row in rows
    ]
    km = kaplan_meier_median(
        [(life, row.disposed is not None) for life, row in zip(lifetimes, rows, strict=True)]
    )
    median_lifetime = median(
        life for life, row in zip(lifetimes, rows, strict=True) if row.disposed is not None
    )
    active_rental = sum(
        1 for row in rows if row.status == Status.ACTIVE and row.allocation == Allocation.RENTAL
    )
    return {
        "sku_code": sku.code,
        "sku_name": sku.name,
        "articles": len(rows),
        "active": statuses[Status.ACTIVE],
        "out_of_use": statuses[Status.OUT_OF_USE],
        "on_order": sum(1 for row in rows if row.is_on_order_and_active_at_end),
        "lost": statuses[Status.LOST],
        "sold": statuses[Status.SOLD],
        "retired": statuses[Status.RETIRED],
        "revenue": revenue,
        "expenses": expenses,
        "net": revenue - expenses,
        "purchase_total": sum((row.price for row in rows), ZERO.quantize(CENT)),
        "revenue_per_article": revenue / len(rows) if rows else None,
        "mean_utilization": (sum(utilizations, ZERO) / len(utilizations) if utilizations else None),
        "disposed": len(disposed),
        "median_lifetime_days": None if median_lifetime is None else median_lifetime / DAY,
        "median_uses_at_disposal": median(row.usage_count for row in disposed),
        "km_median_lifetime_days": None if km is None else km / DAY,
        "peak_on_order": peak,
        "surplus": max(0, active_rental - peak - 1),
        "replacement_price": parameters.replacement_price,
        "challenger_net_per_day": _challenger_net_per_day(rows, parameters),
        "renewal_hurdle": parameters.renewal_hurdle,
    }


def sku_reports(
    *,
    as_of: dt.date | None,
    window_days: int | None,
    skus: QuerySet[SKU] | None,
    store: Store | None,
    report: str,
) -> tuple[Horizon, list[SkuReport]]:
    """Every SKU in scope, sorted by code, with its rows and figures: four statements
    (the sweep for the peaks runs alongside the per-article pass where it can)."""
    window_days = checked_window(window_days)
    horizon = Horizon.of(as_of)
    sku_list = sorted(skus if skus is not None else SKU.objects.all(), key=lambda s: s.code)
    sku_ids = None if skus is None else [sku.pk for sku in sku_list]
    scope = Scope(sku_ids=sku_ids, store=store)
    longest = window_days or min(
        max((sku.effective_selloff_window_days for sku in sku_list), default=1),
        MAX_WINDOW_DAYS,
    )
    with reading(tune=scope.is_large) as current:
        peaks_of = _peaks_on_order(horizon, scope, window_days, current, longest_window=longest)
        rows = article_rows(horizon, scope, window_days, current, report=report)
        latest_prices = _latest_purchase_prices(horizon, sku_ids, current)
        peaks = peaks_of()
    by_sku: dict[int, list[ArticleRow]] = defaultdict(list)
    for row in rows:
        by_sku[row.sku_id].append(row)
    reports = []
    for sku in sku_list:
        parameters = SkuParameters.of(
            sku, window_days=window_days, latest_price=latest_prices.get(sku.pk)
        )
        sku_rows = by_sku.get(sku.pk, [])
        figures = _sku_figure(sku, sku_rows, parameters, peaks.get(sku.pk, 0))
        reports.append(SkuReport(sku, parameters, sku_rows, figures))
    return horizon, reports


def sku_figures(
    *,
    as_of: dt.date | None = None,
    window_days: int | None = None,
    skus: QuerySet[SKU] | None = None,
    store: Store | None = None,
) -> list[dict[str, Any]]:
    """SPEC.md's per-SKU figures (with the sell-off figures per SKU), sorted by code.

    ``skus`` (a queryset or a list) limits the SKUs (every SKU is listed, also one
    without articles);
    ``store`` limits the articles to those in that store at T. Four statements.
    """
    _, reports = sku_reports(
        as_of=as_of, window_days=window_days, skus=skus, store=store, report="skus"
    )
    return [report.figures for report in reports]
