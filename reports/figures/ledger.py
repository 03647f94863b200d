"""The per-article pass over the ledger: one statement, one row per article in scope.

One aggregate pass over the events gives one row per article (usage count and time,
money, windowed money, on-order flags, the moments that decide whether it is disposed
at T), and for the articles report a window function in the same statement gives
``paid_back_on``. Python then finishes over one row per article (``ArticleRow``).

Whether an article is disposed, or out of use, at T is read from the ledger, not from
its current status: disposed when its last disposal before T (a sale, retirement or
loss event, or a status change to lost, sold or retired) is not followed, before T, by
a status change back to active or out of use; E is then the moment of that disposal.
Out of use at T when its last manual status change before T made it out of use, or
when a downtime that took it out of use is open at T and no manual change to active
came after that downtime began.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings

from articles.models import (
    DISPOSAL_KINDS,
    DISPOSED_STATUSES,
    SERVICE_KINDS,
    USAGE_KINDS,
    Event,
    EventKind,
    Status,
)

from .amounts import ZERO
from .dialect import Dialect, Params, table
from .horizon import DOLLAR_UTILIZATION_DAYS, Horizon
from .reading import Reading, run
from .scope import Scope, articles_cte


@dataclass(frozen=True)
class Vocabulary:
    """The ledger's kinds and statuses as placeholders of one statement's parameters."""

    usage: str
    service: str
    disposal: str
    disposed: str
    back: str
    sale: str
    status_change: str
    active: str
    out_of_use: str

    @classmethod
    def of(cls, params: Params) -> Vocabulary:
        return cls(
            usage=params.text_list("usage", USAGE_KINDS),
            service=params.text_list("service", SERVICE_KINDS),
            disposal=params.text_list("disposal", DISPOSAL_KINDS),
            disposed=params.text_list("disposed", DISPOSED_STATUSES),
            back=params.text_list("back", (Status.ACTIVE, Status.OUT_OF_USE)),
            sale=params.text("kind_sale", EventKind.SALE),
            status_change=params.text("kind_status_change", EventKind.STATUS_CHANGE),
            active=params.text("status_active", Status.ACTIVE),
            out_of_use=params.text("status_out_of_use", Status.OUT_OF_USE),
        )


@dataclass(slots=True)
class ArticleRow:
    """One article's ledger read at T: everything the figures are made of."""

    id: int
    number: str
    sku_id: int
    allocation: str
    status: str
    condition: str
    price: Decimal
    start: Decimal  # P, epoch seconds
    disposed: Decimal | None  # the moment of disposal, if disposed at T
    end: Decimal  # E = min(disposed, T)
    window: int  # W in seconds
    usage_count: int
    usage_seconds: Decimal
    revenue: Decimal
    expenses: Decimal
    sale_proceeds: Decimal
    revenue_year: Decimal
    trailing_net: Decimal
    first_window_net: Decimal
    open_at_end: bool
    busy_in_window: bool
    out_of_use_at_end: bool
    sku_code: str
    rate: Decimal  # the SKU's depreciation rate, with the default filled in
    paid_back_at: Any  # the moment, as read from SQL (articles report only)
    owned_seconds: Decimal = ZERO  # max(0, E - P)

    def __post_init__(self) -> None:
        self.owned_seconds = max(ZERO, self.end - self.start)

    @property
    def is_on_order_and_active_at_end(self) -> bool:
        """A usage open at T, and active at T: neither disposed nor out of use."""
        return self.open_at_end and self.disposed is None and not self.out_of_use_at_end


def _aggregates(sql: Dialect, words: Vocabulary, report: str) -> dict[str, str]:
    """The columns of ``g``, one pass over an article's events before T: only what
    ``report`` shows, and the moments that decide whether it is disposed at T."""
    usage = f"e.kind IN ({words.usage})"
    t = sql.as_timestamp("%(t)s")
    revenue, cost = sql.money("e.revenue"), sql.money("e.cost")
    clip_start = sql.greatest("e.occurred_at", "a.p_ts")
    clip_end = sql.least(f"COALESCE(e.ended_at, {t})", t)
    aggregates = {
        "usage_count": f"COUNT(*) FILTER (WHERE {usage})",
        "usage_time": f"SUM({sql.seconds_between(clip_end, clip_start)})"
        f" FILTER (WHERE {usage} AND {clip_end} > {clip_start})",
        "revenue": f"SUM({revenue}) FILTER (WHERE e.kind <> {words.sale})",
        "expenses": f"SUM({cost})",
    }
    if report == "articles":
        aggregates["sale_proceeds"] = f"SUM({revenue}) FILTER (WHERE e.kind = {words.sale})"
        aggregates["revenue_year"] = (
            f"SUM({revenue}) FILTER (WHERE e.kind <> {words.sale}"
            " AND e.occurred_at >= %(year_start)s)"
        )
    else:
        aggregates["first_window_net"] = (
            f"SUM({revenue} - {cost}) FILTER (WHERE e.kind <> {words.sale}"
            " AND e.occurred_at >= a.p_ts AND e.occurred_at < a.pw_ts)"
        )
        aggregates["open_at_end"] = (
            f"COUNT(*) FILTER (WHERE {usage} AND (e.ended_at IS NULL OR e.ended_at > %(t)s))"
        )
    if report == "selloff":
        aggregates["trailing_net"] = (
            f"SUM({revenue} - {cost}) FILTER (WHERE e.kind <> {words.sale}"
            " AND e.occurred_at >= a.ws_ts)"
        )
        aggregates["busy_in_window"] = (
            f"COUNT(*) FILTER (WHERE {usage} AND (e.ended_at IS NULL"
            " OR (e.ended_at > e.occurred_at AND e.ended_at > a.ws_ts)))"
        )
    # Is the article disposed, or out of use, at T? (See the module's docstring.)
    aggregates["last_out"] = (
        f"MAX(e.occurred_at) FILTER (WHERE e.kind IN ({words.disposal})"
        f" OR (e.kind = {words.status_change} AND e.status IN ({words.disposed})))"
    )
    aggregates["last_back"] = (
        f"MAX(e.occurred_at) FILTER (WHERE e.kind = {words.status_change}"
        f" AND e.status IN ({words.back}))"
    )
    # The latest end of a usage (T when open): only past a disposal is there usage to
    # take back, which a ledger kept by the services never has.
    aggregates["last_use"] = f"MAX({clip_end}) FILTER (WHERE {usage})"
    return aggregates


def _out_of_use_at_end(words: Vocabulary) -> str:
    """Out of use at T matters only for an article with a usage open at T (is it on
    order?): a correlated subquery for those few, not an aggregate over all."""
    changed = f"e.kind = {words.status_change}"
    down = f"MAX(e.occurred_at) FILTER (WHERE {changed} AND e.status = {words.out_of_use})"
    up = f"MAX(e.occurred_at) FILTER (WHERE {changed} AND e.status = {words.active})"
    downtime = (
        f"MAX(e.occurred_at) FILTER (WHERE e.kind IN ({words.service})"
        f" AND e.status = {words.out_of_use} AND (e.ended_at IS NULL OR e.ended_at > %(t)s))"
    )
    return f"""CASE WHEN g.open_at_end > 0 THEN (
                   SELECT CASE WHEN ({down} IS NOT NULL AND ({up} IS NULL OR {down} > {up}))
                                 OR ({downtime} IS NOT NULL
                                     AND ({up} IS NULL OR {downtime} > {up}))
                               THEN 1 ELSE 0 END
                   FROM {table(Event)} e
                   WHERE e.article_id = a.id AND e.occurred_at < %(t)s
                     AND e.kind IN ({words.service}, {words.status_change})
               ) ELSE 0 END"""


def _paid_back(sql: Dialect, words: Vocabulary) -> str:
    """``pb``: the first event at which the running net (revenue except sales, minus
    every cost, in occurred_at order, ties in the order recorded) reaches the price."""
    revenue, cost = sql.money("e.revenue"), sql.money("e.cost")
    return f"""
        r AS (
            SELECT e.article_id, e.occurred_at, a.price,
                   SUM(CASE WHEN e.kind = {words.sale} THEN 0 ELSE {revenue} END - {cost})
                       OVER (PARTITION BY e.article_id ORDER BY e.occurred_at, e.id
                             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running
            FROM {table(Event)} e JOIN a ON a.id = e.article_id
            WHERE e.occurred_at < %(t)s AND a.price > 0
        ),
        pb AS (
            SELECT article_id, MIN(occurred_at) AS paid_back_at FROM r
            WHERE running >= price GROUP BY article_id
        ),"""


def article_rows(
    horizon: Horizon,
    scope: Scope,
    window_days: int | None,
    reading: Reading,
    *,
    report: str,
) -> list[ArticleRow]:
    """The ledger of the articles in scope, read at T: one row per article.

    One aggregate pass, ``g``, over all events before T (counts, usage clipped to
    [P, T), money, windowed money, on-order flags, the moments that decide whether the
    article is disposed at T), computing only what ``report`` ("articles", "skus" or
    "selloff") shows. For an article disposed at T a correlated subquery measures the
    part of its usage after E (none in a ledger kept by the services), so that ``g``
    needs no E. Sorted by number but for "skus".
    """
    sql = reading.sql
    params = Params()
    t = sql.as_timestamp(params.timestamp("t", horizon.end))
    params.value("t_epoch", horizon.epoch)
    params.timestamp("year_start", horizon.before(DOLLAR_UTILIZATION_DAYS))
    articles = articles_cte(sql, scope, window_days, params)
    words = Vocabulary.of(params)
    aggregates = _aggregates(sql, words, report)
    usage = f"e.kind IN ({words.usage})"
    clip_end = sql.least(f"COALESCE(e.ended_at, {t})", t)
    late_start = sql.greatest("e.occurred_at", "a.p_ts", "g.last_out")
    # What Python reads; the moments that decide "disposed at T" stay in the database.
    shown = [name for name in aggregates if name not in ("last_out", "last_back", "last_use")]
    disposed_at_t = "g.last_out IS NOT NULL AND (g.last_back IS NULL OR g.last_out > g.last_back)"
    articles_report = report == "articles"
    out_of_use = "0" if articles_report else _out_of_use_at_end(words)
    query = f"""
        WITH {articles},{_paid_back(sql, words) if articles_report else ""}
        g AS (
            SELECT e.article_id, {", ".join(f"{sql_} AS {name}" for name, sql_ in aggregates.items())}
            FROM {table(Event)} e JOIN a ON a.id = e.article_id
            WHERE e.occurred_at < %(t)s
            GROUP BY e.article_id
        )
        SELECT a.id, {"NULL" if report == "skus" else "a.number"} AS number, a.sku_id,
               a.allocation, a.status, a.condition, a.price, a.p, a.w,
               CASE WHEN {disposed_at_t} THEN g.last_out END AS disposed_at,
               CASE WHEN {disposed_at_t} AND g.last_use > g.last_out THEN (
                   SELECT SUM({sql.seconds_between(clip_end, late_start)})
                   FROM {table(Event)} e
                   WHERE e.article_id = a.id AND {usage} AND e.occurred_at < %(t)s
                     AND {clip_end} > {late_start}
               ) END AS late_time,
               {", ".join(f"g.{name}" for name in shown)},
               {"a.sku_code, a.sku_rate" if articles_report else "NULL AS sku_code, NULL AS sku_rate"},
               {out_of_use} AS out_of_use_at_end,
               {"pb.paid_back_at" if articles_report else "NULL"} AS paid_back_at
        FROM a LEFT JOIN g ON g.article_id = a.id
             {"LEFT JOIN pb ON pb.article_id = a.id" if articles_report else ""}
    """
    rows = [_article_row(record, horizon, sql) for record in run(query, params)]
    if report != "skus":
        rows.sort(key=lambda row: row.number)
    return rows


def _rate(read: Any) -> Decimal:
    """A SKU's depreciation rate as read, with the installation default filled in."""
    return Decimal(settings.DEPRECIATION_RATE) if read is None else _rate_read(read)


@lru_cache(maxsize=256)
def _rate_read(read: float | Decimal) -> Decimal:
    # SQLite returns a float: its shortest text is the stored value.
    return Decimal(str(read))


def _article_row(record: dict[str, Any], horizon: Horizon, sql: Dialect) -> ArticleRow:
    """An article's row as Python reads it; a column the report did not compute is
    absent and reads as nothing."""
    money, seconds = sql.to_money, sql.to_seconds
    t_epoch = Decimal(horizon.epoch)
    disposed = None if record["disposed_at"] is None else sql.epoch_of(record["disposed_at"])
    return ArticleRow(
        id=record["id"],
        number=record["number"],
        sku_id=record["sku_id"],
        allocation=record["allocation"],
        status=record["status"],
        condition=record["condition"],
        price=money(record["price"]),
        start=Decimal(record["p"]),
        disposed=disposed,
        end=t_epoch if disposed is None else min(disposed, t_epoch),
        window=int(record["w"]),
        usage_count=int(record["usage_count"] or 0),
        usage_seconds=seconds(record["usage_time"]) - seconds(record["late_time"]),
        revenue=money(record["revenue"]),
        expenses=money(record["expenses"]),
        sale_proceeds=money(record.get("sale_proceeds")),
        revenue_year=money(record.get("revenue_year")),
        trailing_net=money(record.get("trailing_net")),
        first_window_net=money(record.get("first_window_net")),
        open_at_end=bool(record.get("open_at_end")),
        busy_in_window=bool(record.get("busy_in_window")),
        out_of_use_at_end=bool(record["out_of_use_at_end"]),
        sku_code=record["sku_code"],
        rate=_rate(record["sku_rate"]),
        paid_back_at=record["paid_back_at"],
    )
