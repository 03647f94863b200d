"""The per-article pass over the ledger: one statement, one row per article in scope.

One aggregate pass over the events gives one row per article (usage count and time,
money, windowed money, on-order flags, the moments that decide whether it is disposed
at T), and for the articles report a window function in the same statement gives
``paid_back_on``. Python then finishes over one row per article (``ArticleRow``).

The article's status, condition and store at T are read from the ledger in the same
pass (``state``); E is the moment of its disposal when it is disposed at T. Its
current number, store, status and condition come along to say what a row is about.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings

from articles.models import Event, Status

from .amounts import ZERO
from .dialect import Dialect, Params, table
from .horizon import DOLLAR_UTILIZATION_DAYS, Horizon
from .reading import Reading, run
from .scope import Scope, articles_cte
from .state import CURRENT_STATE, Vocabulary, state_aggregates, state_columns


@dataclass(slots=True)
class ArticleRow:
    """One article's ledger read at T: everything the figures are made of."""

    id: int
    number: str
    sku_id: int
    allocation: str
    status: str  # at T
    condition: str  # at T
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
    window_usage_seconds: Decimal  # usage within [T - W, T) ∩ [P, T)
    first_window_net: Decimal
    first_window_usage_seconds: Decimal  # usage within [P, P + W)
    open_at_end: bool
    busy_in_window: bool
    sku_code: str
    rate: Decimal  # the SKU's depreciation rate, with the default filled in
    paid_back_at: Any  # the moment, as read from SQL (articles report only)
    # What the row is about: the article as it is now.
    now_store: str
    now_status: str
    now_condition: str
    owned_seconds: Decimal = ZERO  # max(0, E - P)

    def __post_init__(self) -> None:
        self.owned_seconds = max(ZERO, self.end - self.start)

    @property
    def is_on_order_and_active_at_end(self) -> bool:
        """A usage open at T, and active at T."""
        return self.open_at_end and self.status == Status.ACTIVE


def _aggregates(sql: Dialect, words: Vocabulary, report: str, *, current: bool) -> dict[str, str]:
    """The columns of ``g``, one pass over an article's events before T: only what
    ``report`` shows, and what its state at T is made of."""
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
        first_end = sql.least(f"COALESCE(e.ended_at, {t})", t, "a.pw_ts")
        aggregates["first_window_usage"] = (
            f"SUM({sql.seconds_between(first_end, clip_start)})"
            f" FILTER (WHERE {usage} AND {first_end} > {clip_start})"
        )
        aggregates["open_at_end"] = (
            f"COUNT(*) FILTER (WHERE {usage} AND (e.ended_at IS NULL OR e.ended_at > %(t)s))"
        )
    if report == "selloff":
        aggregates["trailing_net"] = (
            f"SUM({revenue} - {cost}) FILTER (WHERE e.kind <> {words.sale}"
            " AND e.occurred_at >= a.ws_ts)"
        )
        window_start = sql.greatest("e.occurred_at", "a.p_ts", "a.ws_ts")
        aggregates["window_usage"] = (
            f"SUM({sql.seconds_between(clip_end, window_start)})"
            f" FILTER (WHERE {usage} AND {clip_end} > {window_start})"
        )
        aggregates["busy_in_window"] = (
            f"COUNT(*) FILTER (WHERE {usage} AND (e.ended_at IS NULL"
            " OR (e.ended_at > e.occurred_at AND e.ended_at > a.ws_ts)))"
        )
    # The latest end of a usage (T when open): only past a disposal is there usage to
    # take back, which a ledger kept by the services never has.
    aggregates["last_use"] = f"MAX({clip_end}) FILTER (WHERE {usage})"
    return aggregates if current else aggregates | state_aggregates(sql, words)


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
    """The ledger of the articles in scope, read at T: one row per article
    (``article_statement``), sorted by number but for "skus"."""
    query, params = article_statement(horizon, scope, window_days, reading.sql, report=report)
    rows = [_article_row(record, horizon, reading.sql) for record in run(query, params)]
    if report != "skus":
        rows.sort(key=lambda row: row.number)
    return rows


def article_statement(
    horizon: Horizon,
    scope: Scope,
    window_days: int | None,
    sql: Dialect,
    *,
    report: str,
) -> tuple[str, Params]:
    """The statement that reads the ledger of the articles in scope at T, one row per
    article in no particular order, and its parameters.

    One aggregate pass, ``g``, over all events before T (counts, usage clipped to
    [P, T), money, windowed money, on-order flags, what its state at T is made of),
    computing only what ``report`` ("articles", "skus" or "selloff") shows; ``s`` adds
    the state at T. For an article disposed at T a correlated subquery measures the
    part of its usage after E (none in a ledger kept by the services), so that ``g``
    needs no E; another finds E for one lost, found and lost again.
    """
    params = Params()
    t = sql.as_timestamp(params.timestamp("t", horizon.end))
    params.value("t_epoch", horizon.epoch)
    params.timestamp("year_start", horizon.before(DOLLAR_UTILIZATION_DAYS))
    articles = articles_cte(sql, scope, window_days, params)
    words = Vocabulary.of(params)
    # The ledger refuses moments in the future: when T lies after now, every effect
    # has taken place before T and the state at T is the article's current state.
    current = horizon.is_after_now()
    aggregates = _aggregates(sql, words, report, current=current)
    state = CURRENT_STATE if current else state_columns(sql, words)
    usage = f"e.kind IN ({words.usage})"
    clip_end = sql.least(f"COALESCE(e.ended_at, {t})", t)
    late_start = sql.greatest("e.occurred_at", "s.p_ts", "s.disposed_at_t")
    # What Python reads; the moments that make the state at T stay in the database.
    shown = [name for name in aggregates if not name.startswith(_STATE_PARTS)]
    articles_report = report == "articles"
    query = f"""
        WITH {articles},{_paid_back(sql, words) if articles_report else ""}
        g AS (
            SELECT e.article_id, {", ".join(f"{sql_} AS {name}" for name, sql_ in aggregates.items())}
            FROM {table(Event)} e JOIN a ON a.id = e.article_id
            WHERE e.occurred_at < %(t)s
            GROUP BY e.article_id
        ),
        s AS (
            SELECT a.*, {", ".join(f"g.{name}" for name in shown)}, g.last_use,
                   {", ".join(f"{sql_} AS {name}" for name, sql_ in state.items())}
            FROM a LEFT JOIN g ON g.article_id = a.id
        )
        SELECT s.id, {"NULL" if report == "skus" else "s.number"} AS number, s.sku_id,
               s.allocation, s.status_at_t, s.condition_at_t, s.price, s.p, s.w,
               s.disposed_at_t AS disposed_at,
               CASE WHEN s.disposed_at_t IS NOT NULL AND s.last_use > s.disposed_at_t THEN (
                   SELECT SUM({sql.seconds_between(clip_end, late_start)})
                   FROM {table(Event)} e
                   WHERE e.article_id = s.id AND {usage} AND e.occurred_at < %(t)s
                     AND {clip_end} > {late_start}
               ) END AS late_time,
               {", ".join(f"s.{name}" for name in shown)},
               {"s.sku_code, s.sku_rate" if articles_report else "NULL AS sku_code, NULL AS sku_rate"},
               {"pb.paid_back_at" if articles_report else "NULL"} AS paid_back_at,
               s.store_name, s.status, s.condition
        FROM s {"LEFT JOIN pb ON pb.article_id = s.id" if articles_report else ""}
    """
    return query, params


# The aggregates of ``g`` that only make the state at T.
_STATE_PARTS = (
    "last_use",
    "condition_key",
    "store_key",
    "status_key",
    "status_set_at",
    "last_back",
    "first_out",
    "held_",
)


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
        status=record["status_at_t"],
        condition=record["condition_at_t"],
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
        window_usage_seconds=seconds(record.get("window_usage")),
        first_window_net=money(record.get("first_window_net")),
        first_window_usage_seconds=seconds(record.get("first_window_usage")),
        open_at_end=bool(record.get("open_at_end")),
        busy_in_window=bool(record.get("busy_in_window")),
        sku_code=record["sku_code"],
        rate=_rate(record["sku_rate"]),
        paid_back_at=record["paid_back_at"],
        now_store=record["store_name"],
        now_status=record["status"],
        now_condition=record["condition"],
    )
