"""The few SQL fragments that differ between PostgreSQL and SQLite, and the parameters.

Times are compared as timestamps; durations are summed as intervals on PostgreSQL and
as epoch seconds (read to the microsecond) on SQLite. Money is summed exactly: as
numerics on PostgreSQL, as whole cents on SQLite (which stores decimals as floats), and
returned as ``Decimal``.

Every value reaches the database as a parameter of ``Params``; the statements' text
holds only identifiers, operators and placeholders. A list of values (event kinds,
statuses, SKU ids) is one placeholder per value, ``IN (%(usage_0)s, %(usage_1)s)``, on
both databases: Django binds psycopg's parameters on the client, so PostgreSQL receives
the very ``IN ('rental', 'subscription')`` that it plans as ``= ANY('{...}')``, and
its planner sees the values (partial indexes, statistics) as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.models import Model
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .amounts import CENT, MICROSECOND, NO_MONEY, SECONDS_PER_DAY, ZERO

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def table(model: type[Model]) -> str:
    """The quoted name of ``model``'s table."""
    return connection.ops.quote_name(model._meta.db_table)


class Params(dict[str, Any]):
    """A statement's named parameters; each method adds one and returns its placeholder."""

    def value(self, name: str, value: Any) -> str:
        self[name] = value
        return f"%({name})s"

    def value_list(self, name: str, values: Iterable[Any]) -> str:
        """Placeholders for ``IN (...)``, in sorted order; ``NULL`` (matching nothing)
        for no values."""
        placeholders = [
            self.value(f"{name}_{index}", value) for index, value in enumerate(sorted(values))
        ]
        return ", ".join(placeholders) or "NULL"

    def text(self, name: str, value: str) -> str:
        """A word of the ledger (a kind, a status): plain ``str``, not its enum member."""
        return self.value(name, str(value))

    def text_list(self, name: str, values: Iterable[str]) -> str:
        return self.value_list(name, (str(value) for value in values))

    def timestamp(self, name: str, value: dt.datetime) -> str:
        return self.value(name, connection.ops.adapt_datetimefield_value(value))

    def date(self, name: str, value: dt.date) -> str:
        return self.value(name, connection.ops.adapt_datefield_value(value))


class Dialect:
    """The fragments of one database: PostgreSQL or SQLite."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        if self.vendor not in ("postgresql", "sqlite"):
            raise NotImplementedError(
                f"The reports run on PostgreSQL or SQLite, not on {self.vendor}."
            )
        self.pg = self.vendor == "postgresql"

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
            return f"(CAST({column} - DATE '1970-01-01' AS BIGINT) * 86400)"
        return f"CAST(strftime('%%s', {column}) AS INTEGER)"

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

    def latest_key(self, moment: str, event_id: str, value: str) -> str:
        """Text that sorts by ``moment``, then ``event_id``, followed by ``value``: the
        ``MAX`` of it over some events ends with the value of the latest one
        (``latest_value``). The moment is written in UTC to the microsecond, fixed width."""
        if self.pg:
            return (
                f"(to_char({moment} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
                f" || lpad(CAST({event_id} AS text), 20, '0') || {value})"
            )
        # Django stores "YYYY-MM-DD HH:MM:SS" in UTC, with ".ffffff" when not zero.
        return (
            f"(substr({moment} || '.000000', 1, 26)"
            f" || substr('00000000000000000000' || {event_id}, -20) || {value})"
        )

    @staticmethod
    def latest_value(key: str) -> str:
        """The value that ends a ``latest_key`` (NULL stays NULL)."""
        return f"substr({key}, 47)"

    def as_text(self, column: str) -> str:
        return f"CAST({column} AS {'text' if self.pg else 'TEXT'})"

    def as_integer(self, expression: str) -> str:
        return f"CAST({expression} AS {'bigint' if self.pg else 'INTEGER'})"

    def as_timestamp(self, placeholder: str) -> str:
        """A timestamp parameter typed as one where PostgreSQL cannot tell by itself."""
        return f"CAST({placeholder} AS timestamptz)" if self.pg else placeholder

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

    @staticmethod
    def as_datetime(value: Any) -> dt.datetime:
        """A timestamp read from SQL (text on SQLite) as an aware datetime."""
        moment = parse_datetime(value) if isinstance(value, str) else value
        if not isinstance(moment, dt.datetime):
            raise TypeError(f"Not a timestamp: {value!r}")
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, dt.UTC)
        return moment
