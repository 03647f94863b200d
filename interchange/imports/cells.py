"""Reading an import file: its header, its rows and the values in their cells.

Each parser raises ``ValueError`` with the plain reason a cell cannot be read; the
imports turn it into a ``RowError`` naming the line and column.
"""

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone

from articles.models import MONEY
from articles.services import start_of_day
from interchange.columns import FileColumns
from interchange.tabular import RowError, Table

from .results import ImportFailed, Progress

MAX_MONEY = Decimal(10) ** (MONEY["max_digits"] - MONEY["decimal_places"])
MONEY_PATTERN = re.compile(r"^\d+(\.\d{1,2})?$")
DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}")


class Cells:
    """Parsers for one import, with caches: a nightly file repeats most values."""

    def __init__(self) -> None:
        self.zone = timezone.get_current_timezone()
        self.money_cache: dict[str, Decimal] = {}

    def money(self, text: str) -> Decimal | None:
        """Empty is None; otherwise a non-negative amount with at most 2 decimals."""
        if not text:
            return None
        value = self.money_cache.get(text)
        if value is not None:
            return value
        cleaned = text.strip()
        if not MONEY_PATTERN.match(cleaned):
            if cleaned.startswith("-") and MONEY_PATTERN.match(cleaned[1:]):
                raise ValueError(f"{cleaned} is negative; amounts are 0 or more.")
            if re.match(r"^-?\d+\.\d{3,}$", cleaned):
                raise ValueError(f"{cleaned} has more than 2 decimal places.")
            raise ValueError(f"{cleaned!r} is not an amount of money; write it like 12.50.")
        value = Decimal(cleaned)
        if value >= MAX_MONEY:
            raise ValueError(f"{cleaned} is too large for an amount of money.")
        self.money_cache[text] = value
        return value

    def moment(self, text: str) -> dt.datetime | None:
        """ISO 8601; without an offset in the installation's time zone; a date alone
        is the start of that day."""
        text = text.strip()
        if not text:
            return None
        try:
            if len(text) == 10:
                return start_of_day(dt.date.fromisoformat(text)).astimezone(dt.UTC)
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            if DATE_PREFIX.match(text) and _valid_shape(text):
                raise ValueError(f"{text} is not a date in the calendar.") from None
            raise ValueError(
                f"{text!r} is not a date and time; write it as 2025-05-03 or "
                "2025-05-03T14:00 (ISO 8601)."
            ) from None
        if value.tzinfo is None:
            value = timezone.make_aware(value, self.zone)
        return value.astimezone(dt.UTC)

    @staticmethod
    def date(text: str) -> dt.date | None:
        text = text.strip()
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text[:10] if len(text) > 10 else text)
        except ValueError:
            if DATE_PREFIX.match(text) and _valid_shape(text):
                raise ValueError(f"{text} is not a date in the calendar.") from None
            raise ValueError(f"{text!r} is not a date; write it as 2025-05-03.") from None


def _valid_shape(text: str) -> bool:
    """Digits where a date has digits: then a failure means an impossible date."""
    return bool(re.match(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?", text))


def choice(text: str, choices: list[str], what: str) -> str:
    value = text.strip().lower()
    if value and value not in choices:
        raise ValueError(f"{text.strip()!r} is not {what}; use one of {', '.join(choices)}.")
    return value


def check_header(table: Table, columns: FileColumns) -> None:
    """Every required column is named; a column not declared is refused unless the
    file gives further columns a meaning (the specifications of articles.csv)."""
    known = columns.names
    missing = [column for column in columns.required if column not in table.header]
    errors = []
    if missing:
        errors.append(
            RowError(
                1,
                "",
                f"The header lacks the required column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}. The columns are: {', '.join(known)}.",
            )
        )
    if not columns.further:
        unknown = [column for column in table.header if column not in known]
        if unknown:
            errors.append(
                RowError(
                    1,
                    "",
                    f"Unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}. "
                    f"The columns are: {', '.join(known)}.",
                )
            )
    if errors:
        raise ImportFailed(errors)


def row_width_error(line: int, values: list[str], header: list[str]) -> RowError | None:
    if len(values) > len(header) and any(value.strip() for value in values[len(header) :]):
        return RowError(
            line,
            "",
            f"The row has {len(values)} values but the header names {len(header)} columns.",
        )
    return None


def length_error(line: int, column: str, text: str, limit: int) -> RowError | None:
    if len(text) > limit:
        return RowError(
            line, column, f"The value is {len(text)} characters long; at most {limit} fit."
        )
    return None


def stream(table: Table, progress: Progress, description: str) -> Iterator[tuple[int, list[str]]]:
    """The table's rows with a progress bar over bytes (CSV) or rows (Excel)."""
    bar = progress(total=table.size, desc=description, unit=table.unit, unit_scale=True)
    if table.unit == "B":
        # Bytes of a line are approximated by its characters plus separators.
        for line, values in table.rows:
            bar.update(sum(len(value) for value in values) + len(values))
            yield line, values
    else:
        for line, values in table.rows:
            bar.update(1)
            yield line, values
    bar.close()
