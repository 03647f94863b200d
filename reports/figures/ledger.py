"""The figures of SPEC.md "Figures" and "Sell-off candidates", computed in the database.

Every report function reads the ledger with a fixed handful of SQL statements whatever
the number of articles: one aggregate pass over the events gives one row per article
(usage count and time, money, windowed money, on-order flags, the moments that decide
whether it is disposed at T), a window function in the same statement gives
``paid_back_on``, and another statement sweeps the usages for the peak number of
articles on order per SKU. Python then finishes over one row per article: day counts
as exact decimals, medians, Kaplan–Meier, fractional powers of the depreciation.

The horizon T is the instant at which the day after the as-of date begins in the
installation's time zone; P, the instant at which an article's purchase day begins, is
computed in SQL from the date and the zone's UTC offset on that day (a ``CASE`` over
the purchase dates on which the offset changes), so that daylight saving time is
exact. Events are compared with T, P, T - W and P + W as timestamps; durations are
summed as intervals on PostgreSQL and as epoch seconds (read to the microsecond) on
SQLite. A day is 86,400 seconds, also for windows: T - W is W × 86,400 seconds before T.

Money is summed exactly: as numerics on PostgreSQL, as whole cents on SQLite (which
stores decimals as floats), and returned as ``Decimal``. Money figures are rounded to
the cent where SPEC.md derives them by arithmetic that can leave fractions of a cent
(``estimated_value``, ``renewal_hurdle``, ``challenger_margin``), so that the figures
built from them (``value_loss``, ``keep_margin``, ``renewal_gain``) add up exactly as
shown.

Decisions where SPEC.md leaves room (also in the report of issue 3):

- "Disposed at T" is read from the ledger: an article is disposed at T when its last
  disposal before T (a sale, retirement or loss event, or a status change to lost, sold
  or retired) is not followed, before T, by a status change back to active or out of use
  (a lost article found). Its E is then the moment of that last disposal. An article
  lost before T and found after T is therefore disposed as of T.
- ``on_order`` counts the articles active at T with a usage open at T, both read from
  the ledger: not disposed at T, and not out of use at T. An article is out of use at
  T when its last manual status change before T made it out of use, or when a
  downtime that took it out of use is open at T and no manual change to active came
  after that downtime began.
- ``dollar_utilization`` counts the same revenue as ``revenue``: sale events excluded.
- ``trailing_net`` and the first-window net of ``challenger_margin`` leave out sale
  events entirely (their revenue and their cost).
- ``estimated_value`` uses an age of 0 for an article purchased after the as-of date.
- With a store, the SKU figures and the sell-off candidates are computed over the
  articles now in that store; the SKU's default replacement price still comes from the
  SKU's most recently purchased article in any store, since it is the price of a new
  one.
- ``fleet_monthly_totals`` counts usage days as the usage intervals (an open usage
  reaching to T) intersected with each month.
"""

from __future__ import annotations

import datetime as dt
import heapq
import threading
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import (
    DISPOSAL_KINDS,
    DISPOSED_STATUSES,
    SERVICE_KINDS,
    USAGE_KINDS,
    Allocation,
    Article,
    Condition,
    Event,
    Status,
    Store,
)
from skus.models import SKU

__all__ = [
    "ARTICLE_FIGURES",
    "SELLOFF_FIGURES",
    "SKU_FIGURES",
    "article_figures",
    "fleet_monthly_totals",
    "selloff_candidates",
    "sku_figures",
]

ARTICLE_FIGURES = (
    "number",
    "sku_code",
    "usage_count",
    "usage_days",
    "owned_days",
    "utilization",
    "revenue",
    "expenses",
    "net",
    "payback_ratio",
    "paid_back_on",
    "sale_proceeds",
    "lifetime_profit",
    "dollar_utilization",
    "estimated_value",
)
SKU_FIGURES = (
    "sku_code",
    "articles",
    "active",
    "out_of_use",
    "on_order",
    "lost",
    "sold",
    "retired",
    "revenue",
    "expenses",
    "net",
    "purchase_total",
    "revenue_per_article",
    "mean_utilization",
    "disposed",
    "median_lifetime_days",
    "median_uses_at_disposal",
    "km_median_lifetime_days",
    "peak_on_order",
    "surplus",
    "replacement_price",
    "challenger_margin",
    "renewal_hurdle",
)
SELLOFF_FIGURES = (
    "number",
    "sku_code",
    "keep_margin",
    "trailing_net",
    "value_loss",
    "renewal_gain",
    "reasons",
    "estimated_value",
)
# Reason codes in the order of SPEC.md "Sell-off candidates".
REASONS = (
    "earns_less_than_value_loss",
    "surplus_sku",
    "new_one_earns_more",
    "idle",
    "poor_condition",
    "past_expected_lifetime",
    "paid_back",
)

SECONDS_PER_DAY = 86_400
DAY = Decimal(SECONDS_PER_DAY)
YEAR_SECONDS = Decimal(365 * SECONDS_PER_DAY)
DOLLAR_UTILIZATION_DAYS = 365
# The as-of dates and windows the arithmetic is good for (T - W and T + W stay
# within the calendar of Python and of both databases).
FIRST_AS_OF = dt.date(1900, 1, 1)
LAST_AS_OF = dt.date(9000, 12, 31)
MAX_WINDOW_DAYS = 36_500
ZERO = Decimal("0")
ONE = Decimal("1")
CENT = Decimal("0.01")
NO_MONEY = Decimal("0.00")
MICROSECOND = Decimal("0.000001")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
WORK_MEM = "128MB"
CONDITION_FACTORS = {
    Condition.NEW: Decimal("1.00"),
    Condition.LIKE_NEW: Decimal("0.85"),
    Condition.GOOD: Decimal("0.70"),
    Condition.FAIR: Decimal("0.50"),
    Condition.POOR: Decimal("0.25"),
}


# --- the horizon and the per-SKU parameters ------------------------------------------


@dataclass(frozen=True)
class Horizon:
    """The as-of date D and the instant T at which D + 1 begins, in UTC and epoch seconds."""

    day: dt.date
    end: dt.datetime
    epoch: int

    @classmethod
    def of(cls, as_of: dt.date | None) -> Horizon:
        zone = timezone.get_default_timezone()
        day = as_of or timezone.localdate(timezone=zone)
        if not FIRST_AS_OF <= day <= LAST_AS_OF:
            raise ValueError(
                f"The as-of date {day.isoformat()} is out of range; give a date from "
                f"{FIRST_AS_OF.isoformat()} to {LAST_AS_OF.isoformat()}."
            )
        end = timezone.make_aware(
            dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), zone
        )
        end = end.astimezone(dt.UTC)
        return cls(day=day, end=end, epoch=int(end.timestamp()))

    def before(self, days: int) -> dt.datetime:
        """T minus ``days`` × 86,400 seconds (UTC arithmetic, so DST does not move it)."""
        return self.end - dt.timedelta(days=days)


def _check_window(window_days: int | None) -> int | None:
    if window_days is None:
        return None
    if (
        isinstance(window_days, bool)
        or not isinstance(window_days, int)
        or not 1 <= window_days <= MAX_WINDOW_DAYS
    ):
        raise ValueError(
            f"The window must be a whole number of days from 1 to {MAX_WINDOW_DAYS}, "
            f"not {window_days!r}."
        )
    return window_days


@dataclass(frozen=True)
class SkuParameters:
    """A SKU's sell-off parameters with the installation defaults filled in."""

    window_days: int
    rate: Decimal
    expected_lifetime_days: int | None
    replacement_price: Decimal | None
    renewal_hurdle: Decimal | None

    @classmethod
    def of(cls, sku: SKU, *, window_days: int | None, latest_price: Decimal | None):
        replacement = sku.replacement_price if sku.replacement_price is not None else latest_price
        if sku.renewal_hurdle is not None:
            hurdle = sku.renewal_hurdle
        elif replacement is not None:
            hurdle = _money(replacement * settings.RENEWAL_HURDLE_SHARE)
        else:
            hurdle = None
        return cls(
            # A SKU's window beyond a century is read as a century (the calendar's
            # arithmetic has limits; the figures do not change for any real fleet).
            window_days=min(window_days or sku.effective_selloff_window_days, MAX_WINDOW_DAYS),
            rate=Decimal(sku.effective_depreciation_rate),
            expected_lifetime_days=sku.expected_lifetime_days,
            replacement_price=replacement,
            renewal_hurdle=hurdle,
        )


# --- small arithmetic helpers ---------------------------------------------------------


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _median(values: Iterable[Decimal | int]) -> Decimal | None:
    """The middle value; of an even number of values, the mean of the two middle ones."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Decimal(ordered[middle])
    return (Decimal(ordered[middle - 1]) + Decimal(ordered[middle])) / 2


def _kaplan_meier_median(lifetimes: list[tuple[Decimal, bool]]) -> Decimal | None:
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


class _Depreciation:
    """(1 - r) ^ (age / 365 days), cached: many articles share a rate and a purchase day."""

    def __init__(self):
        self._cache: dict[tuple[str, Any], Decimal] = {}

    def factor(self, rate: Decimal, age_seconds: Decimal) -> Decimal:
        # Ages are whole seconds but for odd imported times: ints hash much faster.
        whole = int(age_seconds)
        key = (str(rate), whole if whole == age_seconds else age_seconds)
        factor = self._cache.get(key)
        if factor is None:
            exponent = max(age_seconds, ZERO) / YEAR_SECONDS
            base = ONE - rate
            factor = ONE if exponent == 0 else base**exponent if base else ZERO
            self._cache[key] = factor
        return factor

    def value(self, price: Decimal, condition: str, rate: Decimal, age_seconds: Decimal):
        """estimated_value: price × (1 - r) ^ (age_days / 365) × f(condition), to the cent."""
        return _money(price * self.factor(rate, age_seconds) * CONDITION_FACTORS[condition])


# --- SQL that reads the same on PostgreSQL and SQLite ---------------------------------


class _Dialect:
    """The few fragments that differ between PostgreSQL and SQLite."""

    def __init__(self):
        self.vendor = connection.vendor
        if self.vendor not in ("postgresql", "sqlite"):
            raise NotImplementedError(
                f"The reports run on PostgreSQL or SQLite, not on {self.vendor}."
            )
        self.pg = self.vendor == "postgresql"
        self._offsets: dict[str, str] = {}
        self.snapshot: str | None = None  # exported by _reading, for _concurrently

    def purchase_offsets(self, column: str) -> str:
        """``_purchase_offsets`` once per report (it reads the distinct purchase dates)."""
        if column not in self._offsets:
            self._offsets[column] = _purchase_offsets(self, column)
        return self._offsets[column]

    def epoch(self, column: str) -> str:
        """Seconds since 1970 of a timestamp column (NULL stays NULL)."""
        if self.pg:
            return f"date_part('epoch', {column})"
        # Django stores "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC. SQLite's own date
        # functions round to the millisecond, so the whole seconds are read from the
        # first 19 characters and the microseconds added from the text itself.
        return (
            f"(CAST(strftime('%%s', substr({column}, 1, 19)) AS INTEGER)"
            f" + CASE WHEN length({column}) > 19 THEN CAST(substr({column}, 20) AS REAL)"
            f" ELSE 0 END)"
        )

    def date_epoch(self, column: str) -> str:
        """Seconds since 1970 of the UTC midnight that begins a date column."""
        if self.pg:
            return f"(CAST({column} - DATE '1970-01-01' AS BIGINT) * {SECONDS_PER_DAY})"
        return f"CAST(strftime('%%s', {column}) AS INTEGER)"

    def date(self, value: dt.date) -> str:
        literal = f"'{value.isoformat()}'"
        return f"DATE {literal}" if self.pg else literal

    def greatest(self, *parts: str) -> str:
        return f"{'GREATEST' if self.pg else 'MAX'}({', '.join(parts)})"

    def least(self, *parts: str) -> str:
        return f"{'LEAST' if self.pg else 'MIN'}({', '.join(parts)})"

    def money(self, column: str) -> str:
        """Money to sum: exact numerics on PostgreSQL; on SQLite, which stores decimals
        as floats, whole cents."""
        if self.pg:
            return column
        return f"CAST(ROUND({column} * 100) AS INTEGER)"

    def to_money(self, value: Any) -> Decimal:
        """A sum of ``money()`` read back as an amount with 2 places."""
        if value is None:
            return NO_MONEY
        if self.pg:
            # numeric(12, 2) and its sums arrive as Decimals with 2 places.
            return value if isinstance(value, Decimal) else Decimal(value).quantize(CENT)
        return Decimal(round(value)).scaleb(-2)

    def from_epoch(self, expression: str) -> str:
        """The timestamp at ``expression`` seconds since 1970, comparable with the
        events' own timestamp columns."""
        if self.pg:
            return f"to_timestamp({expression})"
        return f"datetime({expression}, 'unixepoch')"

    def param_ts(self, name: str) -> str:
        return f"CAST(%({name})s AS timestamptz)" if self.pg else f"%({name})s"

    def seconds_between(self, later: str, earlier: str) -> str:
        """The length of [earlier, later): an interval on PostgreSQL, seconds on SQLite."""
        if self.pg:
            return f"({later} - {earlier})"
        return f"({self.epoch(later)} - {self.epoch(earlier)})"

    @staticmethod
    def to_seconds(value: Any) -> Decimal:
        """A duration from SQL (interval, seconds) as exact Decimal seconds."""
        if value is None:
            return ZERO
        if isinstance(value, dt.timedelta):
            return Decimal(value.days * SECONDS_PER_DAY + value.seconds) + (
                Decimal(value.microseconds) / 1_000_000
            )
        if isinstance(value, float):
            return Decimal(repr(value)).quantize(MICROSECOND, rounding=ROUND_HALF_UP)
        return Decimal(value)

    def epoch_of(self, value: Any) -> Decimal:
        """Exact seconds since 1970 of a timestamp read from SQL."""
        return self.to_seconds(self.as_datetime(value) - EPOCH)

    def timestamp(self, value: dt.datetime) -> Any:
        return connection.ops.adapt_datetimefield_value(value)

    @staticmethod
    def as_datetime(value: Any) -> dt.datetime:
        """A timestamp read from SQL (text on SQLite) as an aware datetime."""
        if isinstance(value, str):
            value = parse_datetime(value)
        if timezone.is_naive(value):
            value = timezone.make_aware(value, dt.UTC)
        return value


TUNING = (
    f"SET LOCAL jit = off; SET LOCAL work_mem = '{WORK_MEM}';"
    " SET LOCAL parallel_setup_cost = 10; SET LOCAL parallel_tuple_cost = 0.001"
)


@contextmanager
def _reading(scope: _Scope):
    """The dialect for one report, whose statements run in one transaction.

    For a whole-fleet or a store's report on PostgreSQL the transaction turns JIT off
    (compiling these one-off plans costs seconds, more than it saves), gives the hashes
    and sorts room in memory and makes parallel workers cheap to start (a scan of every
    event is worth splitting). ``SET LOCAL`` lasts until the outermost transaction ends.

    When the report's transaction is the outermost one, it is REPEATABLE READ and
    exports its snapshot, so that a second connection can run a statement of the same
    report at the same time and see exactly the same ledger (``_concurrently``).
    """
    sql = _Dialect()
    if not sql.pg or scope.articles is not None or scope.sku_ids is not None:
        # SQLite has nothing to tune; a page of articles or a few SKUs plans small.
        yield sql
        return
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            if outermost:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; " + TUNING)
                cursor.execute("SELECT pg_export_snapshot()")
                sql.snapshot = cursor.fetchone()[0]
            else:
                cursor.execute(TUNING)
        yield sql


class _Concurrent:
    """One report statement running on a second connection, in the report's snapshot."""

    def __init__(self, snapshot: str, query: str, params: dict[str, Any]):
        self._result: list[tuple] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._run, args=(snapshot, query, params), daemon=True
        )
        self._thread.start()

    def _run(self, snapshot: str, query: str, params: dict[str, Any]) -> None:
        from psycopg import sql as psycopg_sql  # only ever on PostgreSQL

        try:
            raw = connection.get_new_connection(connection.get_connection_params())
            try:
                with raw.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    cursor.execute(
                        psycopg_sql.SQL("SET TRANSACTION SNAPSHOT {}").format(
                            psycopg_sql.Literal(snapshot)
                        )
                    )
                    cursor.execute(TUNING)
                    cursor.execute(query, params)
                    self._result = cursor.fetchall()
                raw.rollback()
            finally:
                raw.close()
        except BaseException as error:  # handed to the thread that asks for the result
            self._error = error

    def result(self) -> list[tuple]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._result


def _concurrently(sql: _Dialect, query: str, params: dict[str, Any]):
    """Start ``query`` now and return a function that gives its rows when called.

    In an exported snapshot it runs on a second connection while this one carries on;
    otherwise (SQLite, a transaction opened by the caller) it simply runs now.
    """
    if sql.snapshot is not None:
        return _Concurrent(sql.snapshot, query, params).result
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    return lambda: rows


def _quoted_list(values: Iterable[str]) -> str:
    return ", ".join(f"'{value}'" for value in sorted(values))


USAGE_SQL = _quoted_list(USAGE_KINDS)
SERVICE_SQL = _quoted_list(SERVICE_KINDS)
DISPOSAL_KINDS_SQL = _quoted_list(DISPOSAL_KINDS)
DISPOSED_STATUSES_SQL = _quoted_list(DISPOSED_STATUSES)
BACK_STATUSES_SQL = _quoted_list({Status.ACTIVE, Status.OUT_OF_USE})
ARTICLE_TABLE = Article._meta.db_table
EVENT_TABLE = Event._meta.db_table
SKU_TABLE = SKU._meta.db_table


@dataclass
class _Scope:
    """Which articles a report covers: a queryset, some SKUs, a store (all optional)."""

    articles: QuerySet | None = None
    sku_ids: list[int] | None = None
    store: Store | None = None

    def where(self, params: dict[str, Any]) -> str:
        conditions = ["1 = 1"]
        if self.articles is not None:
            articles = self.articles
            if not articles.query.is_sliced:
                articles = articles.order_by()
            sql, subquery_params = articles.values("pk").query.sql_with_params()
            pieces = sql.split("%s")
            named = pieces[0]
            for index, (piece, value) in enumerate(zip(pieces[1:], subquery_params, strict=True)):
                params[f"scope{index}"] = value
                named += f"%(scope{index})s{piece}"
            conditions.append(f"a.id IN ({named})")
        if self.sku_ids is not None:
            ids = ", ".join(str(int(pk)) for pk in self.sku_ids) or "NULL"
            conditions.append(f"a.sku_id IN ({ids})")
        if self.store is not None:
            params["store_id"] = self.store.pk
            conditions.append("a.store_id = %(store_id)s")
        return " AND ".join(conditions)


def _purchase_offsets(sql: _Dialect, column: str) -> str:
    """SQL giving the UTC offset in seconds of the midnight that begins ``column``.

    The offsets are read from the zone database in Python for every distinct purchase
    date and written as a CASE over the dates on which the offset changes from one
    purchase date to the next: a constant in UTC, at most two branches a year of
    purchases in a zone with summer time.
    """
    zone = timezone.get_default_timezone()
    if getattr(zone, "key", None) in ("UTC", "Etc/UTC"):
        return "0"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT purchased_on FROM {ARTICLE_TABLE}")
        days = sorted(
            day if isinstance(day, dt.date) else dt.date.fromisoformat(day)
            for (day,) in cursor.fetchall()
        )
    changes: list[tuple[dt.date, int]] = []
    for day in days:
        midnight = timezone.make_aware(dt.datetime.combine(day, dt.time.min), zone)
        offset = int(midnight.utcoffset().total_seconds())
        if not changes or offset != changes[-1][1]:
            changes.append((day, offset))
    if len(changes) <= 1:
        return str(changes[0][1]) if changes else "0"
    branches = " ".join(
        f"WHEN {column} >= {sql.date(since)} THEN {seconds}"
        for since, seconds in reversed(changes[1:])
    )
    return f"(CASE {branches} ELSE {changes[0][1]} END)"


def _articles_cte(sql: _Dialect, scope: _Scope, window_days: int | None, params) -> str:
    """The articles in scope with P, their window W, and the instants the figures compare
    events with: P, T - W and P + W, as timestamps (compared with the events' own
    columns, so that the ledger's indexes and fast timestamp comparisons serve)."""
    params["window"] = window_days
    params["default_window"] = settings.SELLOFF_WINDOW_DAYS
    p = f"{sql.date_epoch('a.purchased_on')} - {sql.purchase_offsets('a.purchased_on')}"
    window = "COALESCE(%(window)s, s.selloff_window_days, %(default_window)s)"
    w = f"CAST({sql.least(window, str(MAX_WINDOW_DAYS))} AS BIGINT) * {SECONDS_PER_DAY}"
    return f"""
        a AS NOT MATERIALIZED (
            SELECT b.*, {sql.from_epoch("b.p")} AS p_ts,
                   {sql.from_epoch("%(t_epoch)s - b.w")} AS ws_ts,
                   {sql.from_epoch("b.p + b.w")} AS pw_ts
            FROM (
                SELECT a.id, a.number, a.sku_id, a.allocation, a.status, a.condition,
                       {sql.money("a.purchase_price")} AS price, {p} AS p, {w} AS w,
                       s.code AS sku_code, s.depreciation_rate AS sku_rate
                FROM {ARTICLE_TABLE} a JOIN {SKU_TABLE} s ON s.id = a.sku_id
                WHERE {scope.where(params)}
            ) b
        )"""


@dataclass(slots=True)
class _ArticleRow:
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

    def __post_init__(self):
        self.owned_seconds = max(ZERO, self.end - self.start)

    @property
    def is_on_order_and_active_at_end(self) -> bool:
        """A usage open at T, and active at T: neither disposed nor out of use."""
        return self.open_at_end and self.disposed is None and not self.out_of_use_at_end


def _article_rows(
    horizon: Horizon,
    scope: _Scope,
    window_days: int | None,
    sql: _Dialect,
    *,
    report: str,
) -> list[_ArticleRow]:
    """The ledger of the articles in scope, read at T: one row per article.

    Two aggregates, each one pass: ``d`` over the status-bearing events (is the article
    disposed or out of use at T?) and ``g`` over all events before T (counts, usage
    clipped to [P, T), money, windowed money, on-order flags), computing only what
    ``report`` ("articles", "skus" or "selloff") shows. For an article disposed at T a
    correlated subquery measures the part of its usage after E (none in a ledger kept
    by the services), so that ``g`` needs no E.
    """
    params: dict[str, Any] = {
        "t": sql.timestamp(horizon.end),
        "t_epoch": horizon.epoch,
        "year_start": sql.timestamp(horizon.before(DOLLAR_UTILIZATION_DAYS)),
    }
    articles = _articles_cte(sql, scope, window_days, params)
    usage = f"e.kind IN ({USAGE_SQL})"
    t = sql.param_ts("t")
    revenue, cost = sql.money("e.revenue"), sql.money("e.cost")
    clip_start = sql.greatest("e.occurred_at", "a.p_ts")
    clip_end = sql.least(f"COALESCE(e.ended_at, {t})", t)
    late_start = sql.greatest("e.occurred_at", "a.p_ts", "g.last_out")
    aggregates = {
        "usage_count": f"COUNT(*) FILTER (WHERE {usage})",
        "usage_time": f"SUM({sql.seconds_between(clip_end, clip_start)})"
        f" FILTER (WHERE {usage} AND {clip_end} > {clip_start})",
        "revenue": f"SUM({revenue}) FILTER (WHERE e.kind <> 'sale')",
        "expenses": f"SUM({cost})",
    }
    if report == "articles":
        aggregates["sale_proceeds"] = f"SUM({revenue}) FILTER (WHERE e.kind = 'sale')"
        aggregates["revenue_year"] = (
            f"SUM({revenue}) FILTER (WHERE e.kind <> 'sale' AND e.occurred_at >= %(year_start)s)"
        )
    else:
        aggregates["first_window_net"] = (
            f"SUM({revenue} - {cost}) FILTER (WHERE e.kind <> 'sale'"
            " AND e.occurred_at >= a.p_ts AND e.occurred_at < a.pw_ts)"
        )
        aggregates["open_at_end"] = (
            f"COUNT(*) FILTER (WHERE {usage} AND (e.ended_at IS NULL OR e.ended_at > %(t)s))"
        )
    if report == "selloff":
        aggregates["trailing_net"] = (
            f"SUM({revenue} - {cost}) FILTER (WHERE e.kind <> 'sale' AND e.occurred_at >= a.ws_ts)"
        )
        aggregates["busy_in_window"] = (
            f"COUNT(*) FILTER (WHERE {usage} AND (e.ended_at IS NULL"
            " OR (e.ended_at > e.occurred_at AND e.ended_at > a.ws_ts)))"
        )
    # Is the article disposed, or out of use, at T? (See the module's docstring.)
    aggregates["last_out"] = (
        f"MAX(e.occurred_at) FILTER (WHERE e.kind IN ({DISPOSAL_KINDS_SQL})"
        f" OR (e.kind = 'status_change' AND e.status IN ({DISPOSED_STATUSES_SQL})))"
    )
    aggregates["last_back"] = (
        "MAX(e.occurred_at) FILTER (WHERE e.kind = 'status_change'"
        f" AND e.status IN ({BACK_STATUSES_SQL}))"
    )
    # The latest end of a usage (T when open): only past a disposal is there usage to
    # take back, which a ledger kept by the services never has.
    aggregates["last_use"] = f"MAX({clip_end}) FILTER (WHERE {usage})"
    out_of_use = "0"
    if report != "articles":
        # Out of use at T matters only for an article with a usage open at T (is it on
        # order?): a correlated subquery for those few, not an aggregate over all.
        down = (
            "MAX(e.occurred_at) FILTER (WHERE e.kind = 'status_change' AND e.status = 'out_of_use')"
        )
        up = "MAX(e.occurred_at) FILTER (WHERE e.kind = 'status_change' AND e.status = 'active')"
        downtime = (
            f"MAX(e.occurred_at) FILTER (WHERE e.kind IN ({SERVICE_SQL})"
            " AND e.status = 'out_of_use' AND (e.ended_at IS NULL OR e.ended_at > %(t)s))"
        )
        out_of_use = f"""CASE WHEN g.open_at_end > 0 THEN (
                   SELECT CASE WHEN ({down} IS NOT NULL AND ({up} IS NULL OR {down} > {up}))
                                 OR ({downtime} IS NOT NULL
                                     AND ({up} IS NULL OR {downtime} > {up}))
                               THEN 1 ELSE 0 END
                   FROM {EVENT_TABLE} e
                   WHERE e.article_id = a.id AND e.occurred_at < %(t)s
                     AND e.kind IN ({SERVICE_SQL}, 'status_change')
               ) ELSE 0 END"""
    # What Python reads; the moments that decide "disposed at T" stay in the database.
    shown = [name for name in aggregates if name not in ("last_out", "last_back", "last_use")]
    disposed_at_t = "g.last_out IS NOT NULL AND (g.last_back IS NULL OR g.last_out > g.last_back)"
    paid_back, paid_back_join = "", ""
    if report == "articles":
        # The first event at which the running net (revenue except sales, minus every
        # cost, in occurred_at order, ties in the order recorded) reaches the price.
        paid_back = f"""
        r AS (
            SELECT e.article_id, e.occurred_at, a.price,
                   SUM(CASE WHEN e.kind = 'sale' THEN 0 ELSE {revenue} END - {cost})
                       OVER (PARTITION BY e.article_id ORDER BY e.occurred_at, e.id
                             ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running
            FROM {EVENT_TABLE} e JOIN a ON a.id = e.article_id
            WHERE e.occurred_at < %(t)s AND a.price > 0
        ),
        pb AS (
            SELECT article_id, MIN(occurred_at) AS paid_back_at FROM r
            WHERE running >= price GROUP BY article_id
        ),"""
        paid_back_join = "LEFT JOIN pb ON pb.article_id = a.id"
    query = f"""
        WITH {articles},{paid_back}
        g AS (
            SELECT e.article_id, {", ".join(f"{sql_} AS {name}" for name, sql_ in aggregates.items())}
            FROM {EVENT_TABLE} e JOIN a ON a.id = e.article_id
            WHERE e.occurred_at < %(t)s
            GROUP BY e.article_id
        )
        SELECT a.id, {"NULL" if report == "skus" else "a.number"}, a.sku_id, a.allocation,
               a.status, a.condition, a.price, a.p, a.w,
               CASE WHEN {disposed_at_t} THEN g.last_out END AS disposed_at,
               CASE WHEN {disposed_at_t} AND g.last_use > g.last_out THEN (
                   SELECT SUM({sql.seconds_between(clip_end, late_start)})
                   FROM {EVENT_TABLE} e
                   WHERE e.article_id = a.id AND {usage} AND e.occurred_at < %(t)s
                     AND {clip_end} > {late_start}
               ) END AS late_time,
               {", ".join(f"g.{name}" for name in shown)},
               {"a.sku_code, a.sku_rate" if report == "articles" else "NULL, NULL"},
               {out_of_use} AS out_of_use_at_end,
               {"pb.paid_back_at" if report == "articles" else "NULL"} AS paid_back_at
        FROM a LEFT JOIN g ON g.article_id = a.id {paid_back_join}
    """
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    t_epoch = Decimal(horizon.epoch)
    money, seconds = sql.to_money, sql.to_seconds
    # SKU rates as read (SQLite returns a float: its shortest text is the stored value).
    rates: dict[Any, Decimal] = {None: Decimal(settings.DEPRECIATION_RATE)}
    at = {name: 11 + index for index, name in enumerate(shown)}
    after = 11 + len(shown)
    count, time, revenue_at, expenses_at = (
        at[name] for name in ("usage_count", "usage_time", "revenue", "expenses")
    )
    # Columns this report does not compute have no index: they read as NULL.
    sale_at, year_at, trailing_at, first_at, open_at, busy_at = (
        at.get(name)
        for name in (
            "sale_proceeds",
            "revenue_year",
            "trailing_net",
            "first_window_net",
            "open_at_end",
            "busy_in_window",
        )
    )

    def column(row: tuple, index: int | None) -> Any:
        return None if index is None else row[index]

    result = []
    for row in rows:
        sku_code, sku_rate, out_of_use, paid_back_at = row[after:]
        disposed = None if row[9] is None else sql.epoch_of(row[9])
        result.append(
            _ArticleRow(
                id=row[0],
                number=row[1],
                sku_id=row[2],
                allocation=row[3],
                status=row[4],
                condition=row[5],
                price=money(row[6]),
                start=Decimal(row[7]),
                disposed=disposed,
                end=t_epoch if disposed is None else min(disposed, t_epoch),
                window=int(row[8]),
                usage_count=int(row[count] or 0),
                usage_seconds=seconds(row[time]) - seconds(row[10]),
                revenue=money(row[revenue_at]),
                expenses=money(row[expenses_at]),
                sale_proceeds=money(column(row, sale_at)),
                revenue_year=money(column(row, year_at)),
                trailing_net=money(column(row, trailing_at)),
                first_window_net=money(column(row, first_at)),
                open_at_end=bool(column(row, open_at)),
                busy_in_window=bool(column(row, busy_at)),
                out_of_use_at_end=bool(out_of_use),
                sku_code=sku_code,
                rate=rates[sku_rate]
                if sku_rate in rates
                else rates.setdefault(sku_rate, Decimal(str(sku_rate))),
                paid_back_at=paid_back_at,
            )
        )
    if report != "skus":
        result.sort(key=lambda row: row.number)
    return result


def _peaks_on_order(
    horizon: Horizon, scope: _Scope, window_days, sql: _Dialect, *, longest_window: int
):
    """Per SKU, the most articles on order at one instant of [T - W, T): a function
    that returns them (the statement may still be running on a second connection).

    A sweep: every usage open at some instant of the window adds +1 at its start
    (or at T - W) and -1 at its end if it ends before T; a running sum ordered by
    time, ends before starts at the same instant (usages are half-open), peaks at
    the busiest instant. ``longest_window`` (days) lets the database drop the usages
    that ended before every SKU's window before it joins them to their articles.
    """
    params: dict[str, Any] = {
        "t": sql.timestamp(horizon.end),
        "t_epoch": horizon.epoch,
        "earliest": sql.timestamp(horizon.before(longest_window)),
    }
    query = f"""
        WITH {_articles_cte(sql, scope, window_days, params)},
        points AS (
            SELECT a.sku_id, k.delta,
                   CASE WHEN k.delta = 1 THEN {sql.greatest("e.occurred_at", "a.ws_ts")}
                        ELSE e.ended_at END AS moment
            FROM {EVENT_TABLE} e JOIN a ON a.id = e.article_id
                 CROSS JOIN (SELECT 1 AS delta UNION ALL SELECT -1 AS delta) k
            WHERE e.kind IN ({USAGE_SQL}) AND e.occurred_at < %(t)s
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
        SELECT sku_id, MAX(on_order) FROM running GROUP BY sku_id
    """
    rows = _concurrently(sql, query, params)
    return lambda: {sku_id: int(peak) for sku_id, peak in rows()}


def _latest_purchase_prices(horizon: Horizon, sku_ids: list[int] | None, sql: _Dialect):
    """Per SKU, the price of its most recently purchased article (purchased_on <= D),
    the highest among those bought that day."""
    params: dict[str, Any] = {}
    where = ""
    if sku_ids is not None:
        where = f"AND a.sku_id IN ({', '.join(str(int(pk)) for pk in sku_ids) or 'NULL'})"
    query = f"""
        WITH latest AS (
            SELECT a.sku_id, MAX(a.purchased_on) AS day FROM {ARTICLE_TABLE} a
            WHERE a.purchased_on <= {sql.date(horizon.day)} {where}
            GROUP BY a.sku_id
        )
        SELECT a.sku_id, MAX({sql.money("a.purchase_price")})
        FROM {ARTICLE_TABLE} a JOIN latest ON latest.sku_id = a.sku_id
                                          AND latest.day = a.purchased_on
        GROUP BY a.sku_id
    """
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return {sku_id: sql.to_money(price) for sku_id, price in cursor.fetchall()}


# --- per-article figures ----------------------------------------------------------------


def _article_figure(
    row: _ArticleRow,
    *,
    horizon: Horizon,
    paid_back_on: dt.date | None,
    depreciation: _Depreciation,
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
) -> list[dict[str, Any]]:
    """SPEC.md's per-article figures as of ``as_of`` (default today), sorted by number.

    ``articles`` limits the rows to a queryset, which may be a sliced page of a list
    (``Article.objects.order_by("number")[50:100]``). ``window_days`` is accepted for
    symmetry with the other reports; no per-article figure depends on it. One
    statement whatever the number of articles (two in a zone with summer time).
    """
    _check_window(window_days)
    horizon = Horizon.of(as_of)
    scope = _Scope(articles=articles)
    with _reading(scope) as sql:
        rows = _article_rows(horizon, scope, window_days, sql, report="articles")
    zone = timezone.get_default_timezone()
    depreciation = _Depreciation()
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


# --- per-SKU figures and sell-off candidates -----------------------------------------


@dataclass
class _SkuReport:
    sku: SKU
    parameters: SkuParameters
    rows: list[_ArticleRow]
    figures: dict[str, Any]


def _challenger_margin(rows: list[_ArticleRow], parameters: SkuParameters) -> Decimal | None:
    """Median first-window net of the SKU's rental articles owned a whole window, minus
    what a new one would lose in value over that window; None when none qualifies."""
    window = parameters.window_days * SECONDS_PER_DAY
    nets = [
        row.first_window_net
        for row in rows
        if row.allocation == Allocation.RENTAL and row.owned_seconds >= window
    ]
    median = _median(nets)
    if median is None or parameters.replacement_price is None:
        return None
    base = ONE - parameters.rate
    kept = base ** (Decimal(parameters.window_days) / 365) if base else ZERO
    return _money(median - parameters.replacement_price * (ONE - kept))


def _sku_figure(
    sku: SKU, rows: list[_ArticleRow], parameters: SkuParameters, peak: int
) -> dict[str, Any]:
    statuses = defaultdict(int)
    for row in rows:
        statuses[row.status] += 1
    revenue = sum((row.revenue for row in rows), ZERO.quantize(CENT))
    expenses = sum((row.expenses for row in rows), ZERO.quantize(CENT))
    disposed = [row for row in rows if row.disposed is not None]
    utilizations = [
        (row.usage_seconds / row.owned_seconds) for row in rows if row.owned_seconds > 0
    ]
    lifetimes = [
        ((row.disposed - row.start) if row.disposed is not None else row.owned_seconds)
        for row in rows
    ]
    km = _kaplan_meier_median(
        [(life, row.disposed is not None) for life, row in zip(lifetimes, rows, strict=True)]
    )
    median_lifetime = _median(
        life for life, row in zip(lifetimes, rows, strict=True) if row.disposed is not None
    )
    active_rental = sum(
        1 for row in rows if row.status == Status.ACTIVE and row.allocation == Allocation.RENTAL
    )
    return {
        "sku_code": sku.code,
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
        "median_uses_at_disposal": _median(row.usage_count for row in disposed),
        "km_median_lifetime_days": None if km is None else km / DAY,
        "peak_on_order": peak,
        "surplus": max(0, active_rental - peak - 1),
        "replacement_price": parameters.replacement_price,
        "challenger_margin": _challenger_margin(rows, parameters),
        "renewal_hurdle": parameters.renewal_hurdle,
    }


def _sku_reports(
    *,
    as_of: dt.date | None,
    window_days: int | None,
    skus: QuerySet[SKU] | None,
    store: Store | None,
    report: str,
) -> tuple[Horizon, list[_SkuReport]]:
    window_days = _check_window(window_days)
    horizon = Horizon.of(as_of)
    sku_list = sorted(skus if skus is not None else SKU.objects.all(), key=lambda s: s.code)
    sku_ids = None if skus is None else [sku.pk for sku in sku_list]
    scope = _Scope(sku_ids=sku_ids, store=store)
    longest = window_days or min(
        max((sku.effective_selloff_window_days for sku in sku_list), default=1),
        MAX_WINDOW_DAYS,
    )
    with _reading(scope) as sql:
        # The sweep for the peaks runs alongside the per-article pass where it can.
        peaks_of = _peaks_on_order(horizon, scope, window_days, sql, longest_window=longest)
        rows = _article_rows(horizon, scope, window_days, sql, report=report)
        latest_prices = _latest_purchase_prices(horizon, sku_ids, sql)
        peaks = peaks_of()
    by_sku: dict[int, list[_ArticleRow]] = defaultdict(list)
    for row in rows:
        by_sku[row.sku_id].append(row)
    reports = []
    for sku in sku_list:
        parameters = SkuParameters.of(
            sku, window_days=window_days, latest_price=latest_prices.get(sku.pk)
        )
        sku_rows = by_sku.get(sku.pk, [])
        figures = _sku_figure(sku, sku_rows, parameters, peaks.get(sku.pk, 0))
        reports.append(_SkuReport(sku, parameters, sku_rows, figures))
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
    ``store`` limits the articles to those now in that store. Four statements.
    """
    _, reports = _sku_reports(
        as_of=as_of, window_days=window_days, skus=skus, store=store, report="skus"
    )
    return [report.figures for report in reports]


def selloff_candidates(
    *,
    as_of: dt.date | None = None,
    window_days: int | None = None,
    skus: QuerySet[SKU] | None = None,
    store: Store | None = None,
) -> list[dict[str, Any]]:
    """The articles worth selling or renewing (SPEC.md "Sell-off candidates").

    Sorted by keep_margin, lowest first, then by number. ``reasons`` lists the reason
    codes in SPEC.md's order.
    """
    horizon, reports = _sku_reports(
        as_of=as_of, window_days=window_days, skus=skus, store=store, report="selloff"
    )
    depreciation = _Depreciation()
    candidates = []
    for report in reports:
        parameters, figures = report.parameters, report.figures
        window = parameters.window_days * SECONDS_PER_DAY
        considered = []
        for row in report.rows:
            if (
                row.status not in (Status.ACTIVE, Status.OUT_OF_USE)
                or row.allocation != Allocation.RENTAL
                or row.owned_seconds < window
            ):
                continue
            age = Decimal(horizon.epoch) - row.start
            value_now = depreciation.value(row.price, row.condition, parameters.rate, age)
            value_later = depreciation.value(
                row.price, row.condition, parameters.rate, age + window
            )
            value_loss = value_now - value_later
            keep_margin = row.trailing_net - value_loss
            challenger = figures["challenger_margin"]
            considered.append(
                {
                    "row": row,
                    "keep_margin": keep_margin,
                    "trailing_net": row.trailing_net,
                    "value_loss": value_loss,
                    "renewal_gain": None if challenger is None else challenger - keep_margin,
                    "estimated_value": ZERO.quantize(CENT)
                    if row.disposed is not None
                    else value_now,
                    "age": age,
                }
            )
        surplus = figures["surplus"]
        weakest = {
            id(item["row"])
            for item in heapq.nsmallest(
                surplus, considered, key=lambda i: (i["keep_margin"], i["row"].number)
            )
        }
        hurdle = parameters.renewal_hurdle
        for item in considered:
            row = item["row"]
            reasons = []
            if item["keep_margin"] < 0:
                reasons.append("earns_less_than_value_loss")
            if surplus > 0 and id(row) in weakest:
                reasons.append("surplus_sku")
            if (
                surplus == 0
                and item["renewal_gain"] is not None
                and hurdle is not None
                and item["renewal_gain"] > hurdle
            ):
                reasons.append("new_one_earns_more")
            if not reasons:
                continue
            if not row.busy_in_window:
                reasons.append("idle")
            if row.condition == Condition.POOR:
                reasons.append("poor_condition")
            if (
                parameters.expected_lifetime_days is not None
                and item["age"] >= parameters.expected_lifetime_days * SECONDS_PER_DAY
            ):
                reasons.append("past_expected_lifetime")
            if row.price and (row.revenue - row.expenses) >= row.price:
                reasons.append("paid_back")
            candidates.append(
                {
                    "number": row.number,
                    "sku_code": report.sku.code,
                    "keep_margin": item["keep_margin"],
                    "trailing_net": item["trailing_net"],
                    "value_loss": item["value_loss"],
                    "renewal_gain": item["renewal_gain"],
                    "reasons": reasons,
                    "estimated_value": item["estimated_value"],
                }
            )
    candidates.sort(key=lambda candidate: (candidate["keep_margin"], candidate["number"]))
    return candidates


# --- the fleet by month ------------------------------------------------------------------


def _month_starts(day: dt.date, months: int) -> list[dt.date]:
    first = day.replace(day=1)
    starts = [first]
    for _ in range(months - 1):
        previous = starts[-1] - dt.timedelta(days=1)
        starts.append(previous.replace(day=1))
    return list(reversed(starts))


def fleet_monthly_totals(*, as_of: dt.date | None = None, months: int = 24) -> list[dict]:
    """Revenue (sales excluded), expenses, net and usage days of the whole fleet per
    calendar month in the installation's time zone, the last month ending at T.

    Two queries: the months are a small inline table joined to the events.
    """
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 1200:
        raise ValueError(f"The number of months must be from 1 to 1200, not {months!r}.")
    horizon = Horizon.of(as_of)
    sql = _Dialect()
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
    params: dict[str, Any] = {"t": sql.timestamp(horizon.end), "t_epoch": horizon.epoch}
    selects = []
    for index, (begin, end) in enumerate(bounds):
        params[f"b{index}"] = sql.timestamp(begin)
        params[f"e{index}"] = sql.timestamp(end)
        cast = "CAST(%({})s AS timestamptz)" if sql.pg else "%({})s"
        selects.append(
            f"SELECT {index} AS idx, {int(begin.timestamp())} AS bs, {int(end.timestamp())} AS es,"
            f" {cast.format(f'b{index}')} AS bt, {cast.format(f'e{index}')} AS et"
        )
    months_sql = " UNION ALL ".join(selects)
    revenue, cost = sql.money("e.revenue"), sql.money("e.cost")
    money_query = f"""
        WITH m AS ({months_sql})
        SELECT m.idx, SUM(CASE WHEN e.kind <> 'sale' THEN {revenue} ELSE 0 END), SUM({cost})
        FROM {EVENT_TABLE} e JOIN m ON e.occurred_at >= m.bt AND e.occurred_at < m.et
        GROUP BY m.idx
    """
    # Each usage's interval in epoch seconds is computed once, for the usages that
    # reach into the months at all, before it meets the months: comparing numbers
    # is cheap, converting a timestamp for every (usage, month) pair is not.
    params["first"] = sql.timestamp(bounds[0][0])
    occurred, ended = sql.epoch("e.occurred_at"), sql.epoch("e.ended_at")
    overlap = sql.greatest("0", sql.least("u.f", "m.es") + " - " + sql.greatest("u.s", "m.bs"))
    usage_query = f"""
        WITH m AS ({months_sql}),
        u AS (
            SELECT {occurred} AS s, COALESCE({ended}, %(t_epoch)s) AS f
            FROM {EVENT_TABLE} e
            WHERE e.kind IN ({USAGE_SQL}) AND e.occurred_at < %(t)s
              AND (e.ended_at IS NULL OR e.ended_at > %(first)s)
        )
        SELECT m.idx, SUM({overlap})
        FROM u JOIN m ON u.s < m.es AND u.f > m.bs
        GROUP BY m.idx
    """
    with _reading(_Scope()), connection.cursor() as cursor:
        cursor.execute(money_query, params)
        money = {idx: (sql.to_money(rev), sql.to_money(exp)) for idx, rev, exp in cursor.fetchall()}
        cursor.execute(usage_query, params)
        usage = {idx: sql.to_seconds(seconds) for idx, seconds in cursor.fetchall()}
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
                "usage_days": usage.get(index, ZERO) / DAY,
            }
        )
    return totals
