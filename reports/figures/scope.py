"""Which articles a report covers, and the common table of them that statements share.

P, the instant at which an article's purchase day begins, is computed in SQL from the
date and the zone's UTC offset on that day (a ``CASE`` over the purchase dates on which
the offset changes), so that daylight saving time is exact. Events are compared with T,
P, T - W and P + W as timestamps, on the events' own columns, so that the ledger's
indexes and fast timestamp comparisons serve.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from articles.models import Article, Store
from skus.models import SKU

from .dialect import Dialect, Params, table
from .horizon import MAX_WINDOW_DAYS
from .reading import named_rows
from .state import store_at_t_is, store_words


@dataclass
class Scope:
    """Which articles a report covers: a queryset, some SKUs, a store (all optional)."""

    articles: QuerySet[Article] | None = None
    sku_ids: list[int] | None = None
    store: Store | None = None
    _offsets: dict[str, object] | None = field(default=None, init=False, repr=False)
    _offset_sql: str = field(default="", init=False, repr=False)

    @property
    def is_large(self) -> bool:
        """The whole fleet or a store's: worth tuning the transaction for."""
        return self.articles is None and self.sku_ids is None

    def where(self, sql: Dialect, params: Params) -> str:
        """The condition on ``a`` (the articles) that keeps the articles in scope; the
        store is the article's store at T (needs ``t``)."""
        conditions = ["1 = 1"]
        if self.articles is not None:
            articles = self.articles
            if not articles.query.is_sliced:
                articles = articles.order_by()
            subquery, subquery_params = articles.values("pk").query.sql_with_params()
            pieces = subquery.split("%s")
            named = pieces[0]
            for index, (piece, value) in enumerate(zip(pieces[1:], subquery_params, strict=True)):
                named += params.value(f"scope{index}", value) + piece
            conditions.append(f"a.id IN ({named})")
        if self.sku_ids is not None:
            conditions.append(f"a.sku_id IN ({params.value_list('sku', self.sku_ids)})")
        if self.store is not None:
            store_words(params)
            conditions.append(store_at_t_is(sql, params.value("store_id", self.store.pk)))
        return " AND ".join(conditions)

    def purchase_offset(self, column: str, params: Params) -> str:
        """SQL giving the UTC offset in seconds of the midnight that begins ``column``.

        The offsets are read from the zone database in Python for every distinct
        purchase date (once per report) and written as a CASE over the dates on which
        the offset changes from one purchase date to the next: a constant in UTC, at
        most two branches a year of purchases in a zone with summer time.
        """
        if self._offsets is None:
            offsets = Params()
            changes = _offset_changes()
            if len(changes) <= 1:
                self._offset_sql = offsets.value("offset", changes[0][1] if changes else 0)
            else:
                branches = " ".join(
                    f"WHEN {column} >= {offsets.date(f'offset_since_{index}', since)}"
                    f" THEN {offsets.value(f'offset_{index}', seconds)}"
                    for index, (since, seconds) in reversed(list(enumerate(changes))[1:])
                )
                first = offsets.value("offset_0", changes[0][1])
                self._offset_sql = f"(CASE {branches} ELSE {first} END)"
            self._offsets = dict(offsets)
        params.update(self._offsets)
        return self._offset_sql


def _offset_changes() -> list[tuple[dt.date, int]]:
    """(first purchase date, UTC offset in seconds) where the offset changes."""
    zone = timezone.get_default_timezone()
    if getattr(zone, "key", None) in ("UTC", "Etc/UTC"):
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT purchased_on FROM {table(Article)}")
        days = sorted(
            day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
            for day in (row["purchased_on"] for row in named_rows(cursor))
        )
    changes: list[tuple[dt.date, int]] = []
    for day in days:
        midnight = timezone.make_aware(dt.datetime.combine(day, dt.time.min), zone)
        offset = midnight.utcoffset()
        seconds = 0 if offset is None else int(offset.total_seconds())
        if not changes or seconds != changes[-1][1]:
            changes.append((day, seconds))
    return changes


def articles_cte(sql: Dialect, scope: Scope, window_days: int | None, params: Params) -> str:
    """``a``: the articles in scope with P, their window W, and the instants the figures
    compare events with: P, T - W and P + W, as timestamps. Needs ``t`` and ``t_epoch``.

    An article purchased after D (P >= T) is in no report as of D."""
    window = (
        f"COALESCE({params.value('window', window_days)}, s.selloff_window_days,"
        f" {params.value('default_window', settings.SELLOFF_WINDOW_DAYS)})"
    )
    longest = params.value("max_window", MAX_WINDOW_DAYS)
    p = f"{sql.date_epoch('a.purchased_on')} - {scope.purchase_offset('a.purchased_on', params)}"
    w = f"CAST({sql.least(window, longest)} AS BIGINT) * 86400"
    return f"""
        a AS NOT MATERIALIZED (
            SELECT b.*, {sql.from_epoch("b.p")} AS p_ts,
                   {sql.from_epoch("%(t_epoch)s - b.w")} AS ws_ts,
                   {sql.from_epoch("b.p + b.w")} AS pw_ts
            FROM (
                SELECT a.id, a.number, a.sku_id, a.allocation, a.status, a.condition,
                       {sql.money("a.purchase_price")} AS price, {p} AS p, {w} AS w,
                       s.code AS sku_code, s.depreciation_rate AS sku_rate,
                       a.store_id, a.disposed_at, st.name AS store_name
                FROM {table(Article)} a JOIN {table(SKU)} s ON s.id = a.sku_id
                     JOIN {table(Store)} st ON st.id = a.store_id
                WHERE {p} < %(t_epoch)s AND {scope.where(sql, params)}
            ) b
        )"""
