"""The articles report as CSV, streamed: on PostgreSQL computed, rounded and written
by the database.

``article_figures`` reads one row per article and finishes each figure in Python,
which at 100,000 articles takes as long as the statement. For the CSV, PostgreSQL
finishes them: the ledger's statement (``ledger.article_statement``) is the inner
query, and an outer ``SELECT`` computes each figure as ``articles`` does and writes it
as ``reports.formatting`` does, one CSV line per article, in the columns of
``ARTICLE_FIGURES``, sorted by number. ``COPY ... TO STDOUT`` sends the lines; Python
only passes them on, a chunk at a time, so the file is never in memory whole.

How each cell is written follows its figure's kind (``declarations``): money and
other fractions rounded half up (away from zero, as PostgreSQL's ``round`` does) to
their quantum, with ``-`` kept on a negative value that rounds to zero, as
``Decimal.quantize`` keeps it (``-0.0000``); counts as integers; dates ``YYYY-MM-DD``
in the installation's time zone; an empty figure as an empty cell. Text is escaped
for spreadsheets with ``interchange.tabular``'s own pattern and quoted as the
``csv`` module quotes with ``lineterminator="\\n"`` (a comma, a double quote or a line
feed; a carriage return alone is not quoted). Quotients and the depreciation's power
are computed to 30 decimal places, beyond the 28 digits of Python's ``Decimal``.

The statement's parameters are bound by psycopg on the client (Django's cursors are
psycopg ``ClientCursor``s), as for every report statement: ``COPY`` takes no
server-side parameters, and a server-side cursor would hand every cell to Python to
be written again, which costs about as much as the figures did. The lines are
copied in PostgreSQL's text format, one column per line, so that PostgreSQL's own
CSV quoting (which also quotes a carriage return) does not apply; only its escapes
of backslashes and control characters are undone.

SQLite keeps the Python path: ``article_csv`` renders ``article_figures`` there.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from articles.models import Article, Store
from interchange.tabular import _FORMULA_LIKE

from ..formatting import render_csv
from .amounts import CONDITION_FACTORS, YEAR_SECONDS
from .articles import article_figures
from .declarations import ARTICLE_FIGURES, Kind, figure_of
from .dialect import Dialect, Params
from .horizon import Horizon, checked_window
from .ledger import article_statement
from .reading import reading
from .scope import Scope

# Bytes of CSV lines gathered before a chunk is handed on.
CHUNK_BYTES = 1 << 16
# Decimal places of quotients and powers: beyond ``Decimal``'s 28 digits.
PLACES = 30
_PRECISE = "1." + "0" * PLACES  # a factor that gives a product PLACES more places

# The figures of one article from the ledger's row ``l``, unrounded, in SQL: what
# ``articles._article_figure`` computes. Text columns are the article as it is now.
_VALUES = {
    "number": "l.number",
    "sku_code": "l.sku_code",
    "store": "l.store_name",
    "status": "l.status",
    "condition": "l.condition",
    "usage_count": "COALESCE(l.usage_count, 0)",
    "usage_seconds": "COALESCE(extract(epoch FROM l.usage_time), 0)"
    " - COALESCE(extract(epoch FROM l.late_time), 0)",
    "owned_seconds": "GREATEST(LEAST(extract(epoch FROM l.disposed_at), %(t_epoch)s) - l.p, 0)",
    "revenue": "COALESCE(l.revenue, 0)",
    "expenses": "COALESCE(l.expenses, 0)",
    "net": "COALESCE(l.revenue, 0) - COALESCE(l.expenses, 0)",
    "price": "l.price",
    "sale_proceeds": "COALESCE(l.sale_proceeds, 0)",
    "revenue_year": "COALESCE(l.revenue_year, 0)",
    "paid_back_at": "l.paid_back_at",
    "disposed": "l.disposed_at IS NOT NULL",
    "age_seconds": "GREATEST(%(t_epoch)s - l.p, 0)",
    "rate": "COALESCE(l.sku_rate, %(csv_default_rate)s)",
}
# The columns of ARTICLE_FIGURES from those values (``v``) and the share kept (``k``).
_FIGURES = {
    "number": "v.number",
    "sku_code": "v.sku_code",
    "store": "v.store",
    "status": "v.status",
    "condition": "v.condition",
    "usage_count": "v.usage_count",
    "usage_days": f"v.usage_seconds * {_PRECISE} / 86400",
    "owned_days": f"v.owned_seconds * {_PRECISE} / 86400",
    "utilization": "CASE WHEN v.owned_seconds = 0 THEN 0"
    f" ELSE v.usage_seconds * {_PRECISE} / v.owned_seconds END",
    "revenue": "v.revenue",
    "expenses": "v.expenses",
    "net": "v.net",
    "payback_ratio": f"CASE WHEN v.price <> 0 THEN v.net * {_PRECISE} / v.price END",
    "paid_back_on": "CASE WHEN v.price <> 0 THEN v.paid_back_at END",
    "sale_proceeds": "v.sale_proceeds",
    "lifetime_profit": "v.net + v.sale_proceeds - v.price",
    "dollar_utilization": f"CASE WHEN v.price <> 0 THEN v.revenue_year * {_PRECISE} / v.price END",
    "estimated_value": "CASE WHEN v.disposed THEN 0 ELSE v.price * k.kept * v.condition_factor END",
}


def article_csv(
    *,
    as_of: dt.date | None = None,
    window_days: int | None = None,
    articles: QuerySet[Article] | None = None,
    store: Store | None = None,
) -> Iterator[bytes]:
    """The articles report as CSV in UTF-8, a chunk at a time: the bytes that
    ``render_csv(ARTICLE_FIGURES, article_figures(...))`` writes, for the same
    arguments. The as-of date and window are checked at once, before any chunk."""
    checked_window(window_days)
    horizon = Horizon.of(as_of)
    if connection.vendor != "postgresql":
        rows = article_figures(
            as_of=horizon.day, window_days=window_days, articles=articles, store=store
        )
        return iter([render_csv(ARTICLE_FIGURES, rows).encode()])
    return _streamed(horizon, window_days, Scope(articles=articles, store=store))


def _streamed(horizon: Horizon, window_days: int | None, scope: Scope) -> Iterator[bytes]:
    yield render_csv(ARTICLE_FIGURES, []).encode()  # the header
    if scope.articles is not None and scope.articles.query.is_empty():
        return
    with reading(tune=scope.is_large) as current, connection.cursor() as cursor:
        query, params = article_csv_statement(horizon, window_days, scope, current.sql)
        chunk: list[bytes] = []
        size = 0
        with cursor.cursor.copy(query, params) as copy:
            for data in copy:
                line = bytes(data)
                chunk.append(line)
                size += len(line)
                if size >= CHUNK_BYTES:
                    yield _unescaped(b"".join(chunk))
                    chunk, size = [], 0
        if chunk:
            yield _unescaped(b"".join(chunk))


def article_csv_statement(
    horizon: Horizon, window_days: int | None, scope: Scope, sql: Dialect
) -> tuple[str, Params]:
    """``COPY`` of the report's CSV lines (no header), sorted by number, and its
    parameters: the ledger's statement inside, the figures and their text outside."""
    ledger, params = article_statement(horizon, scope, window_days, sql, report="articles")
    params.value("csv_default_rate", settings.DEPRECIATION_RATE)
    factors = " ".join(
        f"WHEN {params.text(f'csv_condition_{index}', condition)}"
        f" THEN {params.value(f'csv_factor_{index}', factor)}"
        for index, (condition, factor) in enumerate(CONDITION_FACTORS.items())
    )
    values = ", ".join(f"{expression} AS {name}" for name, expression in _VALUES.items())
    # (1 - r) ^ (age / 365 days), 1 at age 0 and 0 at a rate of 1 (``kept_share``), at
    # PLACES places (PostgreSQL computes a power to the larger scale of its operands);
    # once per rate and age, as ``Depreciation`` caches it: many articles share them.
    kept = (
        "CASE WHEN d.age_seconds = 0 THEN 1 WHEN d.rate = 1 THEN 0"
        f" ELSE power((1 - d.rate) * {_PRECISE},"
        f" d.age_seconds * {_PRECISE} / {params.value('csv_year_seconds', YEAR_SECONDS)}) END"
    )
    figures = ", ".join(f"{_FIGURES[name]} AS {name}" for name in ARTICLE_FIGURES)
    cells = ", ".join(_cell(name, f"f.{name}", params) for name in ARTICLE_FIGURES)
    # Each part is materialized: ``v`` is read twice, ``k`` computes each power once
    # (inlined, the power would be computed again for every article), and ``f`` each
    # figure once per row, not once for each place its cell uses it.
    return (
        f"""COPY (
        WITH v AS MATERIALIZED (
            SELECT {values}, CASE l.condition_at_t {factors} END AS condition_factor
            FROM ({ledger}) l
        ),
        k AS MATERIALIZED (
            SELECT d.rate, d.age_seconds, {kept} AS kept
            FROM (SELECT DISTINCT rate, age_seconds FROM v) d
        ),
        f AS MATERIALIZED (
            SELECT {figures}
            FROM v JOIN k ON k.rate = v.rate AND k.age_seconds = v.age_seconds
        )
        SELECT concat_ws(',', {cells}) FROM f ORDER BY f.number COLLATE "C"
    ) TO STDOUT""",
        params,
    )


def _cell(name: str, expression: str, params: Params) -> str:
    """One CSV cell of ``expression``, written as ``reports.formatting`` writes the
    figure ``name``; never NULL (``concat_ws`` would leave the cell out)."""
    figure = figure_of(name)
    if figure.quantum is not None:
        places = -int(figure.quantum.as_tuple().exponent)
        rounded = f"round({expression}, {places})"
        # Decimal keeps the sign of a negative value rounded to zero; numeric does not.
        text = (
            f"CASE WHEN {expression} < 0 AND {rounded} = 0 THEN '-' ELSE '' END"
            f" || CAST({rounded} AS text)"
        )
    elif figure.kind == Kind.INTEGER:
        text = f"CAST({expression} AS text)"
    elif figure.kind == Kind.DATE:
        zone = params.value("csv_zone", timezone.get_default_timezone_name())
        text = f"to_char(({expression}) AT TIME ZONE {zone}, 'YYYY-MM-DD')"
    elif figure.kind == Kind.TEXT:
        formula = params.value("csv_formula_like", "^" + _FORMULA_LIKE.pattern)
        escaped = (
            f"CASE WHEN {expression} ~ {formula} THEN '''' || {expression} ELSE {expression} END"
        )
        quoted = params.value("csv_quoted", '[,"\n]')
        text = (
            f"CASE WHEN {expression} ~ {quoted}"
            f" THEN '\"' || replace({escaped}, '\"', '\"\"') || '\"' ELSE {escaped} END"
        )
    else:
        raise NotImplementedError(f"No CSV cell in SQL for {figure.kind} ({name}).")
    return f"COALESCE({text}, '')"


# PostgreSQL's text format writes a backslash and these control characters escaped.
_ESCAPED = re.compile(rb"\\(.)", re.DOTALL)
_UNESCAPED = {
    b"\\": b"\\",
    b"b": b"\b",
    b"f": b"\f",
    b"n": b"\n",
    b"r": b"\r",
    b"t": b"\t",
    b"v": b"\v",
}


def _unescaped(lines: bytes) -> bytes:
    """Lines of ``COPY ... TO STDOUT`` (text format, one column) as they were."""
    if b"\\" not in lines:
        return lines
    return _ESCAPED.sub(lambda match: _UNESCAPED[match.group(1)], lines)
