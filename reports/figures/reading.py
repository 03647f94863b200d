"""How a report's statements run: in one transaction, tuned, rows read by column name.

A report reads the ledger with a fixed handful of statements whatever the number of
articles. On PostgreSQL a whole-fleet or a store's report tunes its transaction and
may run one statement on a second connection in the same snapshot, so that the sweep
for the peaks on order runs alongside the per-article pass.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

from django.db import connection, transaction

from .dialect import Dialect

WORK_MEM = "128MB"
TUNING = (
    f"SET LOCAL jit = off; SET LOCAL work_mem = '{WORK_MEM}';"
    " SET LOCAL parallel_setup_cost = 10; SET LOCAL parallel_tuple_cost = 0.001"
)

Row = dict[str, Any]


class _Cursor(Protocol):
    @property
    def description(self) -> Sequence[Sequence[Any]] | None: ...

    def fetchall(self) -> Sequence[Sequence[Any]]: ...


def named_rows(cursor: _Cursor) -> list[Row]:
    """The rows of the last statement, each a dict keyed by its column names."""
    names = [column[0] for column in cursor.description or ()]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def run(query: str, params: dict[str, Any]) -> list[Row]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return named_rows(cursor)


class Reading:
    """The dialect of one report, and the snapshot its transaction exported, if any."""

    def __init__(self) -> None:
        self.sql = Dialect()
        self.snapshot: str | None = None

    def concurrently(self, query: str, params: dict[str, Any]) -> Callable[[], list[Row]]:
        """Start ``query`` now and return a function that gives its rows when called.

        In an exported snapshot it runs on a second connection while this one carries
        on; otherwise (SQLite, a transaction opened by the caller) it simply runs now.
        """
        if self.snapshot is not None:
            return _Concurrent(self.snapshot, query, params).result
        rows = run(query, params)
        return lambda: rows


@contextmanager
def reading(*, tune: bool) -> Iterator[Reading]:
    """One report's statements, run in one transaction.

    With ``tune`` (a whole-fleet or a store's report) on PostgreSQL the transaction
    turns JIT off (compiling these one-off plans costs seconds, more than it saves),
    gives the hashes and sorts room in memory and makes parallel workers cheap to
    start (a scan of every event is worth splitting). ``SET LOCAL`` lasts until the
    outermost transaction ends. A page of articles or a few SKUs plans small, and
    SQLite has nothing to tune.

    When the report's transaction is the outermost one, it is REPEATABLE READ and
    exports its snapshot, so that a second connection can run a statement of the same
    report at the same time and see exactly the same ledger (``Reading.concurrently``).
    """
    current = Reading()
    if not current.sql.pg or not tune:
        yield current
        return
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        with connection.cursor() as cursor:
            if outermost:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; " + TUNING)
                cursor.execute("SELECT pg_export_snapshot() AS snapshot")
                current.snapshot = named_rows(cursor)[0]["snapshot"]
            else:
                cursor.execute(TUNING)
        yield current


class _Concurrent:
    """One report statement running on a second connection, in the report's snapshot."""

    def __init__(self, snapshot: str, query: str, params: dict[str, Any]):
        self._result: list[Row] | None = None
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
                    self._result = named_rows(cursor)
                raw.rollback()
            finally:
                raw.close()
        except BaseException as error:  # handed to the thread that asks for the result
            self._error = error

    def result(self) -> list[Row]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result
