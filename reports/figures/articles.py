"""SPEC.md's per-article figures.

``dollar_utilization`` counts the same revenue as ``revenue``: sale events excluded.
An article purchased after the as-of date is in no report as of that date. The row's
``store``, ``status`` and ``condition`` say which article it is about: they are its
current ones (SPEC.md "(as of now)"); the figures use its state at T.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from articles.models import Article, Store

from .amounts import CENT, DAY, ZERO, Depreciation
from .horizon import Horizon, checked_window
from .ledger import ArticleRow, article_rows
from .reading import reading
from .scope import Scope


def _article_figure(
    row: ArticleRow,
    *,
    horizon: Horizon,
    paid_back_on: dt.date | None,
    depreciation: Depreciation,
) -> dict[str, Any]:
    usage_days = row.usage_seconds / DAY
    owned_days = row.owned_seconds / DAY
    net = row.revenue - row.expenses
    price = row.price
    if row.disposed is not None:
        estimated_value = ZERO.quantize(CENT)
    else:
        age = Decimal(horizon.epoch) - row.start
        estimated_value = depreciation.value(price, row.condition, row.rate, age)
    return {
        "number": row.number,
        "sku_code": row.sku_code,
        "store": row.now_store,
        "status": row.now_status,
        "condition": row.now_condition,
        "usage_count": row.usage_count,
        "usage_days": usage_days,
        "owned_days": owned_days,
        "utilization": usage_days / owned_days if owned_days else ZERO,
        "revenue": row.revenue,
        "expenses": row.expenses,
        "net": net,
        "payback_ratio": net / price if price else None,
        "paid_back_on": paid_back_on if price else None,
        "sale_proceeds": row.sale_proceeds,
        "lifetime_profit": net + row.sale_proceeds - price,
        "dollar_utilization": row.revenue_year / price if price else None,
        "estimated_value": estimated_value,
    }


def article_figures(
    *,
    as_of: dt.date | None = None,
    window_days: int | None = None,
    articles: QuerySet[Article] | None = None,
    store: Store | None = None,
) -> list[dict[str, Any]]:
    """SPEC.md's per-article figures as of ``as_of`` (default today), sorted by number.

    ``articles`` limits the rows to a queryset, which may be a sliced page of a list
    (``Article.objects.order_by("number")[50:100]``); ``store`` to the articles that
    were in that store at T. ``window_days`` is accepted for
    symmetry with the other reports; no per-article figure depends on it. One
    statement whatever the number of articles (two in a zone with summer time).
    """
    checked_window(window_days)
    horizon = Horizon.of(as_of)
    if articles is not None and articles.query.is_empty():
        return []  # Article.objects.none(): no statement can say "no article"
    scope = Scope(articles=articles, store=store)
    with reading(tune=scope.is_large) as current:
        rows = article_rows(horizon, scope, window_days, current, report="articles")
    zone = timezone.get_default_timezone()
    depreciation = Depreciation()
    sql = current.sql
    return [
        _article_figure(
            row,
            horizon=horizon,
            paid_back_on=None
            if row.paid_back_at is None
            else timezone.localtime(sql.as_datetime(row.paid_back_at), zone).date(),
            depreciation=depreciation,
        )
        for row in rows
    ]
