"""The hand-written SQL floors of the three reports (``benchmarks/floors/``): run one,
and check that it computes what ``manage.py report`` prints.

A floor is plain PostgreSQL with psql variables (``:'as_of'``), so that psql runs it
as it stands; here each variable becomes a psycopg parameter. A floor leaves out what
SQL cannot do well (Kaplan–Meier): the check compares the columns the floor has.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import psycopg

from reports.figures.reading import TUNING

FLOORS = Path(__file__).resolve().parent.parent / "floors"
REPORTS = ("skus", "selloff", "articles")
# The column that names a row of each report's CSV.
KEYS = {"skus": "sku_code", "selloff": "number", "articles": "number"}
VARIABLE = re.compile(r":'(\w+)'")


@dataclass(frozen=True)
class FloorParameters:
    """What a floor reads besides the ledger: the as-of date and the installation's
    settings (``default_window`` and ``hurdle_share`` for the sell-off)."""

    as_of: str
    time_zone: str
    default_rate: Decimal
    default_window: int
    hurdle_share: Decimal

    def values(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "time_zone": self.time_zone,
            "default_rate": str(self.default_rate),
            "default_window": str(self.default_window),
            "hurdle_share": str(self.hurdle_share),
        }


def floor_query(report: str) -> str:
    """The floor of ``report`` with its psql variables as psycopg's named parameters
    (and without its comment lines, which may name a variable)."""
    text = (FLOORS / f"{report}.sql").read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return VARIABLE.sub(r"%(\1)s", text.replace("%", "%%")).strip().rstrip(";")


def floor_rows(
    connection: psycopg.Connection, report: str, parameters: FloorParameters
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The floor's columns and every row it computes."""
    with connection.transaction(), connection.cursor() as cursor:
        cursor.execute(TUNING)
        cursor.execute(floor_query(report), parameters.values())
        columns = [column.name for column in cursor.description or ()]
        return columns, cursor.fetchall()


def time_floor(connection: psycopg.Connection, report: str, parameters: FloorParameters) -> float:
    """Seconds to run the floor and have every row on the client: fetched, or for the
    articles (the command writes a CSV) copied out as CSV into a sink. The floor runs
    with the settings the reports give their own transaction (``TUNING``: no JIT, the
    same work_mem), so that the two are compared on the same terms."""
    query = floor_query(report)
    started = time.perf_counter()
    with connection.transaction():
        _run_tuned(connection, report, query, parameters)
    return time.perf_counter() - started


def _run_tuned(
    connection: psycopg.Connection, report: str, query: str, parameters: FloorParameters
) -> None:
    """The floor in the current transaction, tuned as the reports tune theirs."""
    connection.execute(TUNING)
    if report == "articles":
        # COPY takes no parameters: they are bound on the client.
        with psycopg.ClientCursor(connection) as client:
            copy = client.mogrify(
                f"COPY ({query}) TO STDOUT (FORMAT csv, HEADER)", parameters.values()
            )
            with client.copy(copy) as out:
                for _ in out:
                    pass
    else:
        with connection.cursor() as cursor:
            cursor.execute(query, parameters.values())
            cursor.fetchall()


@dataclass(frozen=True)
class Agreement:
    """How a floor's rows compare with the command's CSV."""

    rows: int
    columns: list[str]
    differences: list[str]

    @property
    def agrees(self) -> bool:
        return not self.differences


def _decimals(cell: str) -> int | None:
    """The number of decimals of a numeric CSV cell, None if it is not a number."""
    try:
        Decimal(cell)
    except InvalidOperation:
        return None
    return len(cell.partition(".")[2])


def _as_shown(value: Any, cell: str) -> str:
    """``value`` written as the CSV writes ``cell``: rounded half up to its decimals."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    decimals = _decimals(cell)
    if decimals is not None and isinstance(value, int | float | Decimal):
        exponent = Decimal(1).scaleb(-decimals)
        return str(Decimal(str(value)).quantize(exponent, rounding=ROUND_HALF_UP))
    return str(value)


def compare(report: str, csv_text: str, columns: list[str], rows: Iterable[tuple]) -> Agreement:
    """Every cell of the command's CSV in a column the floor has, against the floor's
    value rounded to the CSV's decimals; rows matched by their key."""
    key = KEYS[report]
    reader = csv.DictReader(io.StringIO(csv_text))
    expected = {line[key]: line for line in reader}
    computed = {str(row[columns.index(key)]): dict(zip(columns, row, strict=True)) for row in rows}
    shared = [column for column in columns if column in (reader.fieldnames or ())]
    differences = [
        f"{name}: in {'the floor only' if name in computed else 'the command only'}"
        for name in sorted(set(expected) ^ set(computed))
    ]
    for name in sorted(set(expected) & set(computed)):
        for column in shared:
            cell = expected[name][column]
            shown = _as_shown(computed[name][column], cell)
            if shown != cell:
                differences.append(f"{name} {column}: command {cell!r}, floor {shown!r}")
    return Agreement(rows=len(computed), columns=shared, differences=differences)
