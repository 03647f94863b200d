"""Report rows as JSON keeps them, exactly: what ``kept`` and ``kept_candidates`` store.

Amounts and fractions are kept as their exact decimal text (``Decimal(str(x))`` is
``x`` with its exponent), reasons as a list, whole numbers and text as they are, None
as null; so a kept report reads back with the same types, digits and exponents.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .declarations import FRACTION, INTEGER, MONEY, REASONS, TEXT, figure_of

Payload = dict[str, Any]

TYPES: dict[str, type] = {
    MONEY: Decimal,
    FRACTION: Decimal,
    INTEGER: int,
    TEXT: str,
    REASONS: list,
}


def is_decimal(name: str) -> bool:
    """Whether the figure ``name`` is kept as decimal text."""
    return TYPES[figure_of(name).kind] is Decimal


def encoded(name: str, value: Any) -> Any:
    """A figure's value for JSON. A value of another type than its figure's kind says is
    refused, not approximated."""
    if value is None:
        return None
    kind = figure_of(name).kind
    expected = TYPES.get(kind)
    fits = expected is not None and isinstance(value, expected) and not isinstance(value, bool)
    if not fits:
        raise TypeError(f"{name}: {value!r} is not a {kind} value; it cannot be kept.")
    if expected is Decimal:
        return str(value)
    return list(value) if expected is list else value


def encoded_rows(rows: list[dict[str, Any]]) -> Payload:
    """Rows of the same columns as their column names and lists of values (a JSON
    object in ``jsonb`` does not keep the order of its keys)."""
    columns = list(rows[0]) if rows else []
    return {
        "columns": columns,
        "rows": [[encoded(name, row[name]) for name in columns] for row in rows],
    }


def decoded_rows(payload: Payload) -> list[dict[str, Any]]:
    """The rows of ``encoded_rows`` again. JSON gives back text, whole numbers, lists
    and null as they were; only amounts and fractions are made decimals again, a
    column at a time (a sell-off of 100,000 articles holds tens of thousands of rows)."""
    columns = payload["columns"]
    rows = payload["rows"]
    if not rows:
        return []
    values = [list(column) for column in zip(*rows, strict=True)]
    for index, name in enumerate(columns):
        if is_decimal(name):
            values[index] = [None if value is None else Decimal(value) for value in values[index]]
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]
